"""The benchmark harness of issue #9 (``make bench``, entry point ``bench/run.py``).

One run: create (or reuse) a database of its own, seed it at ``--scale`` with COPY, start the
production process set on loopback (uvicorn ASGI workers, a Celery worker and beat), drive
each scenario for a bounded time, stop every process, print a table and write JSON.

Features plug in at two registries, so that a new hot path is a module and one line:

* ``bench.harness.seed.SEEDERS``: modules with ``NAME`` and ``seed(ctx)`` writing rows;
* ``bench.harness.scenarios.SCENARIOS``: modules with ``NAME`` and ``run(ctx) -> list[dict]``.
"""
