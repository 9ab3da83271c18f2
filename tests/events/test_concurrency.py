"""Races on PostgreSQL with real threads and connections: many owners registering for the
last places at once, two reminder workers. SQLite serialises writers: nothing to race."""

import threading

import pytest
from django.db import connection
from django_scopes import scope, scopes_disabled

from communications.models import Notification
from events.models import Registration, Reminder
from events.services import reminders_send_due
from tests import factories as f

from .conftest import Hall, at

pytestmark = pytest.mark.django_db(transaction=True)
S = Registration.Status


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("races need a database with concurrent writers (PostgreSQL)")


def race(organization, *actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def runner(index, action):
        try:
            with scope(organization=organization):
                barrier.wait(timeout=20)
                outcomes[index] = ("ok", action())
        except Exception as error:  # the test inspects it
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes


def _owners(w, count):
    with scopes_disabled():
        return [
            f.ResidencyFactory(unit=f.UnitFactory(building=w.building, number=f"8{n:02d}")).user
            for n in range(count)
        ]


def test_twenty_owners_registering_at_once_for_five_places_never_overbook(world, clock):
    w = world.sunrise
    with scope(organization=w.org):
        hall = Hall(w)
        event = hall.event(capacity=5, max_party_size=1)
    owners = _owners(w, 20)
    outcomes = race(w.org, *[
        (lambda o=o: hall.register(o, event).status) for o in owners
    ])
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    with scope(organization=w.org):
        confirmed = Registration.objects.filter(event=event, status=S.CONFIRMED).count()
        waitlisted = Registration.objects.filter(event=event, status=S.WAITLISTED).count()
    assert (confirmed, waitlisted) == (5, 15)
    assert sorted(status for _, status in outcomes) == [S.CONFIRMED] * 5 + [S.WAITLISTED] * 15


def test_full_event_race_losers_get_a_clear_conflict(world, clock):
    w = world.sunrise
    with scope(organization=w.org):
        hall = Hall(w)
        event = hall.event(capacity=3, max_party_size=1)
    owners = _owners(w, 8)
    outcomes = race(w.org, *[
        (lambda o=o: hall.register(o, event, waitlist=False)) for o in owners
    ])
    winners = [value for kind, value in outcomes if kind == "ok"]
    losers = [value for kind, value in outcomes if kind == "error"]
    assert len(winners) == 3
    assert {getattr(error, "code", None) for error in losers} == {"full"}
    with scope(organization=w.org):
        assert Registration.objects.filter(event=event).count() == 3


def test_two_reminder_workers_send_each_reminder_once(world, clock):
    w = world.sunrise
    with scope(organization=w.org):
        hall = Hall(w)
        events = [hall.event(title=f"Class {n}", capacity=50) for n in range(6)]
    owners = _owners(w, 5)
    with scope(organization=w.org):
        for event in events:
            for owner in owners:
                hall.register(owner, event)
    clock.move_to(at(2026, 3, 13, 15, 30), tick=False)  # 23.5 h before every event
    outcomes = race(w.org, *[lambda: reminders_send_due(batch_size=2) for _ in range(3)])
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    total = sum(value for _, value in outcomes)
    # A worker that found every row locked may leave some for the next tick.
    total += reminders_send_due()
    assert total == 6 * 5
    with scopes_disabled():
        assert Reminder.objects.count() == 30
        assert Notification.objects.filter(kind="event.reminder").count() == 30


def test_three_feedback_workers_open_each_survey_once(world, clock):
    from events.services import feedback_attach, feedback_open_due
    from surveys.models import Invitee, Survey, SurveyStatus

    w = world.sunrise
    with scope(organization=w.org):
        hall = Hall(w)
        events = [hall.event(title=f"Class {n}", capacity=50) for n in range(6)]
        for event in events:
            feedback_attach(access=hall.access(w.manager), event=event)
    owners = _owners(w, 4)
    with scope(organization=w.org):
        for event in events:
            for owner in owners:
                hall.register(owner, event)
    clock.move_to(at(2026, 3, 14, 17, 31), tick=False)  # an hour after every event ended
    outcomes = race(w.org, *[lambda: feedback_open_due(batch_size=4) for _ in range(3)])
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    total = sum(value for _, value in outcomes)
    total += feedback_open_due()  # what a worker's batch left for the next run
    assert total == 6
    assert feedback_open_due() == 0
    with scopes_disabled():
        assert Survey.objects.filter(status=SurveyStatus.OPEN).count() == 6
        assert Invitee.objects.count() == 6 * 4
        assert Notification.objects.filter(kind="survey.opened").count() == 6 * 4
