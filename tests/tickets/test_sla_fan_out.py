"""The SLA job's fan-out (issue #9): a ticket that reached several levels in one run is told
at the highest only, and a person with many escalations in one run gets one message for all
of them, on every channel, while every level is still recorded once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from communications.models import Delivery, Notification
from tickets.models import SlaEscalation, Team, TimelineEntry
from tickets.services import sla_process_due, ticket_assign

from .conftest import at


def _notifications(**filters):
    with scopes_disabled():
        return list(Notification.objects.filter(kind__startswith="ticket.escalated", **filters))


def _deliveries(channel: str, **filters):
    with scopes_disabled():
        return list(Delivery.objects.filter(
            notification__kind__startswith="ticket.escalated", channel=channel, **filters
        ))


def test_two_levels_due_at_once_are_told_at_the_highest_only(desk, clock, live):
    team = Team.objects.create(organization=desk.w.org, name="维修", lead=desk.w.manager)
    ticket = desk.submit()
    ticket_assign(access=desk.access(desk.w.manager), ticket=ticket, assignee=desk.w.staff,
                  team=team)
    people = [desk.w.staff, desk.w.manager, desk.w.admin]
    # 14:30: both the 75 % (assignee, 13:00) and the breach (team lead, 14:00) of the first
    # response have passed since the last run.
    clock.move_to(at(2026, 3, 10, 14, 30), tick=False)
    got = live(sla_process_due, people)
    assert sorted(SlaEscalation.objects.values_list("percent", flat=True)) == [75, 100]
    # One timeline entry for the run, listing both levels.
    [entry] = TimelineEntry.objects.filter(ticket=ticket, kind="escalation")
    assert [(level["percent"], level["notify"]) for level in entry.data["levels"]] == [
        (75, "assignee"), (100, "team_lead"),
    ]
    assert desk.reload(ticket).first_response_breached_at == at(2026, 3, 10, 14)
    # One set of notifications, at the breach's rung: the team lead; not the assignee too.
    assert [n.recipient_id for n in _notifications()] == [desk.w.manager.pk]
    assert [len(got[p]) for p in people] == [0, 1, 0]
    assert sla_process_due().fired == 0 and len(_notifications()) == 1


def test_all_three_levels_due_tell_the_managers_once(desk, clock):
    ticket = desk.submit()
    ticket_assign(access=desk.access(desk.w.manager), ticket=ticket, assignee=desk.w.staff)
    clock.move_to(at(2026, 3, 10, 16, 30), tick=False)  # 75, 100 and 150 % of first response
    run = sla_process_due()
    assert (run.fired, run.breaches) == (3, 1)
    # The 150 % rung: the managers covering the property (the manager and the admin).
    assert sorted(n.recipient_id for n in _notifications()) == sorted(
        [desk.w.manager.pk, desk.w.admin.pk]
    )
    assert not _notifications(recipient=desk.w.staff)


def test_fifty_tickets_escalating_to_one_manager_make_one_email(desk, clock, live):
    tickets = [desk.submit(title=f"Leak {n}") for n in range(50)]
    urgent = desk.submit(title="Lift stuck", priority="urgent")
    clock.move_to(at(2026, 3, 11, 18), tick=False)  # far past every first-response level
    people = [desk.w.manager, desk.w.admin, desk.w.staff]
    got = live(sla_process_due, people)
    assert SlaEscalation.objects.count() >= 51 * 3  # every level still recorded, once
    for manager in (desk.w.manager, desk.w.admin):
        mine = _notifications(recipient=manager)
        assert len(mine) == 1, [n.title for n in mine]
        assert len(_deliveries("email", notification__recipient=manager)) == 1
        digest = mine[0]
        # The most urgent first, the others counted; the link opens the breached queue.
        assert digest.kind == "ticket.escalated_digest"
        # In the manager's language (sunrise's managers read Chinese): the numbers say it.
        assert digest.title.startswith("51 ")
        assert f"#{urgent.number} Lift stuck" in digest.body.splitlines()[0]
        assert f"#{tickets[0].number}, " in digest.body.splitlines()[1]
        assert digest.url == "/o/sunrise/tickets/?view=breached"
        assert digest.urgent
        # One refresh of their queue, naming no ticket (every ticket view refreshes once).
        assert [(m["type"], "ticket" in m) for m in got[manager]] == [("ticket.updated", False)]
    assert not _notifications(recipient=desk.w.staff) and got[desk.w.staff] == []
    with scopes_disabled():
        # Text messages follow the same rule: one per person and run, not one per ticket.
        for manager in (desk.w.manager, desk.w.admin):
            assert len(_deliveries("sms", notification__recipient=manager)) <= 1
    assert sla_process_due().fired == 0
    assert len(_notifications()) == 2


def test_a_second_round_is_a_second_digest_but_nothing_is_told_twice(desk, clock):
    for n in range(6):
        desk.submit(title=f"Leak {n}")
    clock.move_to(at(2026, 3, 11, 18), tick=False)
    run = sla_process_due(batch_size=2, round_size=4)  # a backlog: two rounds
    assert run.tickets == 6
    assert len(_notifications(recipient=desk.w.manager)) == 2
    assert SlaEscalation.objects.count() == run.fired
    assert sla_process_due().fired == 0


def test_the_digest_costs_the_same_queries_for_more_tickets(desk, clock):
    def run_with(count):
        for n in range(count):
            desk.submit(title=f"Leak {n}")
        clock.move_to(clock_at[0], tick=False)
        with CaptureQueriesContext(connection) as captured:
            assert sla_process_due().tickets >= count
        return len(captured)

    clock_at = [at(2026, 3, 11, 18)]
    few = run_with(2)
    clock.move_to(at(2026, 3, 12, 10), tick=False)
    clock_at[0] = at(2026, 3, 13, 18)
    many = run_with(30)
    assert many <= few, (few, many)
