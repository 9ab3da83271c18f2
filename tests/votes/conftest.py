"""Votes in the state a test needs, built through the services where they do not need the
notices app; announcing needs notices.services.announce, so the helpers mark a vote announced
directly (the announce service has its own tests)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope

from portal.tenancy.access import compute_access
from surveys.votes.models import Matter, Vote
from surveys.votes.services import MatterInput, vote_create, votes_open_due

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def draft(w, *, opens_in=dt.timedelta(days=20), length=dt.timedelta(days=7), matters=None,
          announce_days=15, now=None):
    now = now or timezone.now()
    return vote_create(
        access=compute_access(w.manager, w.org), property=w.property, title="Charging points",
        description="Forty charging points by the north gate.", opens_at=now + opens_in,
        closes_at=now + opens_in + length, announce_days=announce_days,
        matters=matters or [
            MatterInput("Build charging points on common land", Matter.Class.MAJOR),
            MatterInput("Amend the parking rules", Matter.Class.ORDINARY),
        ],
    )


def mark_announced(vote, now=None):
    Vote.objects.filter(pk=vote.pk).update(
        status=Vote.Status.ANNOUNCED, announced_at=now or timezone.now()
    )
    vote.refresh_from_db()
    return vote


def open_vote(w, **kwargs):
    """A vote open right now, with its snapshot of the property's units."""
    now = timezone.now()
    vote = mark_announced(draft(w, **kwargs), now)
    Vote.objects.filter(pk=vote.pk).update(opens_at=now - dt.timedelta(minutes=1))
    votes_open_due(now=now)
    vote.refresh_from_db()
    assert vote.status == Vote.Status.OPEN
    return vote


@pytest.fixture
def sunrise(world):
    with scope(organization=world.sunrise.org):
        yield world.sunrise
