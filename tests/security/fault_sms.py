"""An SMS backend for fault tests that run a real Celery worker in another process: each
message is appended as one JSON line to the file named by ``COURTYARD_FAULT_SMS_OUTBOX``, so
the test can count what really left, across processes and restarts.

When ``COURTYARD_FAULT_SMS_GATE`` names a file that does not exist yet, the first message
creates it (with the process id) and then hangs before anything is sent: the worker is caught
in the middle of a delivery, where the test kills it.
"""

import json
import os
import time
from pathlib import Path

from portal.sms import BaseBackend, SmsMessage


class FileOutboxBackend(BaseBackend):
    def send(self, message: SmsMessage) -> None:
        gate = os.environ.get("COURTYARD_FAULT_SMS_GATE")
        if gate and not os.path.exists(gate):
            Path(gate).write_text(str(os.getpid()))
            while True:  # until SIGKILL
                time.sleep(0.5)
        line = json.dumps({"to": message.to, "body": message.body, "pid": os.getpid()})
        with open(os.environ["COURTYARD_FAULT_SMS_OUTBOX"], "a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")
