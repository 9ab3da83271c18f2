"""Races on PostgreSQL, with real threads and connections: two staff accepting one ticket,
two SLA workers, many owners submitting at once. SQLite serialises every writer, so there is
nothing to race there."""

import threading

import pytest
from django.db import connection
from django_scopes import scope

from tickets.models import SlaEscalation, Status, Ticket, TimelineEntry
from tickets.services import TicketConflict, sla_process_due, ticket_accept

from .conftest import at, make_desk
from .sla_entries import listed_levels

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("races need a database with concurrent writers (PostgreSQL)")


def race(organization, *actions):
    """Run each action in its own thread and connection, released together; returns
    ("ok", result) or ("error", exception) per action."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def runner(index, action):
        try:
            with scope(organization=organization):
                barrier.wait(timeout=10)
                outcomes[index] = ("ok", action())
        except Exception as error:  # the test inspects it
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def desk(world, clock):
    with scope(organization=world.sunrise.org):
        yield make_desk(world.sunrise)


def test_two_staff_accepting_at_once_exactly_one_wins(desk):
    for _round in range(3):
        ticket = desk.submit()
        staff, manager = desk.access(desk.w.staff), desk.access(desk.w.manager)
        outcomes = race(
            desk.w.org,
            lambda t=ticket: ticket_accept(access=staff, ticket=t),
            lambda t=ticket: ticket_accept(access=manager, ticket=t),
        )
        kinds = sorted(kind for kind, _ in outcomes)
        assert kinds == ["error", "ok"], outcomes
        error = next(value for kind, value in outcomes if kind == "error")
        assert isinstance(error, TicketConflict)
        ticket = desk.reload(ticket)
        assert ticket.status == Status.ACCEPTED
        assert ticket.assignee.full_name in error.messages[0]
        assert TimelineEntry.objects.filter(ticket=ticket, to_status="accepted").count() == 1


def test_numbers_stay_sequential_under_concurrent_submissions(world, clock):
    with scope(organization=world.harbor.org):
        harbor = make_desk(world.harbor)
    with scope(organization=world.sunrise.org):
        sunrise = make_desk(world.sunrise)

    def submit_five(desk):
        return [desk.submit(title=f"Leak {n}").number for n in range(5)]

    outcomes = race(world.sunrise.org, *[lambda: submit_five(sunrise)] * 4)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    outcomes += race(world.harbor.org, *[lambda: submit_five(harbor)] * 2)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    with scope(organization=world.sunrise.org):
        numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 21))
    with scope(organization=world.harbor.org):
        numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 11))


def test_two_sla_workers_at_once_fire_each_level_once(desk, clock):
    tickets = [desk.submit(title=f"Leak {n}") for n in range(30)]
    clock.move_to(at(2026, 3, 10, 16, 30), tick=False)  # 75, 100 and 150 % of first response
    outcomes = race(
        desk.w.org, *[lambda: sla_process_due(batch_size=4) for _worker in range(3)]
    )
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    fired = sum(run.fired for _, run in outcomes)
    assert fired == SlaEscalation.objects.count() == 30 * 3
    # One entry per ticket (each was claimed by one worker), each level listed once.
    assert TimelineEntry.objects.filter(kind="escalation").count() == 30
    assert listed_levels(TimelineEntry.objects.all()) == sorted(
        SlaEscalation.objects.values_list("ticket_id", "timer", "percent")
    )
    assert sum(run.tickets for _, run in outcomes) == 30  # no ticket handled twice
    assert not Ticket.objects.filter(first_response_breached_at__isnull=True).exists()
    assert sla_process_due().fired == 0
    assert len(tickets) == 30
