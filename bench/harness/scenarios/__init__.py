"""Scenarios, run in this order; each is a module with ``NAME``, ``NEEDS_PROCESSES`` (False:
runs in-process before the process set starts) and ``run(ctx) -> list[dict]`` (result rows:
at least ``scenario``; timings as p50_ms/p95_ms/p99_ms, ``rps``, ``seconds``; ``error`` when
it could not measure).

HTTP scenarios are rows of ``http.HTTP_SCENARIOS``: a dashboard or the notice feed is one
more row there. A scenario with its own machinery (a notice published to 20,000 owners,
until every notification is written and pushed) is a module here plus its name below.
PENDING names what the issue asks for that waits on a feature in progress.
"""

SCENARIOS = [
    "db_floor",    # the queue query's raw SQL through psycopg: the database's floor
    "sla_job",     # tickets.services.sla_process_due on the due tickets, then nothing due
    "http",        # locust: the framework floor, queue API and page, owner list, writes
    "websocket",   # commit → client latency with many open sockets
    "memory",      # RSS of each web worker after the load
]
PENDING = {
    "notice feed (owner)": "notices app in progress: one row in http.HTTP_SCENARIOS",
    "notice to 20,000 owners": "notices app in progress: a module here (budget 10 s)",
    "dashboards": "portal.dashboards in progress: one row per dashboard in http.HTTP_SCENARIOS"
                  " (budget 1 s each at 1,000,000 tickets)",
}
