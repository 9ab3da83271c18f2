"""The SLA job (``tickets.services.sla_process_due``), as beat's task runs it.

First in this process on the due tickets (put back as before any run: no escalations, check
a minute ago — so every run measures the same work), then once more with nothing due: its
cost must follow the due tickets, not the table; then the same backlog shared by the worker
processes that ``tickets.tasks.sla_check`` asks for, which the budget applies to. Delivery
to communications runs for real (notification rows, live messages after commit); the Celery
tasks it queues are purged before the worker starts (run.py). With ``--profile``, a
pyinstrument profile of the first run.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from tickets.models import OPEN_STATUSES, SlaEscalation, Ticket, TimelineEntry
from tickets.services import sla_process_due

from ..seed.tickets import DUE_TEXT
from ..sla_processes import sla_in_processes

NAME = "sla_job"
NEEDS_PROCESSES = False
DUE_IDS: list[int] = []  # the due tickets reset_due() put back


def reset_due() -> int:
    now = timezone.now()
    with scopes_disabled(), transaction.atomic():
        ids = list(Ticket.objects.filter(description=DUE_TEXT, status="new")
                   .values_list("pk", flat=True))
        DUE_IDS[:] = ids
        SlaEscalation.objects.filter(ticket_id__in=ids).delete()
        TimelineEntry.objects.filter(ticket_id__in=ids,
                                     kind=TimelineEntry.Kind.ESCALATION).delete()
        Ticket.objects.filter(pk__in=ids).update(
            next_sla_check_at=now - timedelta(minutes=1), first_response_breached_at=None,
            resolution_breached_at=None,
        )
    # The server may run without autovacuum: every run deletes and re-inserts the same
    # escalation keys, whose unique check would otherwise walk a dead version per earlier run.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) tickets_slaescalation, tickets_timelineentry, "
                       "tickets_ticket")
    return len(ids)


def escalation_entries() -> int:
    """The escalation entries on the due tickets' timelines: one per ticket and run, listing
    the levels the run fired (``data["levels"]``)."""
    with scopes_disabled():
        return TimelineEntry.objects.filter(
            ticket_id__in=DUE_IDS, kind=TimelineEntry.Kind.ESCALATION
        ).count()


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _timed(label: str, open_tickets: int, profile_to=None) -> dict:
    counter = _Counter()
    profiler = None
    if profile_to is not None:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    entries = escalation_entries()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        run = sla_process_due()
        seconds = time.perf_counter() - started
    entries = escalation_entries() - entries
    if profiler is not None:
        profiler.stop()
        profile_to.write_text(profiler.output_html())
        profile_to.with_suffix(".txt").write_text(profiler.output_text())
    return {"scenario": label, "kind": "job", "open_tickets": open_tickets,
            "tickets": run.tickets, "levels_fired": run.fired, "breaches": run.breaches,
            "timeline_entries": entries, "seconds": round(seconds, 3),
            "queries": counter.count, "failures": 0}


def run(ctx) -> list[dict]:
    due = reset_due()
    with scopes_disabled():
        open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES).count()
    profile = ctx.run_dir / "sla_job.profile.html" if ctx.args.profile else None
    first = _timed(f"SLA job, {due} due, one process", open_tickets, profile)
    second = _timed("SLA job, nothing due", open_tickets)
    # The backlog as the worker runs it: tickets.tasks.sla_check shares it between processes.
    # The budget is for 2,000 due tickets; at a smaller scale it is only looser.
    reset_due()
    processes = settings.TICKETS_SLA_PROCESSES
    shared = sla_in_processes(processes)
    entries = escalation_entries()
    third = {"scenario": f"SLA job, {due} due, {processes} worker processes", "kind": "job",
             "open_tickets": open_tickets, "tickets": shared["tickets"],
             "levels_fired": shared["fired"], "breaches": shared["breaches"],
             "timeline_entries": entries, "seconds": shared["seconds"], "queries": None,
             "failures": 0,
             "budget": "<= 1 s", "budget_ok": shared["seconds"] <= 1.0}
    return [first, second, third]
