"""The SLA job on a backlog as the worker runs it: ``tickets.tasks.sla_check`` asks for
helpers (``sla_helpers_wanted``) and each worker process runs ``sla_process_due`` at once,
claiming other tickets. Here the processes are forked from this (warm) one and start
together; the time runs from their start until the last has committed.
"""

import multiprocessing
import time

from django.db import connections


def _share(barrier, results) -> None:
    from tickets.services import sla_process_due

    try:
        barrier.wait()
        run = sla_process_due()
        results.put((run.tickets, run.fired, run.breaches))
    except BaseException as error:  # the parent reports it instead of waiting in vain
        results.put(repr(error))
        raise
    finally:
        connections.close_all()


def _forget_connections() -> None:
    """Close this process's connections and its pool (the harness may run with one): a forked
    child must open its own, as a worker process does for its task, not share sockets."""
    for connection in connections.all():
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()


def sla_in_processes(processes: int, timeout: float = 300) -> dict:
    """Seconds and totals of one backlog shared by ``processes`` processes."""
    _forget_connections()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(processes + 1), context.Queue()
    children = [context.Process(target=_share, args=(barrier, results))
                for _ in range(processes)]
    for child in children:
        child.start()
    barrier.wait()
    started = time.perf_counter()
    runs = [results.get(timeout=timeout) for _ in children]
    seconds = time.perf_counter() - started
    for child in children:
        child.join(timeout=timeout)
    failed = [run for run in runs if isinstance(run, str)]
    if failed:
        raise RuntimeError(f"an SLA job process failed: {failed[0]}")
    tickets, fired, breaches = (sum(values) for values in zip(*runs, strict=True))
    return {"seconds": round(seconds, 3), "tickets": tickets, "fired": fired,
            "breaches": breaches, "per_process": [run[0] for run in runs]}
