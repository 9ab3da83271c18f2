"""Start, kill and read real Celery worker and beat processes for the fault tests
(tests/security/fault_worker.py), against the test's own PostgreSQL database and a queue of
their own on the shared broker, so that nothing else's workers take their tasks."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from portal.celery import app

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30


def database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Processes:
    def __init__(self, tmp_path: Path, gate: bool):
        self.dir = tmp_path
        self.queue = f"fault-{uuid.uuid4().hex[:10]}"
        self.outbox = tmp_path / "outbox.jsonl"
        self.gate = tmp_path / "gate"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "SMS_BACKEND": "tests.security.fault_sms.FileOutboxBackend",
            "COURTYARD_FAULT_SMS_OUTBOX": str(self.outbox),
            "PYTHONPATH": str(ROOT),
        }
        if gate:
            self.env["COURTYARD_FAULT_SMS_GATE"] = str(self.gate)
        self.running: list[subprocess.Popen] = []
        self.count = 0

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.dir / f"{name}-{self.count}.log", "wb")  # noqa: SIM115
        self.count += 1
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.security.fault_worker", self.queue, *args],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes all of it
        )
        self.running.append(process)
        return process

    def worker(self) -> subprocess.Popen:
        return self._start("worker")

    def beat(self) -> subprocess.Popen:
        return self._start("beat", "beat", str(self.dir / f"beat-{self.count}.schedule"))

    @staticmethod
    def kill(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        if process.poll() is None:
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for process in self.running:
            self.kill(process, signal.SIGTERM)

    def log(self, pattern: str = "*.log") -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.dir.glob(pattern)))

    def log_lines(self, name: str, *parts: str) -> int:
        return sum(
            all(part in line for part in parts) for line in self.log(name).splitlines()
        )

    def sent(self) -> list[dict]:
        if not self.outbox.exists():
            return []
        return [json.loads(line) for line in self.outbox.read_text().splitlines() if line]

    def until(self, condition, what: str, timeout: float = WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}\n{self.log()[-6000:]}")


def processes_fixture(gate: bool):
    @pytest.fixture
    def fixture(tmp_path):
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: worker processes must see the test's database")
        processes = Processes(tmp_path, gate)
        previous = app.conf.task_default_queue
        app.conf.task_default_queue = processes.queue  # what the test publishes goes there
        try:
            yield processes
        finally:
            processes.stop_all()
            app.conf.task_default_queue = previous

    return fixture
