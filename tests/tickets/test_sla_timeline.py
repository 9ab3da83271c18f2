"""The SLA job's timeline entries: one per ticket and run, listing the levels the run fired in
the order they were reached; entries written before that (one level each) still read the
same, in the page and in both languages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from tickets.models import SlaEscalation, Ticket, TimelineEntry
from tickets.models.describe import escalation_levels
from tickets.services import sla_process_due

from .conftest import at


def _iso(moment):
    return moment.astimezone(dt.UTC).isoformat()


def _entry(desk, ticket, data):
    """An escalation entry as a job run (or an older version of the job) wrote it."""
    return TimelineEntry.objects.create(
        organization=desk.w.org, ticket=ticket, kind="escalation", actor=None,
        is_public=False, data=data,
    )


def _said(entry, language="en"):
    with translation.override(language):
        return entry.describe()


def test_three_levels_in_one_run_make_one_entry_and_a_second_run_changes_nothing(desk, clock):
    ticket = desk.submit()  # Tuesday 10:00: first response due 14:00
    clock.move_to(at(2026, 3, 10, 16, 30), tick=False)  # its 75, 100 and 150 % have passed

    run = sla_process_due()

    assert (run.tickets, run.fired, run.breaches) == (1, 3, 1)
    [entry] = TimelineEntry.objects.filter(ticket=ticket, kind="escalation")
    assert entry.data == {"levels": [
        {"timer": "first_response", "percent": 75, "notify": "assignee",
         "reached_at": _iso(at(2026, 3, 10, 13))},
        {"timer": "first_response", "percent": 100, "notify": "team_lead",
         "reached_at": _iso(at(2026, 3, 10, 14))},
        {"timer": "first_response", "percent": 150, "notify": "manager",
         "reached_at": _iso(at(2026, 3, 10, 16))},
    ]}
    assert not entry.is_public and entry.actor_id is None
    assert SlaEscalation.objects.filter(ticket=ticket).count() == 3  # still one row a level
    assert _said(entry) == (
        "First response target missed: 75%, 100%, 150% of the target reached."
    )

    again = sla_process_due()

    assert (again.tickets, again.fired, again.breaches) == (0, 0, 0)
    assert list(TimelineEntry.objects.filter(ticket=ticket, kind="escalation")) == [entry]
    assert SlaEscalation.objects.filter(ticket=ticket).count() == 3
    # Even a ticket put back as due (a second worker's stale view) adds no entry: its levels
    # are taken, so nothing is listed.
    Ticket.objects.filter(pk=ticket.pk).update(next_sla_check_at=at(2026, 3, 10, 16, 29))
    assert sla_process_due().fired == 0
    assert TimelineEntry.objects.filter(ticket=ticket, kind="escalation").count() == 1


def test_an_entry_lists_only_the_levels_its_run_fired(desk, clock):
    ticket = desk.submit()
    clock.move_to(at(2026, 3, 10, 13, 1), tick=False)
    sla_process_due()  # the 75 % alone
    clock.move_to(at(2026, 3, 10, 16, 1), tick=False)
    sla_process_due()  # the 100 and 150 %
    first, second = TimelineEntry.objects.filter(ticket=ticket, kind="escalation").order_by("pk")
    assert [level["percent"] for level in escalation_levels(first.data)] == [75]
    assert [level["percent"] for level in escalation_levels(second.data)] == [100, 150]
    assert _said(first) == "First response: 75% of the target reached."
    assert _said(second) == "First response target missed: 100%, 150% of the target reached."


@pytest.mark.parametrize(("data", "english", "chinese"), [
    # As the job wrote them before: one level's facts at the top of the entry.
    ({"timer": "first_response", "percent": 75, "notify": "assignee",
      "reached_at": "2026-03-10T05:00:00+00:00"},
     "First response: 75% of the target reached.", "首次响应：已用去时限的 75%。"),
    ({"timer": "resolution", "percent": 100, "notify": "team_lead",
      "reached_at": "2026-03-13T02:00:00+00:00"},
     "Resolution target missed.", "解决已超时。"),
    # One level in today's shape reads the same.
    ({"levels": [{"timer": "resolution", "percent": 100, "notify": "",
                  "reached_at": "2026-03-13T02:00:00+00:00"}]},
     "Resolution target missed.", "解决已超时。"),
    # Both timers in one run: a sentence each, in the order of their first level.
    ({"levels": [
        {"timer": "first_response", "percent": 150, "notify": "manager",
         "reached_at": "2026-03-10T08:00:00+00:00"},
        {"timer": "resolution", "percent": 75, "notify": "assignee",
         "reached_at": "2026-03-12T04:15:00+00:00"},
        {"timer": "resolution", "percent": 90, "notify": "team_lead",
         "reached_at": "2026-03-12T09:00:00+00:00"},
    ]},
     "First response: 150% of the target reached. Resolution: 75%, 90% of the target "
     "reached.",
     "首次响应：已用去时限的 150%。 解决：已用去时限的 75%、90%。"),
    ({"levels": [
        {"timer": "first_response", "percent": 75, "notify": "assignee",
         "reached_at": "2026-03-10T05:00:00+00:00"},
        {"timer": "first_response", "percent": 100, "notify": "team_lead",
         "reached_at": "2026-03-10T06:00:00+00:00"},
    ]},
     "First response target missed: 75%, 100% of the target reached.",
     "首次响应已超时：已用去时限的 75%、100%。"),
])
def test_entries_of_either_shape_read_in_both_languages(desk, data, english, chinese):
    entry = _entry(desk, desk.submit(), data)
    assert _said(entry, "en") == english
    assert _said(entry, "zh-hans") == chinese


def test_the_ticket_page_shows_old_and_new_escalation_entries(desk, clock, login):
    ticket = desk.submit()
    _entry(desk, ticket, {"timer": "first_response", "percent": 75, "notify": "assignee",
                          "reached_at": _iso(at(2026, 3, 10, 13))})
    clock.move_to(at(2026, 3, 10, 16, 30), tick=False)
    sla_process_due()  # the old entry has no escalation row: the run fires all three levels
    url = reverse("tickets:ticket-detail", args=[desk.w.org.slug, ticket.number])
    client = login(desk.w.staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    content = client.get(url).content.decode()
    old = content.index("First response: 75% of the target reached.")
    new = content.index("First response target missed: 75%, 100%, 150% of the target reached.")
    assert old < new
    assert content.count("timeline-escalation") == 2
