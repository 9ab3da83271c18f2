"""Races around follow-up calls on PostgreSQL: two ratings of one ticket at once open one
follow-up; two managers recording one call at once, one wins."""

import pytest
from django_scopes import scope

from tickets.models import FollowUp, Status
from tickets.services import TicketError, follow_up_record, ticket_rate

from .conftest import make_desk
from .test_concurrency import _postgresql_only, race  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(world, clock):
    with scope(organization=world.sunrise.org):
        yield make_desk(world.sunrise)


def test_two_low_ratings_at_once_open_one_follow_up(desk):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    owner, household = desk.access(desk.w.owner), desk.access(desk.w.household)
    outcomes = race(
        desk.w.org,
        lambda: ticket_rate(access=owner, ticket=ticket, rating=1),
        lambda: ticket_rate(access=household, ticket=ticket, rating=2),
    )
    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["error", "ok"], outcomes
    assert FollowUp.objects.filter(ticket=ticket).count() == 1


def test_two_managers_recording_one_call_at_once_one_wins(desk):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    ticket_rate(access=desk.access(desk.w.owner), ticket=ticket, rating=1)
    follow_up = FollowUp.objects.get(ticket=ticket)
    manager, admin = desk.access(desk.w.manager), desk.access(desk.w.admin)
    outcomes = race(
        desk.w.org,
        lambda: follow_up_record(access=manager, follow_up=follow_up, outcome="Called: fine"),
        lambda: follow_up_record(access=admin, follow_up=follow_up, outcome="Called: happy"),
    )
    errors = [value for kind, value in outcomes if kind == "error"]
    assert len(errors) == 1 and isinstance(errors[0], TicketError), outcomes
    follow_up.refresh_from_db()
    assert follow_up.status == "done"
    assert follow_up.outcome in {"Called: fine", "Called: happy"}
