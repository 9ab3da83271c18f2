"""Owners' votes (surveys.votes): the owners' pages, the managers' and staff pages, and the
API under /api/v1/orgs/{org}/votes/.

Each row's vote is in sunrise's ``{property}`` (the staff member's scope), built inside the
row's transaction: a draft opening in 20 days, an open vote with its snapshot, or a closed
one with its stored result. Residents of ``{property}`` (owner, household, neighbour) see the
vote; only the owner of ``{unit}`` may cast its ballot, so the cast rows accept the refusal
(400) from the other residents; everybody else gets 404 and changes nothing.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.tenancy.access import compute_access
from surveys.votes import tally
from surveys.votes.models import Ballot, Matter, Vote
from surveys.votes.services import (
    MatterInput,
    ballot_enter,
    vote_create,
    votes_open_due,
)
from surveys.votes.services.lifecycle import count_vote

from .matrix import ALL_MEMBERS, ALL_STAFF, MANAGERS, STAFF_ROLES, Row

PAGES = "/o/{org}/votes"
MANAGE = PAGES + "/manage"
API = "/api/v1/orgs/{org}/votes"
PROPERTY_RESIDENTS = frozenset({"owner", "household", "neighbour"})
SEE_VOTE_API = STAFF_ROLES | PROPERTY_RESIDENTS


def _draft(world) -> Vote:
    s = world.sunrise
    now = timezone.now()
    return vote_create(
        access=compute_access(s.manager, s.org), property=s.property, title="Matrix vote",
        opens_at=now + dt.timedelta(days=20), closes_at=now + dt.timedelta(days=27),
        matters=[MatterInput("Charging points", Matter.Class.MAJOR)],
    )


def _open(world) -> Vote:
    vote = _draft(world)
    now = timezone.now()
    Vote.objects.filter(pk=vote.pk).update(
        status=Vote.Status.ANNOUNCED, announced_at=now - dt.timedelta(days=16),
        opens_at=now - dt.timedelta(minutes=1),
    )
    votes_open_due(now=now)
    return Vote.objects.get(pk=vote.pk)


def _draft_pk(world) -> int:
    return _draft(world).pk


def _open_pk(world) -> int:
    return _open(world).pk


def _closed_pk(world) -> int:
    vote = _open(world)
    Vote.objects.filter(pk=vote.pk).update(
        status=Vote.Status.CLOSED, closed_at=timezone.now(),
        result=tally.as_json(count_vote(vote)),
    )
    return vote.pk


def _paper_ballot(world) -> int:
    s = world.sunrise
    vote = Vote.objects.filter(organization=s.org, status=Vote.Status.OPEN).latest("pk")
    ballot = ballot_enter(
        access=compute_access(s.staff, s.org), vote=vote, unit_id=s.neighbour_unit.pk,
        choices={m.pk: tally.FOR for m in vote.matters.all()}, channel="paper",
        signed_by="Neighbour", attachment=SimpleUploadedFile("b.pdf", b"%PDF-1.4 matrix"),
    )
    return ballot.pk


def _state(world):
    org = world.sunrise.org
    return (
        sorted(Vote.objects.filter(organization=org).values_list("pk", "status", "title")),
        sorted(Ballot.objects.filter(organization=org).values_list("vote_id", "unit_id")),
    )


DRAFT = {"vote": _draft_pk}
OPEN = {"vote": _open_pk}
CLOSED = {"vote": _closed_pk}
WITH_SCAN = {"vote": _open_pk, "ballot": _paper_ballot}

ROWS = [
    # --- Owners' pages
    Row("votes-list", "GET", PAGES + "/", allowed=PROPERTY_RESIDENTS | {"far_owner"},
        extra=OPEN),
    Row("vote-detail", "GET", PAGES + "/{vote}/", allowed=PROPERTY_RESIDENTS, extra=OPEN),
    Row(
        # The owner's form post without choices is answered 400; the household member and
        # the neighbour are refused for the unit (400); nobody else sees the vote.
        "vote-cast", "POST", PAGES + "/{vote}/units/{unit}/ballot/",
        allowed=PROPERTY_RESIDENTS, ok=(302, 400), data={"note": "x"}, extra=OPEN,
        changed=_state,
    ),
    # --- Managers' and staff pages
    Row("votes-manage", "GET", MANAGE + "/", allowed=ALL_STAFF),
    Row("votes-new", "GET", MANAGE + "/new/", allowed=MANAGERS),
    Row("votes-new-post", "POST", MANAGE + "/new/", allowed=MANAGERS, ok=200,
        data={"title": "Refused by the form"}, changed=_state),
    Row("votes-manage-detail", "GET", MANAGE + "/{vote}/", allowed=STAFF_ROLES, extra=OPEN),
    Row("votes-tally", "GET", MANAGE + "/{vote}/tally/", allowed=STAFF_ROLES, extra=OPEN),
    Row("votes-edit", "GET", MANAGE + "/{vote}/edit/", allowed=MANAGERS, extra=DRAFT),
    Row("votes-announce", "POST", MANAGE + "/{vote}/announce/", allowed=MANAGERS, ok=302,
        extra=DRAFT, changed=_state),
    Row("votes-ballot-entry", "GET", MANAGE + "/{vote}/ballots/new/?q=10",
        allowed=STAFF_ROLES, extra=OPEN),
    Row(
        # Form posts without a scan are refused by the form (400); tests/votes posts files.
        "votes-ballot-entry-post", "POST", MANAGE + "/{vote}/ballots/new/",
        allowed=STAFF_ROLES, ok=400, data={"unit": "{unit}", "channel": "paper"},
        extra=OPEN, changed=_state,
    ),
    Row("votes-scan", "GET", MANAGE + "/{vote}/ballots/{ballot}/scan/", allowed=STAFF_ROLES,
        extra=WITH_SCAN),
    Row("votes-audit", "GET", MANAGE + "/{vote}/audit/", allowed=STAFF_ROLES,
        extra=WITH_SCAN),
    Row("votes-certificate", "GET", MANAGE + "/{vote}/certificate/", allowed=STAFF_ROLES,
        extra=CLOSED),
    # --- API
    Row("api-votes-list", "GET", API + "/", allowed=ALL_MEMBERS, api=True, extra=OPEN),
    Row("api-vote-detail", "GET", API + "/{vote}/", allowed=SEE_VOTE_API, api=True,
        extra=OPEN),
    Row("api-vote-ballots", "GET", API + "/{vote}/ballots/", allowed=STAFF_ROLES, api=True,
        extra=OPEN),
    Row(
        # Without a choice per matter the owner's ballot is refused (400); tests/votes casts.
        "api-vote-cast", "POST", API + "/{vote}/ballots/", allowed=PROPERTY_RESIDENTS,
        api=True, ok=(201, 400), data={"unit": "{unit}", "choices": {}}, extra=OPEN,
        changed=_state,
    ),
    Row("api-vote-tally", "GET", API + "/{vote}/tally/", allowed=STAFF_ROLES, api=True,
        extra=CLOSED),
]
