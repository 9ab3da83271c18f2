"""Text messages through a pluggable backend, chosen by the SMS_BACKEND setting.

The default writes every message to the log, so that the demo and tests need no gateway.
``HttpGatewayBackend`` posts JSON to SMS_GATEWAY_URL with a bearer token, the shape most
Chinese SMS aggregators offer behind a small adapter.

Idempotency keys. A worker can die after the gateway accepted a text but before the outbox
row was marked sent; the row is then claimed again (``communications.delivery.STALE_CLAIM``)
and sent a second time. So a message may carry an ``idempotency_key``, the same on every
attempt for the same outbox row (notifications use ``courtyard-delivery-<pk>-<created>``).
``HttpGatewayBackend`` sends it as the ``Idempotency-Key`` header (IETF
draft-ietf-httpapi-idempotency-key-header) and as ``"idempotency_key"`` in the JSON body, for
adapters that only read the body. A gateway that honours it acknowledges a repeated key
without texting again; one that ignores it behaves as before. ``LogBackend`` logs the key,
``MemoryBackend`` keeps it on the message in its outbox. Messages without a key (password
resets, invitations) are sent without the header or field.
"""

import abc
import json
import logging
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("courtyard.sms")

IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    # The same for every attempt at one message; empty when the caller has no stable id.
    idempotency_key: str = ""


class BaseBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, message: SmsMessage) -> None:
        """Deliver one message or raise; callers record the failure and retry."""


class LogBackend(BaseBackend):
    def send(self, message: SmsMessage) -> None:
        logger.info("SMS to %s (idempotency key %s): %s",
                    message.to, message.idempotency_key or "-", message.body)


class MemoryBackend(BaseBackend):
    """Keeps messages in ``outbox`` like Django's locmem mail backend; for tests. Every call
    is kept, repeated keys too: tests see what reached the gateway, keys included."""

    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        MemoryBackend.outbox.append(message)


class HttpGatewayBackend(BaseBackend):
    timeout_seconds = 10

    def send(self, message: SmsMessage) -> None:
        if not settings.SMS_GATEWAY_URL.startswith(("https://", "http://")):
            raise ValueError("SMS_GATEWAY_URL must be an http(s) URL")
        payload = {"to": message.to, "text": message.body}
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        }
        if message.idempotency_key:
            payload["idempotency_key"] = message.idempotency_key
            headers[IDEMPOTENCY_HEADER] = message.idempotency_key
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            settings.SMS_GATEWAY_URL,
            data=json.dumps(payload).encode(),
            headers=headers,
            method="POST",
        )
        # The scheme was checked above, so neither file: nor custom schemes get here.
        opened = urllib.request.urlopen(  # noqa: S310  # nosec B310
            request, timeout=self.timeout_seconds
        )
        with opened as response:
            if response.status >= 300:
                raise RuntimeError(f"SMS gateway answered {response.status}")


def send_sms(to: str, body: str, *, idempotency_key: str = "") -> None:
    """Send one text. Pass ``idempotency_key`` whenever the caller may send the same message
    again after a crash (an outbox row): a gateway that honours it texts only once."""
    import_string(settings.SMS_BACKEND)().send(
        SmsMessage(to=to, body=body, idempotency_key=idempotency_key)
    )
