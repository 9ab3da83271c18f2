"""An SMS backend for fault tests that run a real Celery worker in another process: a fake
gateway whose outbox is the file named by ``COURTYARD_FAULT_SMS_OUTBOX``, one JSON line per
text that really left, so the test can count them across processes and restarts.

Like a real gateway that supports idempotency keys, it texts a key once: a message whose
``idempotency_key`` is already in the outbox is acknowledged without being sent again, and
recorded in ``<outbox>.replays`` so that tests can see the repeat reached the gateway.

When ``COURTYARD_FAULT_SMS_GATE`` names a file that does not exist yet, the first message
creates it (with the process id) and then hangs: the worker is caught in the middle of a
delivery, where the test kills it. ``COURTYARD_FAULT_SMS_GATE_AT`` says where it hangs:
``before`` (the default) nothing was sent; ``accepted`` the gateway took the text, but the
worker has not heard back, so the outbox row is not marked sent.
"""

import fcntl
import json
import os
import time
from pathlib import Path

from portal.sms import BaseBackend, SmsMessage


def _hang(gate: str) -> None:
    Path(gate).write_text(str(os.getpid()))
    while True:  # until SIGKILL
        time.sleep(0.5)


def replays_path(outbox: str | os.PathLike) -> Path:
    return Path(f"{outbox}.replays")


class FileOutboxBackend(BaseBackend):
    def send(self, message: SmsMessage) -> None:
        gate = os.environ.get("COURTYARD_FAULT_SMS_GATE")
        armed = bool(gate) and not os.path.exists(gate)
        if armed and os.environ.get("COURTYARD_FAULT_SMS_GATE_AT", "before") == "before":
            _hang(gate)
        self._accept(message, os.environ["COURTYARD_FAULT_SMS_OUTBOX"])
        if armed:
            _hang(gate)

    @staticmethod
    def _accept(message: SmsMessage, outbox: str) -> None:
        line = json.dumps({"to": message.to, "body": message.body,
                           "key": message.idempotency_key, "pid": os.getpid()})
        with open(outbox, "a+", encoding="utf-8") as file:
            # Look-up and append under one lock: two workers with the same key text once.
            fcntl.flock(file, fcntl.LOCK_EX)
            file.seek(0)
            seen = {json.loads(sent).get("key") for sent in file.read().splitlines() if sent}
            if message.idempotency_key and message.idempotency_key in seen:
                with replays_path(outbox).open("a", encoding="utf-8") as replays:
                    replays.write(line + "\n")
                return
            file.write(line + "\n")
