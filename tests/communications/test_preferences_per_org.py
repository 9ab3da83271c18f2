"""Per-organisation notification settings for a person in several organisations, the quiet
hours and the daily digest on /notifications/preferences/."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from communications.models import DigestSubscription, NotificationPreference, QuietHours
from communications.preferences import Recipient, channels_for, preference_rows
from portal.tenancy.models import Residency

pytestmark = pytest.mark.django_db

URL = "/notifications/preferences/"


@pytest.fixture
def two_homes(world):
    """Sunrise's owner also owns a flat at Harbor."""
    with scopes_disabled():
        Residency.objects.create(
            organization=world.harbor.org, unit=world.harbor.unit, user=world.sunrise.owner,
            relation=Residency.objects.filter(user=world.sunrise.owner).first().relation,
            verified_at=timezone.now(),
        )
    return world.sunrise.owner


def rows_of(user):
    return {
        (row.organization_id, row.topic): (row.email, row.sms)
        for row in NotificationPreference.objects.filter(user=user)
    }


def test_a_person_in_one_organisation_sees_no_organisation_choice(world, login):
    page = login(world.sunrise.neighbour).get(URL).content.decode()
    assert "Everywhere (general)" not in page


def test_a_person_in_two_organisations_chooses_per_organisation(world, two_homes, login):
    client = login(two_homes)
    page = client.get(URL).content.decode()
    assert "Everywhere (general)" in page and world.harbor.org.name in page
    response = client.post(URL, {"org": "harbor", "notices_email": "on"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?org=harbor"
    rows = rows_of(two_homes)
    assert rows[(world.harbor.org.pk, "notices")] == (True, False)
    assert rows[(world.harbor.org.pk, "tickets")] == (False, False)
    assert not any(org is None for org, _topic in rows)  # the general settings are untouched
    assert not QuietHours.objects.filter(user=two_homes).exists()


def test_the_organisations_row_wins_over_the_general_one(world, two_homes, login):
    client = login(two_homes)
    client.post(URL, {"tickets_email": "on"})  # general: email for tickets
    client.post(URL, {"org": "harbor"})  # Harbor: no email for anything
    found = preference_rows(
        user_ids=[two_homes.pk], organization_ids=[world.sunrise.org.pk, world.harbor.org.pk],
        topics=["tickets"],
    )
    person = Recipient(two_homes.pk, "owner@example.com", None)

    def email_for(org):
        return "email" in channels_for(
            recipient=person, row=found.get((two_homes.pk, org.pk, "tickets")),
            kind="ticket.status", audience="resident",
        )

    assert email_for(world.sunrise.org) and not email_for(world.harbor.org)


def test_an_organisation_page_starts_from_the_general_settings(world, two_homes, login):
    client = login(two_homes)
    client.post(URL, {"events_sms": "on"})
    form = client.get(f"{URL}?org=harbor").context["form"]
    assert form.initial["events_sms"] is True
    assert "quiet_start" not in form.fields and "daily_digest" not in form.fields


def test_following_the_general_settings_again_drops_the_organisations_rows(
    world, two_homes, login
):
    client = login(two_homes)
    client.post(URL, {"org": "harbor", "notices_email": "on"})
    response = client.post(URL, {"org": "harbor", "follow": "1"})
    assert response.status_code == 302
    assert rows_of(two_homes) == {}


def test_an_organisation_one_does_not_belong_to_answers_404(world, login):
    client = login(world.sunrise.owner)
    assert client.get(f"{URL}?org=harbor").status_code == 404
    assert client.post(URL, {"org": "harbor", "notices_email": "on"}).status_code == 404
    assert rows_of(world.sunrise.owner) == {}


def test_quiet_hours_and_the_digest_are_edited_with_the_general_settings(world, login):
    owner = world.sunrise.owner
    client = login(owner)
    client.post(URL, {"quiet_start": "22:00", "quiet_end": "07:00", "daily_digest": "on"})
    assert QuietHours.objects.get(user=owner).end.hour == 7
    assert DigestSubscription.objects.filter(user=owner).exists()
    form = client.get(URL).context["form"]
    assert form.initial["daily_digest"] is True
    client.post(URL, {})
    assert not QuietHours.objects.filter(user=owner).exists()
    assert not DigestSubscription.objects.filter(user=owner).exists()


def test_the_settings_page_makes_a_constant_number_of_queries(
    world, two_homes, login, django_assert_max_num_queries
):
    client = login(two_homes)
    client.post(URL, {"org": "harbor", "notices_email": "on"})
    with django_assert_max_num_queries(14):
        assert client.get(f"{URL}?org=harbor").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200
