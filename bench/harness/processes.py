"""The production process set on loopback, and its certain end.

Each process starts in a session of its own (a process group), so that stopping it stops
its children too (uvicorn's workers, Celery's pool). ``ProcessSet`` is a context manager:
whatever happens inside — a failure, Ctrl-C — every group is terminated, then killed.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 90.0, procs=()) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode} during start")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError as exc:
            last = exc
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s ({last})")


class ProcessSet:
    """``web_only``: just the uvicorn workers (live events need nothing else)."""

    def __init__(self, env: dict, run_dir: Path, workers: int, celery_concurrency: int = 2,
                 web_only: bool = False):
        self.env, self.run_dir, self.workers, self.web_only = env, run_dir, workers, web_only
        self.celery_concurrency = celery_concurrency
        self.procs: dict[str, subprocess.Popen] = {}
        self.port, self.floor_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.floor_url = f"http://127.0.0.1:{self.floor_port}"

    def _start(self, name: str, args: list[str], **env) -> subprocess.Popen:
        log = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            args, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        self.procs[name] = proc
        return proc

    def __enter__(self):
        uvicorn = [str(BIN / "uvicorn"), "--host", "127.0.0.1", "--workers", str(self.workers),
                   "--log-level", "warning", "--no-access-log"]
        try:
            self._start("web", [*uvicorn, "--port", str(self.port), "portal.asgi:application"])
            if not self.web_only:
                self._start("floor", [*uvicorn, "--port", str(self.floor_port), "--factory",
                                      "django.core.asgi:get_asgi_application"],
                            DJANGO_SETTINGS_MODULE="bench.harness.floor_settings")
                celery = [str(BIN / "celery"), "-A", "portal"]
                self._start("worker", [*celery, "worker", "--loglevel", "WARNING",
                                       "--concurrency", str(self.celery_concurrency)])
                self._start("beat", [*celery, "beat", "--loglevel", "WARNING"])
            procs = list(self.procs.values())
            wait_for(f"{self.url}/healthz", procs=procs)
            if not self.web_only:
                wait_for(f"{self.floor_url}/floor/", procs=procs)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def web_workers(self) -> list[psutil.Process]:
        proc = self.procs.get("web")
        if proc is None or proc.poll() is not None:
            return []
        # uvicorn's children: its spawned workers, and multiprocessing's resource tracker.
        return [child for child in psutil.Process(proc.pid).children(recursive=False)
                if "resource_tracker" not in " ".join(child.cmdline())]

    def stop(self, grace: float = 10.0) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:  # the group: children that outlived their parent too
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if proc.poll() is None:
                proc.wait(timeout=5)
        self.procs.clear()
