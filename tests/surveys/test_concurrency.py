"""One response per unit (and per owner) under concurrent submissions, on PostgreSQL with real
threads and connections; SQLite serialises every writer, so there is nothing to race there."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope

from surveys.models import OnePer, Participation, Response
from surveys.services import surveys_open_due

from .conftest import Kit

pytestmark = pytest.mark.django_db(transaction=True)


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


@pytest.mark.parametrize("anonymous", [False, True])
def test_owner_and_household_submitting_at_once_count_once_for_their_unit(world, anonymous):
    w = world.sunrise
    with scope(organization=w.org):
        kit = Kit(w)
        survey = kit.open(one_per=OnePer.UNIT, allow_change=False, is_anonymous=anonymous)
        owner_answers = kit.answers(survey, rating=5)
        household_answers = kit.answers(survey, rating=1)
        owner, household = kit.access(w.owner), kit.access(w.household)
    from surveys.services import response_save

    for _round in range(2):
        outcomes = race(
            w.org,
            lambda: response_save(access=owner, survey=survey, answers=owner_answers,
                                  submit=True),
            lambda: response_save(access=household, survey=survey, answers=household_answers,
                                  submit=True),
        )
        kinds = sorted(kind for kind, _ in outcomes)
        assert kinds in (["error", "ok"], ["error", "error"]), outcomes
        for kind, value in outcomes:
            if kind == "error":
                assert isinstance(value, ValidationError), value
        with scope(organization=w.org):
            assert Participation.objects.filter(survey=survey).count() == 1
            assert Response.objects.filter(survey=survey, status="submitted").count() == 1


def test_one_owner_submitting_twice_at_once_counts_once(world):
    w = world.sunrise
    with scope(organization=w.org):
        kit = Kit(w)
        survey = kit.open(one_per=OnePer.OWNER, allow_change=False)
        answers = kit.answers(survey)
        owner = kit.access(w.owner)
    from surveys.services import response_save

    outcomes = race(w.org, *[
        (lambda: response_save(access=owner, survey=survey, answers=answers, submit=True))
        for _ in range(4)
    ])
    assert sorted(kind for kind, _ in outcomes).count("ok") == 1, outcomes
    with scope(organization=w.org):
        assert Response.objects.filter(survey=survey).count() == 1
        assert Participation.objects.filter(survey=survey).count() == 1


def test_two_workers_opening_at_once_open_each_survey_once(world):
    import datetime as dt

    from django.utils import timezone

    from communications.models import Notification
    from surveys.services import survey_schedule

    w = world.sunrise
    with scope(organization=w.org):
        kit = Kit(w)
        now = timezone.now()
        survey = kit.draft(opens_at=now + dt.timedelta(minutes=5))
        survey_schedule(access=kit.manager, survey=survey)
    later = now + dt.timedelta(minutes=6)
    outcomes = race(w.org, lambda: surveys_open_due(now=later),
                    lambda: surveys_open_due(now=later))
    assert sorted(value for _kind, value in outcomes) == [0, 1], outcomes
    with scope(organization=w.org):
        assert Notification.objects.filter(kind="survey.opened").count() == 4
