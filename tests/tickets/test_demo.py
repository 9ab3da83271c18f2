"""The tickets seed step of ``manage.py seed_demo`` (tickets/demo): a service desk for every
demo organisation and about 2,000 sunrise tickets whose rows agree with what the services and
the SLA job would have written."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone
from django_scopes import scopes_disabled

from tickets.models import (
    OPEN_STATUSES,
    Attachment,
    CannedResponse,
    Category,
    FaqEntry,
    SlaEscalation,
    Status,
    Team,
    Ticket,
    TicketCounter,
    TimelineEntry,
)
from tickets.services import sla_process_due

from .sla_entries import listed_levels


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path  # the demo photos
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        yield


def sunrise(model):
    return model.objects.filter(organization__slug="sunrise")


def test_sunrise_gets_2000_tickets_in_every_state(seeded):
    tickets = sunrise(Ticket)
    assert tickets.count() == 2000
    states = dict(tickets.values_list("status").annotate(n=Count("pk")))
    assert set(states) == set(Status.values)
    assert states[Status.CLOSED] > 1000 and states[Status.NEW] >= 10
    assert states[Status.WAITING_ON_OWNER] >= 10
    assert sorted(tickets.values_list("number", flat=True)) == list(range(1, 2001))
    assert sunrise(TicketCounter).get().last_number == 2000
    assert tickets.filter(first_response_breached_at__isnull=False).exists()
    assert tickets.filter(resolution_breached_at__isnull=False).exists()
    assert tickets.filter(rating__isnull=False, status=Status.CLOSED).count() > 500
    assert tickets.filter(asset__isnull=False).exists()
    assert tickets.filter(unit__isnull=True, asset__isnull=True).exists()
    assert tickets.exclude(channel="web").filter(filed_by__isnull=False).exists()
    assert tickets.filter(created_at__lt=timezone.now() - timezone.timedelta(days=80)).exists()
    assert tickets.filter(title__regex=r"[A-Za-z]{4}").exists()  # some English too


def test_the_demo_owner_sees_their_requests_in_various_states(seeded):
    owner_tickets = sunrise(Ticket).filter(unit__residencies__user__email="owner@sunrise.example")
    states = set(owner_tickets.values_list("status", flat=True))
    assert {Status.NEW, Status.IN_PROGRESS, Status.WAITING_ON_OWNER, Status.RESOLVED,
            Status.CLOSED, Status.CANCELLED} <= states
    waiting = owner_tickets.filter(status=Status.WAITING_ON_OWNER).first()
    reason = waiting.timeline.filter(to_status=Status.WAITING_ON_OWNER).last()
    assert reason.body and reason.is_public and waiting.paused_at == reason.created_at


def test_rows_agree_with_the_lifecycle_and_the_sla_engine(seeded):
    tickets = sunrise(Ticket)
    now = timezone.now()
    for status in (Status.CLOSED, Status.RESOLVED):
        assert not tickets.filter(status=status, resolved_at__isnull=True).exists()
    assert not tickets.filter(status=Status.CLOSED, closed_at__isnull=True).exists()
    assert not tickets.filter(status=Status.CANCELLED, cancelled_at__isnull=True).exists()
    assert not tickets.filter(status=Status.RESOLVED, resolved_at__lt=now - timezone.timedelta(
        days=7)).exists()  # the auto-close job would have closed those
    assert not tickets.exclude(status__in=OPEN_STATUSES).filter(
        next_sla_check_at__isnull=False).exists()
    assert not tickets.filter(first_responded_at__lt=F("created_at")).exists()
    assert not tickets.filter(resolved_at__gt=now).exists()
    # Breaches are the due times, and each fired exactly one escalation row.
    breached = tickets.filter(first_response_breached_at__isnull=False)
    assert not breached.exclude(first_response_breached_at=F("first_response_due_at")).exists()
    assert sunrise(SlaEscalation).filter(timer="first_response", percent=100).count() == (
        breached.count()
    )
    # Each escalation row is listed by one timeline entry, of the run that fired it.
    entries = sunrise(TimelineEntry).filter(kind="escalation")
    assert all(set(entry.data) == {"levels"} for entry in entries)
    assert listed_levels(entries) == sorted(
        sunrise(SlaEscalation).values_list("ticket_id", "timer", "percent")
    )
    # Every status change is on the timeline, in order.
    last = {}
    for number, to_status in sunrise(TimelineEntry).filter(
        kind__in=["created", "status"]
    ).order_by("ticket__number", "created_at", "pk").values_list("ticket__number", "to_status"):
        last[number] = to_status
    assert last == dict(tickets.values_list("number", "status"))
    # The SLA job finds nothing left over: every level reached by now has fired.
    assert sla_process_due().fired == 0


def test_every_organisation_gets_teams_faq_and_canned_responses(seeded):
    teams = {team.name: team for team in sunrise(Team).select_related("lead")}
    assert {"维修组 Repair", "客服组 Service desk", "保安组 Security", "保洁组 Cleaning"} <= set(
        teams
    )
    assert teams["维修组 Repair"].lead.email == "repair1@sunrise.example"
    assert teams["客服组 Service desk"].memberships.count() == 4
    repair = sunrise(Category).get(kind="repair")
    assert repair.default_team == teams["维修组 Repair"]
    assert sunrise(FaqEntry).count() >= 10
    assert sunrise(FaqEntry).filter(question__startswith="停水怎么办").exists()
    assert sunrise(CannedResponse).count() >= 6
    harbor = Team.objects.filter(organization__slug="harbor")
    assert list(harbor.values_list("name", flat=True)) == ["客服组 Service desk"]
    assert FaqEntry.objects.filter(organization__slug="harbor").count() >= 10
    assert not Ticket.objects.filter(organization__slug="harbor").exists()


def test_a_few_open_sunrise_tickets_carry_generated_photos(seeded, settings):
    photos = sunrise(Attachment).select_related("ticket", "entry")
    tickets = {photo.ticket for photo in photos}
    assert len(tickets) == 10 and 10 < photos.count() <= 20
    for photo in photos:
        assert photo.ticket.status in OPEN_STATUSES and photo.is_public
        assert photo.content_type == "image/jpeg" and photo.width and photo.thumbnail
        assert photo.uploaded_by_id == photo.ticket.requester_id
        assert photo.entry.kind == TimelineEntry.Kind.CREATED
        assert (settings.MEDIA_ROOT / photo.file.name).is_file()
    assert not Attachment.objects.filter(organization__slug="harbor").exists()


def test_a_second_run_adds_nothing(seeded):
    models = (Ticket, TimelineEntry, SlaEscalation, Team, FaqEntry, CannedResponse, Attachment)
    before = {model: model.objects.count() for model in models}
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert {model: model.objects.count() for model in models} == before
    assert "nothing changed" in out.getvalue()
