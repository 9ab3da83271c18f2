"""The .ics files carry the right instants; check-in is idempotent; the feed token can be
revoked; attendance figures for the dashboards."""

import datetime as dt

import pytest
from django.urls import reverse
from django_scopes import scope
from icalendar import Calendar

from events.metrics import event_engagement
from events.models import Registration
from events.services import (
    EventError,
    checkin_by_token,
    checkin_registration,
    event_cancel,
    feed_regenerate,
    feed_revoke,
)

from .conftest import SHANGHAI, at


def _events_of(content: bytes):
    return [c for c in Calendar.from_ical(content).walk() if c.name == "VEVENT"]


def test_event_ics_parses_and_carries_the_shanghai_times(hall, login):
    event = hall.event(title="中秋游园会", place="中心广场",
                       starts_at=at(2026, 9, 25, 18, 30), ends_at=at(2026, 9, 25, 21, 0))
    response = login(hall.w.owner).get(
        reverse("events:ics", args=[hall.w.org.slug, event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    (vevent,) = _events_of(response.content)
    start, end = vevent.decoded("dtstart"), vevent.decoded("dtend")
    assert start == dt.datetime(2026, 9, 25, 10, 30, tzinfo=dt.UTC)
    assert start.astimezone(SHANGHAI).hour == 18
    assert end == at(2026, 9, 25, 21, 0)
    assert str(vevent["summary"]) == "中秋游园会"
    assert str(vevent["location"]) == "中心广场"
    assert Calendar.from_ical(response.content)["x-wr-timezone"] == "Asia/Shanghai"


def test_feed_lists_confirmed_registrations_until_revoked(hall, client):
    mine = hall.event(title="Mine")
    waiting = hall.event(title="Waiting", capacity=1, max_party_size=1)
    hall.event(title="Not mine")
    hall.register(hall.w.owner, mine)
    hall.register(hall.w.neighbour, waiting)
    hall.register(hall.w.owner, waiting)  # waitlisted: not in the feed
    feed = feed_regenerate(access=hall.access(hall.w.owner))
    url = reverse("events:feed-ics", args=[hall.w.org.slug, feed.token])
    client.logout()
    response = client.get(url)  # no session: the token is the credential
    assert response.status_code == 200
    assert [str(v["summary"]) for v in _events_of(response.content)] == ["Mine"]
    assert _events_of(response.content)[0].decoded("dtstart") == at(2026, 3, 14, 15, 0)

    event_cancel(access=hall.access(hall.w.manager), event=mine)
    (cancelled,) = _events_of(client.get(url).content)
    assert str(cancelled["status"]) == "CANCELLED"

    renewed = feed_regenerate(access=hall.access(hall.w.owner))
    assert renewed.token != feed.token
    assert client.get(url).status_code == 404
    new_url = reverse("events:feed-ics", args=[hall.w.org.slug, renewed.token])
    assert client.get(new_url).status_code == 200
    feed_revoke(access=hall.access(hall.w.owner))
    assert client.get(new_url).status_code == 404


def test_feed_token_is_bound_to_its_organisation(hall, client, world):
    feed = feed_regenerate(access=hall.access(hall.w.owner))
    with scope(organization=world.harbor.org):
        response = client.get(reverse("events:feed-ics", args=["harbor", feed.token]))
    assert response.status_code == 404


def test_check_in_by_token_is_idempotent(hall):
    event = hall.event()
    mine = hall.register(hall.w.owner, event, party_size=2)
    staff = hall.access(hall.w.staff)
    first = checkin_by_token(access=staff, event=event, token=f"  {mine.checkin_token} ")
    second = checkin_by_token(access=staff, event=event, token=mine.checkin_token)
    assert (first.already, second.already) == (False, True)
    assert first.registration.checked_in_at == second.registration.checked_in_at
    third = checkin_registration(access=staff, event=event, registration_id=mine.pk)
    assert third.already
    assert Registration.objects.get(pk=mine.pk).checked_in_by == hall.w.staff


def test_check_in_refuses_unknown_codes_waitlisted_and_other_events(hall):
    event, other = hall.event(capacity=1, max_party_size=1), hall.event(title="Other")
    hall.register(hall.w.owner, event)
    waiting = hall.register(hall.w.neighbour, event)
    elsewhere = hall.register(hall.w.owner, other)
    staff = hall.access(hall.w.staff)
    for token in ("nope", waiting.checkin_token, elsewhere.checkin_token, ""):
        with pytest.raises(EventError) as caught:
            checkin_by_token(access=staff, event=event, token=token)
        assert "token" in caught.value.message_dict
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_staff_out_of_scope_cannot_check_in(hall):
    from django.core.exceptions import PermissionDenied

    event = hall.event()
    mine = hall.register(hall.w.owner, event)
    with pytest.raises(PermissionDenied):
        checkin_by_token(access=hall.access(hall.w.staff_out), event=event,
                         token=mine.checkin_token)


def test_engagement_figures_in_constant_queries(hall, django_assert_num_queries):
    event = hall.event(capacity=10)
    other = hall.event(title="Lakeside", property=hall.w.other_property)
    a = hall.register(hall.w.owner, event, party_size=3)
    hall.register(hall.w.neighbour, event, party_size=1)
    hall.register(hall.w.far_owner, other, party_size=2)
    checkin_registration(access=hall.access(hall.w.staff), event=event, registration_id=a.pk)
    with django_assert_num_queries(2):
        figures = event_engagement(organization=hall.w.org, property_ids=None,
                                   start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert figures == {"events": 2, "registrations": {"confirmed": 3, "people": 6},
                       "attended": 3}
    scoped = event_engagement(organization=hall.w.org, property_ids=[hall.w.property.pk],
                              start=dt.date(2026, 3, 14), end=dt.date(2026, 3, 14))
    assert scoped == {"events": 1, "registrations": {"confirmed": 2, "people": 4},
                      "attended": 3}
    assert event_engagement(organization=hall.w.org, property_ids=None,
                            start=dt.date(2026, 3, 15), end=dt.date(2026, 3, 31))["events"] == 0
