"""Scenarios, run in this order; each is a module with ``NAME``, ``NEEDS_PROCESSES`` (False:
runs in-process before the process set starts) and ``run(ctx) -> list[dict]`` (result rows:
at least ``scenario``; timings as p50_ms/p95_ms/p99_ms, ``rps``, ``seconds``; ``error`` when
it could not measure).

HTTP scenarios are rows of ``http.HTTP_SCENARIOS``: a page or an API is one more row there.
A scenario with its own machinery (like ``notice_publish``) is a module here plus its name
below.
PENDING names what the issue asks for that waits on a feature in progress.
"""

SCENARIOS = [
    "db_floor",    # the queue query's raw SQL through psycopg: the database's floor
    "sla_job",     # tickets.services.sla_process_due on the due tickets, then nothing due
    # First of the process set's scenarios: the worker must not still be busy with the
    # deliveries queued by the HTTP writes.
    "notice_publish",  # a notice to 20,000 residents until every delivery is processed
    "http",        # locust: floor, queue API and page, owner pages, dashboards, writes
    "websocket",   # commit → client latency with many open sockets
    "memory",      # RSS of each web worker after the load
]
PENDING: dict[str, str] = {}
