"""One sample of the soak every ``--interval`` seconds: memory of every process of the set,
the load's counts, the Celery queue and the database's connections.

Processes are named by role and keep their name for the run ("web worker 1", "celery pool
2"); a role whose process id changes (a worker that died and was replaced, a pool child
recycled) is counted as a restart: for a soak that is an error, and it would also reset the
memory curve it is judged on.
"""

import json
import os
import time
from pathlib import Path

import psutil
import psycopg
import redis

CELERY_QUEUE = "celery"  # the default queue; settings route no task elsewhere


def _children(pid: int) -> list[psutil.Process]:
    try:
        return sorted((child for child in psutil.Process(pid).children(recursive=False)
                       if "resource_tracker" not in " ".join(child.cmdline())),
                      key=lambda child: child.pid)
    except psutil.Error:
        return []


class Sampler:
    def __init__(self, processes, database_url: str, database_name: str, redis_url: str,
                 progress: Path, sockets=None):
        self.processes, self.progress, self.sockets = processes, progress, sockets
        self.database_name = database_name
        self.database = psycopg.connect(database_url, autocommit=True)
        self.redis = redis.Redis.from_url(redis_url, socket_timeout=5)
        self.pids: dict[str, int] = {}
        self.restarts: dict[str, int] = {}
        self.handles: dict[int, psutil.Process] = {}  # cpu_percent needs the same object

    def roles(self) -> dict[str, int]:
        procs = self.processes.procs
        roles = {}
        if "web" in procs:
            roles["uvicorn master"] = procs["web"].pid
            for number, child in enumerate(_children(procs["web"].pid), 1):
                roles[f"web worker {number}"] = child.pid
        if "worker" in procs:
            roles["celery worker"] = procs["worker"].pid
            for number, child in enumerate(_children(procs["worker"].pid), 1):
                roles[f"celery pool {number}"] = child.pid
        if "beat" in procs:
            roles["celery beat"] = procs["beat"].pid
        return roles

    def _memory(self) -> tuple[dict, dict]:
        rss, cpu = {}, {}
        for role, pid in self.roles().items():
            if self.pids.get(role, pid) != pid:
                self.restarts[role] = self.restarts.get(role, 0) + 1
            self.pids[role] = pid
            handle = self.handles.get(pid)
            if handle is None:
                handle = self.handles[pid] = psutil.Process(pid)
                handle.cpu_percent(None)  # the first call only starts the measurement
            try:
                rss[role] = round(handle.memory_info().rss / 2**20, 1)
                cpu[role] = round(handle.cpu_percent(None), 1)
            except psutil.Error:
                rss[role] = cpu[role] = None
        return rss, cpu

    def _load(self) -> dict:
        try:
            return json.loads(self.progress.read_text())
        except (OSError, ValueError):
            return {}

    def _queue(self) -> int | None:
        try:
            return self.redis.llen(CELERY_QUEUE)
        except redis.RedisError:
            return None

    def _connections(self) -> dict:
        rows = self.database.execute(
            "SELECT coalesce(state, '?'), count(*) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() GROUP BY 1",
            [self.database_name],
        ).fetchall()
        return {"total": sum(n for _state, n in rows), **dict(rows)}

    def sample(self, t: float) -> dict:
        rss, cpu = self._memory()
        load = self._load()
        statuses = load.get("status", {})
        return {
            "t": round(t, 1), "at": time.time(), "rss_mb": rss, "cpu_percent": cpu,
            "requests": sum(load.get("requests", {}).values()),
            "failures": sum(load.get("failures", {}).values()),
            "status_5xx": sum(n for code, n in statuses.items() if code.startswith("5")),
            "connection_errors": statuses.get("0", 0),
            "exceptions": load.get("exceptions", 0),
            "pending_transitions": load.get("pending_transitions"),
            "celery_queue": self._queue(), "db_connections": self._connections(),
            "sockets": self.sockets.snapshot() if self.sockets else None,
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }

    def close(self) -> None:
        self.database.close()
        self.redis.close()
