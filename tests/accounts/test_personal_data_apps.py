"""A person's own data (PIPL) across the notices, surveys, votes and events apps: the download
holds their receipts, named survey answers, ballots, registrations and calendar feed; erasure
anonymises them and keeps what the organisation must keep (delivery proof, survey results,
the vote's legal record, attendance)."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from events.models import CalendarFeed, Registration
from events.services import event_create, event_publish, registration_create
from events.services.checkin import checkin_by_token
from events.services.feeds import feed_regenerate
from notices.models import NoticeReceipt
from notices.services import notice_create, notice_publish
from notices.services.receipts import notice_acknowledge
from portal.accounts.models import User
from portal.tenancy.access import compute_access
from surveys.models import Answer, Audience, OnePer, QuestionKind, Response
from surveys.services import question_save, response_save, survey_create, survey_schedule
from surveys.votes import tally
from surveys.votes.models import Ballot, BallotAudit, Matter, Vote
from surveys.votes.services import MatterInput, ballot_cast, vote_create, votes_open_due

SECRET_NOTE = "Call me on 13800138000, I am Mr Owner of 101"


def _survey(w, title, **fields):
    manager = compute_access(w.manager, w.org)
    now = timezone.now()
    survey = survey_create(
        access=manager, title=title, audience=Audience.BUILDING, audience_building=w.building,
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=7), **fields,
    )
    question_save(access=manager, survey=survey, kind=QuestionKind.SINGLE, text="Where?",
                  choices=["Garage", "Street"])
    question_save(access=manager, survey=survey, kind=QuestionKind.TEXT, text="Anything else?",
                  choices=[], required=False)
    survey = survey_schedule(access=manager, survey=survey)
    single, text = survey.questions.order_by("order", "pk")
    return survey, {single.pk: single.choices.first().pk, text.pk: SECRET_NOTE}


def _open_vote(w):
    now = timezone.now()
    vote = vote_create(
        access=compute_access(w.manager, w.org), property=w.property, title="Charging points",
        opens_at=now + dt.timedelta(days=20), closes_at=now + dt.timedelta(days=27),
        matters=[MatterInput("Build charging points", Matter.Class.MAJOR)],
    )
    Vote.objects.filter(pk=vote.pk).update(
        status=Vote.Status.ANNOUNCED, announced_at=now - dt.timedelta(days=16),
        opens_at=now - dt.timedelta(minutes=1),
    )
    votes_open_due(now=now)
    return Vote.objects.get(pk=vote.pk)


def _event(w, title, starts, capacity=1):
    manager = compute_access(w.manager, w.org)
    return event_publish(access=manager, event=event_create(
        access=manager, title=title, place="Clubhouse", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), capacity=capacity, max_party_size=1,
        property=w.property,
    ))


@pytest.fixture
def history(world):
    """Sunrise's owner: acknowledged a notice, answered a named and an anonymous survey, voted,
    holds the last seat of an upcoming event (the neighbour waits behind), attended a past
    event, and has a calendar feed."""
    w = world.sunrise
    owner = compute_access(w.owner, w.org)
    staff = compute_access(w.staff, w.org)
    manager = compute_access(w.manager, w.org)
    started = timezone.now() - dt.timedelta(days=3)
    with time_machine.travel(started, tick=False), scope(organization=w.org):
        past = _event(w, "Spring clean-up", started + dt.timedelta(hours=1), capacity=5)
        attended = registration_create(access=owner, event=past)
        checkin_by_token(access=staff, event=past, token=attended.checkin_token)
    with scope(organization=w.org):
        notice = notice_publish(access=manager, notice=notice_create(
            access=manager, title="Water off on Friday", body="Pipes.",
            building_ids=[w.building.pk], ack_required=True,
            ack_deadline=timezone.now() + dt.timedelta(days=3),
        ))
        notice_acknowledge(access=owner, notice=notice)
        named, answers = _survey(w, "Parking survey")
        response_save(access=owner, survey=named, answers=answers, submit=True)
        anonymous, anonymous_answers = _survey(
            w, "Anonymous survey", is_anonymous=True, allow_change=False
        )
        response_save(access=owner, survey=anonymous, answers=anonymous_answers, submit=True)
        vote = _open_vote(w)
        matter = vote.matters.get()
        ballot_cast(access=owner, vote=vote, unit_id=w.unit.pk, choices={matter.pk: "for"})
        upcoming = _event(w, "Dragon boat trip", timezone.now() + dt.timedelta(days=5))
        seat = registration_create(access=owner, event=upcoming)
        waiting = registration_create(access=compute_access(w.neighbour, w.org), event=upcoming)
        assert (seat.status, waiting.status) == ("confirmed", "waitlisted")
        feed = feed_regenerate(access=owner)
    return {
        "notice": notice, "named": named, "anonymous": anonymous, "vote": vote,
        "past": past, "attended": attended, "upcoming": upcoming, "seat": seat,
        "waiting": waiting, "feed": feed,
    }


def test_the_download_holds_my_notices_answers_ballots_and_registrations(history, login,
                                                                         world):
    response = login(world.sunrise.owner).post(reverse("accounts:privacy-export"))
    assert response.status_code == 200
    data = json.loads(response.content)

    (receipt,) = data["notices"]
    assert receipt["notice"] == "Water off on Friday" and receipt["unit"] == "101"
    assert receipt["acknowledged_at"] is not None

    (named,) = data["survey_responses"]  # the anonymous answers are not linkable: absent
    assert named["survey"] == "Parking survey" and named["status"] == "submitted"
    assert {"question": "Anything else?", "choice": None, "score": None,
            "text": SECRET_NOTE} in named["answers"]
    assert {"question": "Where?", "choice": "Garage", "score": None, "text": ""} \
        in named["answers"]
    took_part = {row["survey"]: row["anonymous"] for row in data["survey_participation"]}
    assert took_part == {"Parking survey": False, "Anonymous survey": True}
    assert response.content.decode().count(SECRET_NOTE) == 1

    (ballot,) = data["ballots"]
    assert ballot["vote"] == "Charging points" and ballot["unit"] == "101"
    assert ballot["choices"] == {"Build charging points": "for"}

    registrations = {row["event"]: row for row in data["event_registrations"]}
    assert registrations["Spring clean-up"]["checked_in_at"] is not None
    assert registrations["Dragon boat trip"]["status"] == "confirmed"
    (feed,) = data["calendar_feeds"]
    assert history["feed"].token not in response.content.decode()  # a credential stays out
    assert history["attended"].checkin_token not in response.content.decode()
    assert feed["organisation"] == world.sunrise.org.name
    # Nobody else's data rides along: the neighbour's waitlisted place is not in it.
    assert len(registrations) == 2


def test_erasure_anonymises_and_keeps_the_legal_and_statistical_records(history, login,
                                                                        world):
    w = world.sunrise
    response = login(w.owner).post(
        reverse("accounts:privacy"), {"password": world.password, "confirm": "on"}
    )
    assert response.status_code == 302
    person = User.objects.get(pk=w.owner.pk)
    assert person.erased_at is not None

    with scopes_disabled():
        # Notices: the receipt stays as proof of delivery, naming only the anonymised account.
        receipt = NoticeReceipt.objects.get(notice=history["notice"], user=person)
        assert receipt.acknowledged_at is not None

        # Surveys: the named response now looks like an anonymous one; its choice still counts.
        response_row = Response.objects.get(survey=history["named"])
        assert response_row.respondent_id is None
        assert response_row.one_per == OnePer.OWNER and response_row.unit_id is None
        local = timezone.localtime(response_row.submitted_at, ZoneInfo(w.org.time_zone))
        assert (local.hour, local.minute, local.second) == (0, 0, 0)
        answers = Answer.objects.filter(response=response_row)
        assert not answers.filter(text=SECRET_NOTE).exists()
        assert answers.filter(choice__text="Garage", submitted=True).count() == 1
        assert not Response.objects.filter(respondent=person).exists()

        # Votes: the unit's ballot and the append-only audit stay; the ballot names nobody.
        ballot = Ballot.objects.get(vote=history["vote"])
        assert ballot.unit_id == w.unit.pk and ballot.voter_id is None
        assert list(ballot.choices.values()) == ["for"]
        assert BallotAudit.objects.filter(ballot=ballot).count() == 1
        assert tally.CHOICES  # the tally reads only unit, area and choices, all kept

        # Events: the upcoming seat is freed and goes to the neighbour on the waitlist; the
        # past attendance stays with a fresh check-in code; the calendar feed is gone.
        seat = Registration.objects.get(pk=history["seat"].pk)
        assert seat.status == Registration.Status.CANCELLED and seat.cancelled_at
        waiting = Registration.objects.get(pk=history["waiting"].pk)
        assert waiting.status == Registration.Status.CONFIRMED
        attended = Registration.objects.get(pk=history["attended"].pk)
        assert attended.status == Registration.Status.CONFIRMED and attended.checked_in_at
        assert attended.checkin_token != history["attended"].checkin_token
        assert not CalendarFeed.objects.filter(user=person).exists()

    # The old feed URL no longer answers, whoever asks.
    url = reverse("events:feed-ics", args=[w.org.slug, history["feed"].token])
    assert login(w.neighbour).get(url).status_code == 404
