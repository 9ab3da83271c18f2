"""Hostile text through owners' votes (issue #10): every payload of the corpus as a vote's
title and description and as a resolution's text, names of voters and of who signed a paper
ballot; shown on the owner's vote page, the staff's list, tally and audit pages, the printable
result certificate, the home pages, the notification centre and emails."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from portal.tenancy.access import compute_access
from surveys.votes import tally
from surveys.votes.models import Ballot, Matter, Vote
from surveys.votes.services import MatterInput, ballot_cast, ballot_enter, vote_create
from surveys.votes.services.lifecycle import count_vote, votes_close_due, votes_open_due

from .test_xss_features import (
    CORPUS,
    assert_inert,
    client_for,
    emails_after_delivery,
    name_of,
    seeded_world,
    shown_text,
    title_of,
)

VOTES = 8
SIZE = -(-len(CORPUS) // VOTES)  # resolutions per vote
SLICES = [CORPUS[i:i + SIZE] for i in range(0, len(CORPUS), SIZE)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = pytest.mark.django_db


def _vote(manager, w, payloads, now):
    vote = vote_create(
        access=manager, property=w.property, title=title_of(" ".join(payloads[:4])),
        description="\n\n".join(payloads), opens_at=now + dt.timedelta(days=20),
        closes_at=now + dt.timedelta(days=27),
        matters=[MatterInput(p[:300], Matter.Class.ORDINARY) for p in payloads])
    # Announcing publishes a notice (its own test below); here the vote is marked announced.
    Vote.objects.filter(pk=vote.pk).update(status=Vote.Status.ANNOUNCED, announced_at=now,
                                           opens_at=now - dt.timedelta(minutes=1))
    return vote


def _close(vote, now):
    """Closed with its counted result, as votes_close_due stores it."""
    vote.refresh_from_db()
    Vote.objects.filter(pk=vote.pk).update(
        status=Vote.Status.CLOSED, closed_at=now, closes_at=now,
        result=tally.as_json(count_vote(vote)))


def _seed(w):
    now = timezone.now()
    manager, staff = compute_access(w.manager, w.org), compute_access(w.staff, w.org)
    with scopes_disabled():
        for person, payload in ((w.owner, CORPUS[5]), (w.staff, CORPUS[12]),
                                (w.neighbour, CORPUS[-2])):
            person.full_name = name_of(payload)
            person.save(update_fields=["full_name"])
    votes = [_vote(manager, w, payloads, now) for payloads in SLICES]
    votes_open_due(now=now)
    for index, vote in enumerate(votes):
        choices = {m.pk: tally.CHOICES[i % 3]
                   for i, m in enumerate(Matter.objects.filter(vote=vote))}
        ballot_cast(access=compute_access(w.owner, w.org), vote=vote, unit_id=w.unit.pk,
                    choices=choices)
        ballot_enter(access=staff, vote=vote, unit_id=w.neighbour_unit.pk, choices=choices,
                     channel=Ballot.Channel.PAPER, signed_by=name_of(CORPUS[index * 7]),
                     attachment=SimpleUploadedFile("scan.pdf", PDF, "application/pdf"))
    for vote in votes[1:]:
        _close(vote, now)
    draft = vote_create(
        access=manager, property=w.property, title=title_of(CORPUS[0]),
        description="\n\n".join(CORPUS[:SIZE]), opens_at=now + dt.timedelta(days=20),
        closes_at=now + dt.timedelta(days=27), matters=[MatterInput(p[:300]) for p in SLICES[0]])
    return {"votes": [v.pk for v in votes], "draft": draft.pk}


def _render(w, seeded) -> dict:
    pages: dict[str, str] = {}

    def get(client, name, url):
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content.decode()

    o = "/o/sunrise/votes"
    owner, manager, staff = client_for(w.owner), client_for(w.manager), client_for(w.staff)
    get(owner, "owner list", f"{o}/")
    get(owner, "owner home", "/o/sunrise/")
    get(owner, "owner notifications", "/notifications/")
    for index, pk in enumerate(seeded["votes"]):
        get(owner, f"owner vote {index}", f"{o}/{pk}/")
        get(manager, f"manager vote {index}", f"{o}/manage/{pk}/")
        get(staff, f"staff tally {index}", f"{o}/manage/{pk}/tally/")
        get(staff, f"staff audit {index}", f"{o}/manage/{pk}/audit/")
        if index:
            get(staff, f"certificate {index}", f"{o}/manage/{pk}/certificate/")
    first = seeded["votes"][0]
    get(staff, "staff ballot entry", f"{o}/manage/{first}/ballots/new/")
    get(manager, "manager list", f"{o}/manage/")
    get(manager, "manager home", "/o/sunrise/")
    get(manager, "manager edit draft", f"{o}/manage/{seeded['draft']}/edit/")
    pages |= emails_after_delivery()
    return pages


@pytest.fixture(scope="module")
def world_and_pages(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_world(django_db_blocker, tmp_path_factory.mktemp("media")) as w:
        with scope(organization=w.org):
            seeded = _seed(w)
            pages = _render(w, seeded)
            yield w, pages


@pytest.fixture(scope="module")
def shown(world_and_pages):
    return world_and_pages[1]


@pytest.mark.parametrize("index", range(len(CORPUS)), ids=lambda i: f"p{i:03d}")
def test_each_resolution_is_shown_as_text_on_the_vote_tally_and_certificate(shown, index):
    payload, vote = CORPUS[index][:300].strip(), index // SIZE
    names = [f"owner vote {vote}", f"manager vote {vote}", f"staff tally {vote}"]
    if vote:
        names.append(f"certificate {vote}")
    for name in names:
        assert_inert(name, shown[name])
        assert payload in shown_text(shown[name]), f"{name}: not shown"


def test_every_page_and_email_is_inert(shown):
    assert sum(name.startswith("email ") for name in shown) >= VOTES
    for name, markup in shown.items():
        assert_inert(name, markup)
    audits = shown_text("".join(m for n, m in shown.items() if n.startswith("staff audit")))
    assert all(name_of(CORPUS[i * 7]).strip() in audits for i in range(VOTES))
    owner_page = shown_text(shown["owner vote 0"])
    assert all(p.strip() in owner_page for p in SLICES[0]), "the description is shown"


def test_a_vote_with_hostile_resolutions_still_closes(world_and_pages):
    vote = Vote.objects.get(status=Vote.Status.OPEN)  # the first: every resolution hostile
    with transaction.atomic():
        Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now())
        closed = votes_close_due(now=timezone.now())
        vote.refresh_from_db()
        status = vote.status
        transaction.set_rollback(True)
    assert closed == 1 and status == Vote.Status.CLOSED
