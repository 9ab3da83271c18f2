"""The database's floor: the staff queue API's own SQL, timed straight through psycopg.

The statement is captured from one in-process request to the queue API (the slowest query
on tickets_ticket of that request), so it is exactly what the view runs, then repeated on a
plain psycopg connection, alone and from 8 connections at once. Its EXPLAIN (ANALYZE,
BUFFERS) goes next to the results; with ``--profile`` also a pyinstrument profile of that
in-process API request.
"""

import threading
import time

import psycopg
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.generations import clear_process_memory

from ..stats import summary

NAME = "db_floor"
NEEDS_PROCESSES = False


def queue_sql(ctx) -> tuple[str, int]:
    """(the queue query, SQL statements per API request)."""
    manager = ctx.people["managers"][0]
    client = Client(headers={"Authorization": f"Token {manager['token']}"})
    path = f"/api/v1/orgs/{manager['slug']}/tickets/?view=open"
    client.get(path, HTTP_HOST="127.0.0.1")  # warm: the first request loads code
    profiler = None
    if ctx.args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    clear_process_memory()  # the query itself, not the remembered answer (portal.generations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST="127.0.0.1")
    if profiler is not None:
        profiler.stop()
        (ctx.run_dir / "queue_api.profile.html").write_text(profiler.output_html())
        (ctx.run_dir / "queue_api.profile.txt").write_text(profiler.output_text())
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code}")
    ticket_queries = [q for q in captured.captured_queries if "tickets_ticket" in q["sql"]
                      and q["sql"].lstrip().upper().startswith("SELECT")]
    slowest = max(ticket_queries, key=lambda q: float(q["time"]))
    return slowest["sql"], len(captured.captured_queries)


def _url() -> str:
    db = settings.DATABASES["default"]
    return (f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def _hammer(sql: str, seconds: float, out: list, limit: int) -> None:
    with psycopg.connect(_url()) as conn:
        conn.execute(sql).fetchall()  # warm: plan, cache
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline and len(out) < limit:
            started = time.perf_counter()
            conn.execute(sql).fetchall()
            out.append((time.perf_counter() - started) * 1000)


def run(ctx) -> list[dict]:
    sql, queries = queue_sql(ctx)
    (ctx.run_dir / "queue_query.sql").write_text(sql + ";\n")
    with psycopg.connect(_url()) as conn:
        plan = "\n".join(row[0] for row in conn.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + sql).fetchall())
    (ctx.run_dir / "queue_query.explain.txt").write_text(plan)
    results = []
    for connections in (1, 8):
        per_thread = [[] for _ in range(connections)]
        threads = [threading.Thread(target=_hammer, args=(sql, ctx.seconds, out, 5000))
                   for out in per_thread]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        durations = [d for out in per_thread for d in out]
        result = {"scenario": "floor: queue SQL via psycopg", "kind": "db",
                  "users": connections, **summary(durations, elapsed), "failures": 0,
                  "queries_per_api_request": queries}
        ctx.floors[f"database@{connections}"] = result
        results.append(result)
    results[0]["explain"] = plan.splitlines()[:3]
    return results
