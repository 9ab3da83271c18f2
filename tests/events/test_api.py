"""The API: list, register, cancel, check in; clear errors."""

from django.urls import reverse
from rest_framework.test import APIClient

from events.models import Registration


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def path(hall, name, *args):
    return reverse(f"api:{name}", args=[hall.w.org.slug, *args])


def test_owner_lists_registers_and_cancels(hall):
    event = hall.event(capacity=2, max_party_size=2)
    hall.event(title="Draft", publish=False)
    owner = api(hall.w.owner)
    listed = owner.get(path(hall, "event-list")).json()["results"]
    assert [e["title"] for e in listed] == ["Calligraphy class"]
    assert listed[0]["seats_left"] == 2
    response = owner.post(path(hall, "event-registrations", event.pk), {"party_size": 2},
                          format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "confirmed"
    assert response.json()["checkin_token"]
    again = owner.post(path(hall, "event-registrations", event.pk), {}, format="json")
    assert again.status_code == 400
    assert again.json()["non_field_errors"] == ["You are already registered for this event."]
    full = api(hall.w.neighbour).post(path(hall, "event-registrations", event.pk),
                                      {"waitlist": False}, format="json")
    assert full.status_code == 409
    assert full.json()["code"] == "full"
    cancelled = owner.delete(path(hall, "event-registrations", event.pk))
    assert cancelled.json()["status"] == "cancelled"


def test_staff_list_registrations_and_check_in(hall):
    event = hall.event(capacity=1, max_party_size=1)
    mine = hall.register(hall.w.owner, event)
    hall.register(hall.w.neighbour, event)
    staff = api(hall.w.staff)
    rows = staff.get(path(hall, "event-registrations", event.pk)).json()
    assert [(r["status"], r["waitlist_position"]) for r in rows] == [
        ("confirmed", None), ("waitlisted", 1)]
    assert "checkin_token" not in rows[0]
    done = staff.post(path(hall, "event-check-in", event.pk), {"token": mine.checkin_token},
                      format="json")
    assert done.status_code == 200 and done.json()["already"] is False
    twice = staff.post(path(hall, "event-check-in", event.pk), {"token": mine.checkin_token},
                       format="json")
    assert twice.json()["already"] is True
    bad = staff.post(path(hall, "event-check-in", event.pk), {"token": "nope"}, format="json")
    assert bad.status_code == 400 and "token" in bad.json()
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 1


def test_party_too_large_is_a_field_error(hall):
    event = hall.event(max_party_size=2)
    response = api(hall.w.owner).post(path(hall, "event-registrations", event.pk),
                                      {"party_size": 3}, format="json")
    assert response.status_code == 400
    assert response.json() == {"party_size": ["At most 2 people per registration."]}
