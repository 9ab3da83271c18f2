"""The bell, the list page, marking read, preferences; and the same through the API."""

import pytest
from django.test import Client
from django.urls import resolve
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from communications.models import Notification, NotificationPreference, QuietHours

pytestmark = pytest.mark.django_db


def make(user, org, n=1, **fields):
    with scopes_disabled():
        return [
            Notification.objects.create(
                organization=org, recipient=user, kind="ticket.status",
                title=fields.get("title", f"Request #{i} is now in progress"),
                url=f"/o/{org.slug}/requests/{i}/", read_at=fields.get("read_at"),
            )
            for i in range(n)
        ]


def unread(user):
    with scopes_disabled():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def test_the_bell_shows_the_unread_count_on_every_page(world, login):
    w = world.sunrise
    make(w.owner, w.org, 3)
    page = login(w.owner).get("/notifications/preferences/").content.decode()
    assert 'id="notification-bell"' in page
    assert 'data-unread="3"' in page
    assert 'id="live-status"' in page and "js/live.js" in page


def test_the_bell_fragment_counts_only_ones_own_unread(world, login):
    w = world.sunrise
    make(w.owner, w.org, 2)
    make(w.neighbour, w.org, 5)
    body = login(w.owner).get("/notifications/bell/").content.decode()
    assert 'data-unread="2"' in body


def test_the_bell_caps_its_count(world, login, settings):
    w = world.sunrise
    with scopes_disabled():
        Notification.objects.bulk_create(
            Notification(organization=w.org, recipient=w.owner, kind="k", title="t")
            for _ in range(120)
        )
    assert "99+" in login(w.owner).get("/notifications/bell/").content.decode()


def test_the_list_shows_all_organisations_and_filters(world, login):
    w, h = world.sunrise, world.harbor
    # One person living in both organisations.
    from tests import factories as f

    with scopes_disabled():
        f.ResidencyFactory(unit=h.unit, user=w.owner)
    make(w.owner, w.org, title="Sunrise news")
    make(w.owner, h.org, title="Harbor news")
    make(w.owner, w.org, title="Old news", read_at="2026-01-01T00:00:00Z")
    client = login(w.owner)
    page = client.get("/notifications/").content.decode()
    assert "Sunrise news" in page and "Harbor news" in page and "Old news" in page
    page = client.get("/notifications/?show=unread").content.decode()
    assert "Old news" not in page and "Sunrise news" in page
    page = client.get("/notifications/?org=harbor").content.decode()
    assert "Harbor news" in page and "Sunrise news" not in page


def test_the_list_costs_the_same_queries_for_more_notifications(
    world, login, django_assert_max_num_queries
):
    w = world.sunrise
    client = login(w.owner)
    make(w.owner, w.org, 1)
    with django_assert_max_num_queries(30) as few:
        client.get("/notifications/")
    make(w.owner, w.org, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/notifications/").status_code == 200


def test_mark_one_read_and_open_it(world, login):
    w = world.sunrise
    (notification,) = make(w.owner, w.org)
    client = login(w.owner)
    response = client.post(f"/notifications/{notification.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == notification.url
    assert unread(w.owner) == 0


def test_someone_elses_notification_is_not_found(world, login):
    w = world.sunrise
    (notification,) = make(w.owner, w.org)
    response = login(w.household).post(f"/notifications/{notification.pk}/read/")
    assert response.status_code == 404
    assert unread(w.owner) == 1


def test_mark_all_read_touches_only_ones_own(world, login):
    w = world.sunrise
    make(w.owner, w.org, 3)
    make(w.household, w.org, 2)
    response = login(w.owner).post("/notifications/read-all/")
    assert response.status_code == 302
    assert unread(w.owner) == 0
    assert unread(w.household) == 2


def test_a_foreign_next_url_is_not_followed(world, login):
    w = world.sunrise
    (notification,) = make(w.owner, w.org)
    response = login(w.owner).post(
        f"/notifications/{notification.pk}/read/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/notifications/"


def test_preferences_are_saved(world, login):
    w = world.sunrise
    response = login(w.owner).post(
        "/notifications/preferences/",
        {"tickets_email": "on", "escalations_sms": "on", "quiet_start": "22:00",
         "quiet_end": "07:00"},
    )
    assert response.status_code == 302
    rows = {p.topic: (p.email, p.sms) for p in NotificationPreference.objects.filter(user=w.owner)}
    assert rows["tickets"] == (True, False)
    assert rows["notices"] == (False, False)
    assert rows["escalations"] == (False, True)
    assert QuietHours.objects.get(user=w.owner).start.hour == 22


def test_half_quiet_hours_are_refused_with_a_field_error(world, login):
    w = world.sunrise
    response = login(w.owner).post("/notifications/preferences/", {"quiet_start": "22:00"})
    assert response.status_code == 200
    assert response.context["form"].errors["quiet_end"]
    assert not NotificationPreference.objects.filter(user=w.owner).exists()


# --- API -------------------------------------------------------------------------------------


def api(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}"})


@pytest.mark.urls("tests.communications.api_urls")
def test_api_lists_ones_own_notifications_with_a_cursor(world):
    w = world.sunrise
    make(w.owner, w.org, 3)
    make(w.owner, w.org, 1, read_at="2026-01-01T00:00:00Z")
    make(w.neighbour, w.org, 4)
    data = api(w.owner).get("/api/v1/notifications/?page_size=2").json()
    assert len(data["results"]) == 2 and data["next"]
    assert set(data["results"][0]) >= {"id", "org", "kind", "title", "url", "read_at"}
    assert data["results"][0]["org"] == "sunrise"
    assert len(api(w.owner).get("/api/v1/notifications/?unread=1&page_size=50").json()[
        "results"]) == 3


@pytest.mark.urls("tests.communications.api_urls")
def test_api_marks_read_only_ones_own(world):
    w = world.sunrise
    (mine,) = make(w.owner, w.org)
    assert api(w.household).post(f"/api/v1/notifications/{mine.pk}/read/").status_code == 404
    response = api(w.owner).post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    make(w.owner, w.org, 2)
    assert api(w.owner).post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert unread(w.owner) == 0


@pytest.mark.urls("tests.communications.api_urls")
def test_api_refuses_anonymous_callers(world):
    assert Client().get("/api/v1/notifications/").status_code == 401
    assert resolve("/api/v1/notifications/read-all/")
