"""Text messages through a pluggable backend, chosen by the SMS_BACKEND setting.

The default writes every message to the log, so that the demo and tests need no gateway.
``HttpGatewayBackend`` posts JSON to SMS_GATEWAY_URL with a bearer token, the shape most
Chinese SMS aggregators offer behind a small adapter.
"""

import abc
import json
import logging
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("courtyard.sms")


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class BaseBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, message: SmsMessage) -> None:
        """Deliver one message or raise; callers record the failure and retry."""


class LogBackend(BaseBackend):
    def send(self, message: SmsMessage) -> None:
        logger.info("SMS to %s: %s", message.to, message.body)


class MemoryBackend(BaseBackend):
    """Keeps messages in ``outbox`` like Django's locmem mail backend; for tests."""

    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        MemoryBackend.outbox.append(message)


class HttpGatewayBackend(BaseBackend):
    timeout_seconds = 10

    def send(self, message: SmsMessage) -> None:
        if not settings.SMS_GATEWAY_URL.startswith(("https://", "http://")):
            raise ValueError("SMS_GATEWAY_URL must be an http(s) URL")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            settings.SMS_GATEWAY_URL,
            data=json.dumps({"to": message.to, "text": message.body}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
            method="POST",
        )
        # The scheme was checked above, so neither file: nor custom schemes get here.
        opened = urllib.request.urlopen(  # noqa: S310  # nosec B310
            request, timeout=self.timeout_seconds
        )
        with opened as response:
            if response.status >= 300:
                raise RuntimeError(f"SMS gateway answered {response.status}")


def send_sms(to: str, body: str) -> None:
    import_string(settings.SMS_BACKEND)().send(SmsMessage(to=to, body=body))
