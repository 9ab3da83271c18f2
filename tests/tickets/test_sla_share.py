"""A backlog of due tickets is shared between worker processes (issue #9): the beat task asks
for as many helpers as the backlog is worth, each claims other tickets, every level fires once.
"""

import queue

import pytest
from django_scopes import scopes_disabled

from tests.test_celery import finished_tasks, worker  # noqa: F401 (fixtures)
from tickets import tasks
from tickets.models import SlaEscalation, TimelineEntry
from tickets.services import sla_job

from .conftest import at
from .sla_entries import listed_levels


def _until_idle(finished: queue.Queue) -> list[str]:
    """The tasks the worker finished (the escalations' deliveries too) until it has been idle
    for two seconds: the test database must not be flushed under a running task."""
    names = [finished.get(timeout=20)]
    while True:
        try:
            names.append(finished.get(timeout=2))
        except queue.Empty:
            return names


def _backlog(desk, clock, count):
    tickets = [desk.submit(title=f"Leak {n}") for n in range(count)]
    clock.move_to(at(2026, 3, 10, 16, 30), tick=False)  # 75, 100 and 150 % of first response
    return tickets


def test_helpers_follow_the_backlog_up_to_the_processes(desk, clock, settings):
    assert sla_job.sla_helpers_wanted(batch_size=2) == 0  # nothing due
    _backlog(desk, clock, 5)
    settings.TICKETS_SLA_PROCESSES = 2
    assert sla_job.sla_helpers_wanted(batch_size=2) == 1
    assert sla_job.sla_helpers_wanted(batch_size=5) == 0  # one batch: not worth a second
    settings.TICKETS_SLA_PROCESSES = 4
    assert sla_job.sla_helpers_wanted(batch_size=2) == 2  # three batches, three processes
    assert sla_job.sla_helpers_wanted(batch_size=1) == 3
    settings.TICKETS_SLA_PROCESSES = 1
    assert sla_job.sla_helpers_wanted(batch_size=1) == 0


@pytest.mark.django_db(transaction=True)
def test_a_backlog_is_shared_through_the_broker_and_each_level_fires_once(
    desk, clock, settings, monkeypatch, worker, finished_tasks  # noqa: F811
):
    settings.TICKETS_SLA_PROCESSES = 2
    monkeypatch.setattr(sla_job, "SLA_BATCH_SIZE", 2)
    _backlog(desk, clock, 5)

    tasks.sla_check.delay()
    finished = _until_idle(finished_tasks)

    assert finished.count(tasks.sla_check.name) == finished.count(tasks.sla_check_share.name) == 1
    with scopes_disabled():
        assert SlaEscalation.objects.count() == 5 * 3
        # Each ticket was claimed by one process: one entry listing its three levels.
        assert listed_levels(TimelineEntry.objects.all()) == sorted(
            SlaEscalation.objects.values_list("ticket_id", "timer", "percent")
        )
        assert TimelineEntry.objects.filter(kind="escalation").count() == 5
    assert sla_job.sla_helpers_wanted() == 0 and tasks.sla_check() == 0
