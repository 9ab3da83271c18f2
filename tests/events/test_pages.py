"""The pages: owners register and cancel, staff manage and check in, constant queries."""

import pytest
from django.urls import reverse

from events.models import Event, Registration
from tests import factories as f

from .conftest import at

S = Registration.Status


def url(hall, name, *args):
    return reverse(f"events:{name}", args=[hall.w.org.slug, *args])


@pytest.fixture
def busy(hall):
    """Ten events, each with a few registrations."""
    events = [hall.event(title=f"Event {n}", capacity=3, max_party_size=1,
                         starts_at=at(2026, 3, 11 + n, 15), ends_at=at(2026, 3, 11 + n, 17))
              for n in range(10)]
    for event in events:
        for user in (hall.w.owner, hall.w.neighbour, hall.w.household):
            hall.register(user, event)
    return events


def test_owner_registers_from_the_page_and_sees_the_qr_code(hall, login):
    event = hall.event(max_party_size=2)
    client = login(hall.w.owner)
    response = client.post(url(hall, "register", event.pk), {"party_size": 2})
    assert response.status_code == 302
    page = client.get(url(hall, "detail", event.pk))
    mine = Registration.objects.get(event=event, user=hall.w.owner)
    body = page.content.decode()
    assert "<svg" in body and mine.checkin_token in body
    assert "2 of 10 places taken" in body
    client.post(url(hall, "unregister", event.pk))
    assert Registration.objects.get(pk=mine.pk).status == S.CANCELLED


def test_too_large_a_party_is_shown_beside_the_field(hall, login):
    event = hall.event(max_party_size=2)
    response = login(hall.w.owner).post(url(hall, "register", event.pk), {"party_size": 4})
    assert response.status_code == 400
    assert "At most 2 people per registration." in response.content.decode()
    assert not Registration.objects.filter(event=event).exists()


def test_waitlisted_owner_sees_their_position(hall, login):
    event = hall.event(capacity=1, max_party_size=1)
    hall.register(hall.w.household, event)
    hall.register(hall.w.neighbour, event)
    login(hall.w.owner).post(url(hall, "register", event.pk), {"party_size": 1})
    body = login(hall.w.owner).get(url(hall, "detail", event.pk)).content.decode()
    assert "You are number 2 on the waitlist" in body


def test_list_and_calendar_pages_make_constant_queries(hall, busy, login,
                                                       django_assert_max_num_queries):
    # Session, user, organisation, access (3), switcher (2), bell, then the page's own.
    client = login(hall.w.owner)
    with django_assert_max_num_queries(12):
        response = client.get(url(hall, "list"))
    assert response.content.decode().count("event-card") >= 10
    with django_assert_max_num_queries(12):
        response = client.get(url(hall, "calendar") + "?month=2026-03")
    assert "Event 9" in response.content.decode()


def test_calendar_places_events_on_their_local_day(hall, login):
    # 23:30 in Shanghai is 15:30 UTC the same day; 00:30 on the 20th is the 19th in UTC.
    hall.event(title="Late show", starts_at=at(2026, 3, 20, 0, 30),
               ends_at=at(2026, 3, 20, 1, 30))
    body = login(hall.w.owner).get(url(hall, "calendar") + "?month=2026-03").content.decode()
    cell = body.split('<div class="day-number">20')[1].split("</td>")[0]
    assert "00:30 Late show" in cell


def test_manage_pages_make_constant_queries(hall, busy, login, django_assert_max_num_queries):
    client = login(hall.w.manager)
    with django_assert_max_num_queries(12):
        assert client.get(url(hall, "manage-list")).status_code == 200
    # One more than the list: the draft surveys offered as the event's feedback survey.
    with django_assert_max_num_queries(13):
        response = client.get(url(hall, "manage-detail", busy[0].pk))
    assert response.status_code == 200
    # Two more: the event again (counts) and the search.
    with django_assert_max_num_queries(14):
        assert client.get(url(hall, "manage-checkin", busy[0].pk) + "?q=owner").status_code == 200


def test_manager_creates_edits_and_publishes_in_the_org_time_zone(hall, login):
    client = login(hall.w.manager)
    response = client.post(url(hall, "manage-new"), {
        "title": "老年人健康体检", "description": "请空腹", "property": hall.w.property.pk,
        "starts_at": "2026-03-20T08:30", "ends_at": "2026-03-20T11:30", "place": "会所",
        "capacity": 30, "max_party_size": 2, "price_text": "免费", "reminders": "24, 2",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(title="老年人健康体检")
    assert event.starts_at == at(2026, 3, 20, 8, 30)
    assert event.reminder_offsets == [1440, 120]
    assert event.status == Event.Status.DRAFT
    client.post(url(hall, "manage-publish", event.pk))
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    response = client.post(url(hall, "manage-edit", event.pk), {
        "title": "老年人健康体检", "property": hall.w.property.pk,
        "starts_at": "2026-03-20T09:00", "ends_at": "2026-03-20T08:00", "place": "会所",
        "capacity": 30, "max_party_size": 2,
    })
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.starts_at == at(2026, 3, 20, 8, 30)


def test_check_in_page_by_code_and_by_list(hall, login):
    event = hall.event()
    mine = hall.register(hall.w.owner, event, party_size=2)
    theirs = hall.register(hall.w.neighbour, event)
    client = login(hall.w.staff)
    response = client.post(url(hall, "manage-checkin", event.pk), {"token": mine.checkin_token})
    assert "is checked in (2 people)" in response.content.decode()
    response = client.post(url(hall, "manage-checkin", event.pk), {"token": mine.checkin_token})
    assert "was already checked in" in response.content.decode()
    client.post(url(hall, "manage-checkin", event.pk), {"registration": theirs.pk})
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 2
    response = client.post(url(hall, "manage-checkin", event.pk), {"token": "wrong"})
    assert response.status_code == 400
    assert "No registration for this event has this code." in response.content.decode()


def test_csv_export_has_a_bom_and_chinese_names(hall, login):
    event = hall.event()
    person = f.ResidencyFactory(
        unit=f.UnitFactory(building=hall.w.building, number="808"),
        user=f.UserFactory(full_name="王秀英"),
    ).user
    hall.register(person, event)
    response = login(hall.w.manager).get(url(hall, "manage-export", event.pk))
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert "王秀英" in text and "808" in text


def test_home_sections(hall, login):
    event = hall.event(title="Tea party", starts_at=at(2026, 3, 10, 15),
                       ends_at=at(2026, 3, 10, 17))
    hall.register(hall.w.owner, event)
    owner_home = login(hall.w.owner).get(reverse("org-home", args=[hall.w.org.slug]))
    assert "Tea party" in owner_home.content.decode()
    staff_home = login(hall.w.staff).get(reverse("org-home", args=[hall.w.org.slug]))
    body = staff_home.content.decode()
    assert "Today&#x27;s events" in body or "Today's events" in body
    assert url(hall, "manage-checkin", event.pk) in body


def test_cover_image_is_checked_and_served_only_to_those_who_see_the_event(hall, login):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "blue").save(buffer, "PNG")
    event = hall.event(cover=SimpleUploadedFile("cover.png", buffer.getvalue()))
    response = login(hall.w.owner).get(url(hall, "cover", event.pk))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert login(hall.w.far_owner).get(url(hall, "cover", event.pk)).status_code == 404
    from events.services import EventError

    with pytest.raises(EventError) as caught:
        hall.event(cover=SimpleUploadedFile("x.png", b"<html>not an image</html>"))
    assert "cover" in caught.value.message_dict
