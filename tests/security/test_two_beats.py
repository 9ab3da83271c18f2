"""Two Celery beat processes running at once (issue #10, faults; DESIGN §10 pitfall): every
periodic job is sent twice per tick, and two workers run the copies side by side. Each effect
must still happen once: an escalation level fires once per ticket and timer, a scheduled
notice is published once, an event reminder goes once, a text message is sent once.

Real processes (tests/security/fault_worker.py): two beats ticking every 1.5 s instead of every
minute, and two workers, all with the project's settings and the test's PostgreSQL database.
The jobs claim their rows with conditional UPDATEs or ``SKIP LOCKED``; this proves it holds
across processes. PostgreSQL only (the workers must see the test's committed rows).
"""

import datetime as dt
import time
from collections import Counter

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from communications.models import Delivery, Notification
from communications.services import notify
from events.models import Reminder
from events.services import event_create, event_publish, registration_create
from notices.models import NoticeReceipt
from notices.services import notice_create, notice_publish
from portal.tenancy.access import compute_access
from tests import factories as f
from tests.tickets.conftest import make_desk
from tests.tickets.sla_entries import listed_levels
from tickets.models import SlaEscalation, Ticket, TimelineEntry
from tickets.services import sla_process_due, ticket_submit

from .fault_processes import processes_fixture
from .fault_worker import BEAT_SECONDS, FAST_JOBS

celery_processes = processes_fixture(gate=False)
PHONE = "+8613700137000"
TICKS = 4  # ticks of each beat after the effects appeared, all of which must change nothing


def _due_work(w) -> dict:
    """Something due for every fast job, all in sunrise."""
    owner, manager = compute_access(w.owner, w.org), compute_access(w.manager, w.org)
    with scope(organization=w.org):
        desk = make_desk(w)
        # Filed a month ago: every level of every timer has been reached by now.
        with time_machine.travel(timezone.now() - dt.timedelta(days=30), tick=False):
            for n in range(3):
                ticket_submit(access=owner, category=desk.repair, unit=w.unit,
                              title=f"Leak {n}", description="Water on the floor.")
        notice = notice_publish(
            access=manager, publish_at=timezone.now() + dt.timedelta(seconds=2),
            notice=notice_create(access=manager, title="Lift service", body="Tuesday.",
                                 building_ids=[w.building.pk]),
        )
        # Its 60-minute reminder comes due a few seconds from now (one already past at
        # publication would be skipped, not sent late).
        starts = timezone.now() + dt.timedelta(minutes=60, seconds=3)
        event = event_publish(access=manager, event=event_create(
            access=manager, title="Tea party", place="Clubhouse", starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1), capacity=10, max_party_size=1,
            property=w.property, reminder_offsets=[60],
        ))
        registration_create(access=owner, event=event)
    texted = f.UserFactory(email=None, phone=PHONE)
    with transaction.atomic(), scopes_disabled():
        notify(organization=w.org, recipients=[texted.pk], kind="ticket.status",
               context={"number": 9, "status": "resolved"}, emergency=True)
    return {"notice": notice, "event": event, "texted": texted}


def _effects(w, work) -> dict:
    with scopes_disabled():
        return {
            "escalations": SlaEscalation.objects.count(),
            "published": NoticeReceipt.objects.filter(notice=work["notice"],
                                                      user=w.owner).count(),
            "reminders": Reminder.objects.filter(registration__event=work["event"]).count(),
            "texts": Delivery.objects.filter(notification__recipient=work["texted"],
                                             status=Delivery.Status.SENT).count(),
        }


@pytest.mark.django_db(transaction=True)
def test_two_beats_and_two_workers_make_each_periodic_effect_happen_once(
    world, celery_processes
):
    p, w = celery_processes, world.sunrise
    work = _due_work(w)
    for _ in range(2):
        p.worker()
    for _ in range(2):
        p.beat()

    try:
        p.until(lambda: all(_effects(w, work).values()), "every job to do its work", timeout=40)
    except AssertionError as error:
        raise AssertionError(f"{_effects(w, work)}: {error}") from None
    # Both beats keep sending every job for a few more ticks; none may repeat an effect.
    sent_before = p.log_lines("beat-*.log", "Sending due task")
    time.sleep(TICKS * BEAT_SECONDS + 1)
    for process in p.running[2:]:
        p.kill(process)  # the beats
    time.sleep(2)  # the workers finish what the beats sent last

    beats = {name: p.log_lines(name, "Sending due task") for name in ("beat-2.log", "beat-3.log")}
    assert all(count >= 2 * len(FAST_JOBS) for count in beats.values()), beats
    assert p.log_lines("beat-*.log", "Sending due task") > sent_before
    assert p.log_lines("worker-*.log", "succeeded") >= 2 * len(FAST_JOBS)
    with scopes_disabled():
        # Escalations: each (ticket, timer, level) once, listed by one timeline entry (of the
        # run that fired it), and one notification per person and ticket (a run tells the
        # highest level reached).
        levels = list(SlaEscalation.objects.values_list("ticket_id", "timer", "percent"))
        assert len(levels) == len(set(levels)) >= 3 * 3
        assert listed_levels(TimelineEntry.objects.all()) == sorted(levels)
        told = Counter(Notification.objects.filter(kind__startswith="ticket.escalated")
                       .values_list("recipient_id", "object_key"))
        assert told and max(told.values()) == 1, told
        assert not Ticket.objects.filter(first_response_breached_at__isnull=True).exists()
        # The notice: published once, one copy and one notification for the owner.
        assert NoticeReceipt.objects.filter(notice=work["notice"], user=w.owner).count() == 1
        assert Notification.objects.filter(kind="notice.published", recipient=w.owner,
                                           ).count() == 1
        # The event reminder: one row, one notification.
        assert Reminder.objects.filter(registration__event=work["event"]).count() == 1
        assert Notification.objects.filter(kind="event.reminder", recipient=w.owner).count() == 1
    # The text message: sent once, through the gateway once.
    assert [m["to"] for m in p.sent() if m["to"] == PHONE] == [PHONE]
    # And nothing is left for a later run.
    assert sla_process_due().fired == 0
