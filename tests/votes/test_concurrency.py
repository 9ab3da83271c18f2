"""Two owners of one unit pressing "cast" at the same moment, on PostgreSQL with real
threads and connections: exactly one ballot, the other a clear conflict (also over HTTP: 409).
SQLite serialises every writer, so there is nothing to race there."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django_scopes import scope
from rest_framework.authtoken.models import Token

from portal.tenancy.access import compute_access
from surveys.votes import tally
from surveys.votes.models import Ballot, BallotAudit
from surveys.votes.services import VoteConflict, ballot_cast
from tests import factories as f

from .conftest import open_vote

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


def test_two_owners_of_one_unit_casting_at_once_make_one_ballot(world):
    w = world.sunrise
    with scope(organization=w.org):
        vote = open_vote(w)
        spouse = f.ResidencyFactory(unit=w.unit).user
        choices = {m.pk: tally.FOR for m in vote.matters.all()}
        first, second = compute_access(w.owner, w.org), compute_access(spouse, w.org)
    for _round in range(3):
        with scope(organization=w.org):
            Ballot.objects.filter(vote=vote).delete()
        outcomes = race(
            w.org,
            lambda: ballot_cast(access=first, vote=vote, unit_id=w.unit.pk, choices=choices),
            lambda: ballot_cast(access=second, vote=vote, unit_id=w.unit.pk, choices=choices),
        )
        assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
        error = next(value for kind, value in outcomes if kind == "error")
        assert isinstance(error, VoteConflict)
        assert "already been cast" in error.messages[0]
        with scope(organization=w.org):
            assert Ballot.objects.filter(vote=vote, unit=w.unit).count() == 1


def test_concurrent_api_requests_answer_201_and_409(world):
    w = world.sunrise
    with scope(organization=w.org):
        vote = open_vote(w)
        spouse = f.ResidencyFactory(unit=w.unit).user
        body = json.dumps({"unit": w.unit.pk,
                           "choices": {str(m.pk): "for" for m in vote.matters.all()}})
    tokens = [Token.objects.create(user=user).key for user in (w.owner, spouse)]
    url = f"/api/v1/orgs/{w.org.slug}/votes/{vote.pk}/ballots/"

    def post(token):
        return lambda: Client().post(url, body, content_type="application/json",
                                     headers={"Authorization": f"Token {token}"}).status_code

    outcomes = race(w.org, post(tokens[0]), post(tokens[1]))
    assert sorted(code for _kind, code in outcomes) == [201, 409], outcomes
    with scope(organization=w.org):
        assert Ballot.objects.filter(vote=vote).count() == 1
        assert BallotAudit.objects.filter(vote=vote).count() == 1


def test_a_ballot_racing_the_close_is_either_counted_or_refused(world):
    """The close job and a late ballot take the vote's row lock in turn: the stored result
    always agrees with the ballots in the table."""
    import datetime as dt

    from django.utils import timezone

    from surveys.votes.models import Vote
    from surveys.votes.services import VoteError, votes_close_due

    w = world.sunrise
    with scope(organization=w.org):
        vote = open_vote(w)
        choices = {m.pk: tally.FOR for m in vote.matters.all()}
        owner = compute_access(w.owner, w.org)
        # Due now for the job, still before closes_at for the ballot's own clock check.
        closes_at = timezone.now() + dt.timedelta(seconds=30)
        Vote.objects.filter(pk=vote.pk).update(closes_at=closes_at)
    outcomes = race(
        w.org,
        lambda: ballot_cast(access=owner, vote=vote, unit_id=w.unit.pk, choices=choices),
        lambda: votes_close_due(now=closes_at),
    )
    assert outcomes[1] == ("ok", 1), outcomes
    with scope(organization=w.org):
        vote.refresh_from_db()
        stored = vote.result["ballots"]
        assert stored == Ballot.objects.filter(vote=vote).count()
    if outcomes[0][0] == "error":
        assert isinstance(outcomes[0][1], VoteError)
        assert stored == 0
    else:
        assert stored == 1
