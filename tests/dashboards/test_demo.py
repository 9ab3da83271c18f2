"""Seed step 600 (portal/dashboards/demo.py): follow-ups for the demo's low ratings and the
recurring marks, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from tickets.models import FOLLOW_UP_MAX_RATING, FollowUp, Ticket


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        yield


def test_every_low_rating_has_one_follow_up_and_a_second_run_adds_nothing(seeded):
    low = Ticket.objects.filter(organization__slug="sunrise",
                                rating__lte=FOLLOW_UP_MAX_RATING)
    follow_ups = FollowUp.objects.filter(organization__slug="sunrise")
    assert low.count() > 0
    assert set(follow_ups.values_list("ticket_id", flat=True)) == set(
        low.values_list("pk", flat=True))
    assert follow_ups.filter(status="open").exists() and follow_ups.filter(status="done").exists()
    assert not follow_ups.filter(status="done", outcome="").exists()
    recurring = Ticket.objects.filter(organization__slug="sunrise", is_recurring=True).count()
    assert recurring > 0
    before = (follow_ups.count(), list(follow_ups.order_by("pk").values_list("status", "outcome")))
    call_command("seed_demo", stdout=StringIO())
    assert (follow_ups.count(), list(follow_ups.order_by("pk").values_list(
        "status", "outcome"))) == before
    assert Ticket.objects.filter(organization__slug="sunrise",
                                 is_recurring=True).count() == recurring
