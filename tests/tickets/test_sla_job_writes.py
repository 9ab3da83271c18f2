"""What the SLA job writes for each level it fires, as PostgreSQL's set-based statement and
SQLite's ORM path must both write it: the escalation row; one timeline entry per ticket and
run listing the same facts (to the microsecond) for every level the run fired, in the order
they were reached; and the breach."""

import datetime as dt

from tickets.models import SlaEscalation, SlaPolicy, Ticket, TimelineEntry
from tickets.services import sla_process_due

from .conftest import at


def test_every_fired_level_has_its_entry_in_order_even_a_silent_breach(desk, clock):
    # No 100 % rung: the breach is still a level, recorded, told to nobody.
    SlaPolicy.objects.filter(organization=desk.w.org).update(escalation_ladder=[
        {"percent": 75, "notify": "assignee"}, {"percent": 150, "notify": "manager"},
    ])
    odd = desk.submit(title="Odd microseconds")
    plain = desk.submit(title="Plain")
    # A pause of odd length puts the resolution levels off the whole second.
    Ticket.objects.filter(pk=odd.pk).update(
        paused_business_time=dt.timedelta(minutes=7, microseconds=123457)
    )
    clock.move_to(at(2026, 3, 20, 12), tick=False)  # every level of both timers reached

    run = sla_process_due()

    escalations = list(SlaEscalation.objects.order_by("ticket_id", "reached_at", "timer",
                                                      "percent"))
    assert run.fired == len(escalations) == 2 * 2 * 3
    assert run.breaches == 4
    for ticket in (odd, plain):
        levels = [e for e in escalations if e.ticket_id == ticket.pk]
        [entry] = TimelineEntry.objects.filter(ticket=ticket, kind="escalation")
        assert entry.data == {"levels": [
            {
                "timer": level.timer, "percent": level.percent, "notify": level.notify,
                "reached_at": level.reached_at.astimezone(dt.UTC).isoformat(),
            }
            for level in levels
        ]}
        assert not entry.is_public and entry.actor_id is None
        breaches = {level.timer: level.reached_at for level in levels if level.percent == 100}
        assert {level.notify for level in levels if level.percent == 100} == {""}
        saved = desk.reload(ticket)
        assert saved.first_response_breached_at == breaches["first_response"]
        assert saved.resolution_breached_at == breaches["resolution"]
        assert saved.next_sla_check_at is None
    odd_resolution = [e.reached_at for e in escalations
                      if e.ticket_id == odd.pk and e.timer == "resolution"]
    assert {moment.microsecond for moment in odd_resolution} != {0}
    assert sla_process_due().fired == 0
    assert TimelineEntry.objects.filter(kind="escalation").count() == 2
