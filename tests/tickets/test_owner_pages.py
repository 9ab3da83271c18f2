"""Owners' request pages: my requests, a new request with photos, one request and its actions."""

import datetime as dt

import pytest
from django.urls import reverse

from tickets.models import Attachment, Status, Ticket, TimelineEntry
from tickets.services import ticket_assign, ticket_comment, ticket_transition

from .test_attachments import heic_bytes, jpeg_with_exif, png_bomb, png_bytes, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def owner_client(login, desk):
    client = login(desk.w.owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(name, *args):
    return reverse(f"tickets:{name}", args=["sunrise", *args])


def form_data(desk, **fields):
    data = {
        "category": desk.repair.pk, "location": f"unit:{desk.w.unit.pk}", "asset": "",
        "title": "Bathroom tap drips", "description": "Since Monday.",
        "preferred_visit_time": "Weekday evenings", "urgency": "high",
    }
    data.update(fields)
    return data


# --- Submitting -------------------------------------------------------------------------


def test_owner_submits_a_request_with_photos_of_every_kind(desk, owner_client, media):
    photos = [
        upload("kitchen.jpg", jpeg_with_exif()),
        upload("screen.png", png_bytes(), "image/png"),
        upload("IMG_0001.heic", heic_bytes(), "image/heic"),
    ]
    response = owner_client.post(url("request-new"), form_data(desk, photos=photos))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request-detail", ticket.number)
    assert (ticket.title, ticket.priority, ticket.unit, ticket.requester) == (
        "Bathroom tap drips", "high", desk.w.unit, desk.w.owner,
    )
    assert ticket.preferred_visit_time == "Weekday evenings"
    types = sorted(Attachment.objects.filter(ticket=ticket).values_list("content_type", flat=True))
    assert types == ["image/jpeg", "image/jpeg", "image/png"]
    page = owner_client.get(response["Location"]).content.decode()
    assert page.count("/o/sunrise/requests/attachments/") >= 3


def test_common_area_request_with_equipment_of_my_property(desk, owner_client):
    response = owner_client.post(url("request-new"), form_data(
        desk, location=f"property:{desk.w.property.pk}", asset=desk.w.asset.pk,
        title="Lift stuck on floor 3",
    ))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.unit, ticket.property, ticket.asset) == (None, desk.w.property, desk.w.asset)


def test_equipment_of_another_property_is_not_offered(desk, world, owner_client):
    from tests.factories import AssetFactory

    far_asset = AssetFactory(property=desk.w.other_property, name="Lakeside pump")
    page = owner_client.get(url("request-new")).content.decode()
    assert desk.w.asset.name in page and "Lakeside pump" not in page
    response = owner_client.post(url("request-new"), form_data(desk, asset=far_asset.pk))
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "asset" in response.context["form"].errors


def test_a_neighbours_unit_is_refused_at_the_field(desk, owner_client):
    response = owner_client.post(
        url("request-new"), form_data(desk, location=f"unit:{desk.w.neighbour_unit.pk}")
    )
    assert response.status_code == 200
    assert "location" in response.context["form"].errors
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "photos",
    [
        [("notes.jpg", b"I am a text file, not a photo.", "image/jpeg")],
        [("huge.jpg", b"\xff\xd8" + b"\0" * (10 * 1024 * 1024), "image/jpeg")],
        [("bomb.png", png_bomb(), "image/png")],
        [(f"{i}.png", png_bytes(), "image/png") for i in range(10)],
        [("ok.jpg", jpeg_with_exif(), "image/jpeg"), ("notes.jpg", b"text", "image/jpeg")],
    ],
    ids=["text-renamed-jpg", "over-10-mb", "decompression-bomb", "ten-photos", "one-bad-of-two"],
)
def test_bad_photos_save_nothing_and_say_why_at_the_photos_field(desk, owner_client, media,
                                                                 photos):
    files = [upload(name, content, content_type) for name, content, content_type in photos]
    response = owner_client.post(url("request-new"), form_data(desk, photos=files))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["photos"]
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    assert not TimelineEntry.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_default_categories_appear_for_a_new_organisation(world, login, clock):
    from django_scopes import scope

    from tickets.models import Category

    client = login(world.harbor.owner)
    response = client.get(reverse("tickets:request-new", args=["harbor"]))
    assert response.status_code == 200
    with scope(organization=world.harbor.org):
        assert Category.objects.filter(organization=world.harbor.org).count() == 5


def test_staff_without_a_home_cannot_open_the_request_form(desk, login):
    assert login(desk.w.staff).get(url("request-new")).status_code == 404


# --- My requests ----------------------------------------------------------------------------


def test_household_members_see_their_units_requests(desk, login):
    ticket = desk.submit(title="Front door lock")
    client = login(desk.w.household)
    listing = client.get(url("request-list")).content.decode()
    assert "Front door lock" in listing
    assert client.get(url("request-detail", ticket.number)).status_code == 200


def test_a_common_area_request_belongs_to_its_requester(desk, login):
    ticket = desk.submit(property=desk.w.property, title="Garden lights off")
    assert "Garden lights off" in login(desk.w.owner).get(url("request-list")).content.decode()
    household = login(desk.w.household)
    assert "Garden lights off" not in household.get(url("request-list")).content.decode()
    assert household.get(url("request-detail", ticket.number)).status_code == 404


@pytest.mark.parametrize("who", ["neighbour", "far_owner", "staff", "manager"])
def test_others_get_404_for_my_request(desk, login, who):
    ticket = desk.submit()
    assert login(getattr(desk.w, who)).get(url("request-detail", ticket.number)).status_code == 404
    assert "Kitchen tap drips" not in login(getattr(desk.w, who)).get(
        url("request-list")
    ).content.decode()


def test_list_shows_status_steps_and_due_time_in_words(desk, owner_client):
    desk.submit()  # Tuesday 10:00, first response due 14:00 the same day
    html = owner_client.get(url("request-list")).content.decode()
    assert "ticket-status-new" in html and "Submitted" in html
    assert "ticket-steps-compact" in html
    assert "We will respond by 14:00 today." in html


def test_list_runs_a_constant_number_of_queries(desk, owner_client, django_assert_max_num_queries):
    for i in range(3):
        desk.submit(title=f"Request {i}")
    with django_assert_max_num_queries(12) as few:
        assert owner_client.get(url("request-list")).status_code == 200
    budget = len(few.captured_queries)
    for i in range(25):
        ticket = desk.submit(title=f"More {i}", property=desk.w.property, asset=desk.w.asset)
        ticket_assign(access=desk.access(desk.w.staff), ticket=ticket, assignee=desk.w.staff)
    with django_assert_max_num_queries(budget):
        response = owner_client.get(url("request-list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20


# --- One request ---------------------------------------------------------------------------


def test_detail_shows_steps_handler_due_times_and_is_live(desk, owner_client):
    ticket = desk.drive(desk.submit(), Status.ACCEPTED)
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert f'data-live-ticket="{ticket.number}"' in html
    assert 'aria-current="step"' in html
    assert "Handled by Staff sunrise" in html
    assert "We aim to resolve it by Fri 13 Mar 10:00." in html


def test_due_times_say_tomorrow_and_follow_the_organisations_time_zone(desk, owner_client,
                                                                       clock):
    clock.move_to(dt.datetime(2026, 3, 10, 16, 30, tzinfo=dt.UTC), tick=False)
    # 16:30 UTC is 00:30 Wednesday in Shanghai: the first response is due at 13:00 that day.
    ticket = desk.submit()
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert "We will respond by 13:00 today." in html


def test_internal_notes_never_reach_the_owners_page(desk, owner_client, media):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    staff = desk.access(desk.w.staff)
    ticket_comment(access=staff, ticket=ticket, body="Owner was rude on the phone", internal=True)
    ticket_comment(access=staff, ticket=ticket, body="We will come at 3 pm")
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert "We will come at 3 pm" in html
    assert "Owner was rude" not in html and "Internal note" not in html


def test_waiting_ticket_shows_the_pause_and_its_reason(desk, owner_client):
    ticket = desk.drive(desk.submit(), Status.WAITING_ON_OWNER)  # reason "Photo please"
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert "our clock is paused" in html
    assert "What we need from you:" in html and "Photo please" in html


def test_detail_runs_a_constant_number_of_queries(desk, owner_client, media,
                                                  django_assert_max_num_queries):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    with django_assert_max_num_queries(20) as few:
        owner_client.get(url("request-detail", ticket.number))
    budget = len(few.captured_queries)
    staff = desk.access(desk.w.staff)
    for i in range(6):
        ticket_comment(access=staff, ticket=ticket, body=f"Update {i}")
        owner_client.post(url("request-reply", ticket.number), {
            "reply-body": f"Thanks {i}", "reply-photos": [upload("a.png", png_bytes())],
        })
    with django_assert_max_num_queries(budget):
        response = owner_client.get(url("request-detail", ticket.number))
    assert response.content.decode().count("attachment-thumb") == 6


# --- Actions --------------------------------------------------------------------------------


def test_reply_with_photo_resumes_a_waiting_ticket(desk, login):
    ticket = desk.drive(desk.submit(), Status.WAITING_ON_OWNER)
    response = login(desk.w.household).post(url("request-reply", ticket.number), {
        "reply-body": "Photo attached", "reply-photos": [upload("p.jpg", jpeg_with_exif())],
    })
    assert response.status_code == 302
    ticket = desk.reload(ticket)
    assert ticket.status == Status.IN_PROGRESS
    entry = TimelineEntry.objects.get(ticket=ticket, kind="comment")
    assert entry.actor == desk.w.household and entry.attachments.count() == 1


def test_a_reply_with_a_bad_photo_saves_nothing(desk, owner_client):
    ticket = desk.drive(desk.submit(), Status.WAITING_ON_OWNER)
    response = owner_client.post(url("request-reply", ticket.number), {
        "reply-body": "Photo attached", "reply-photos": [upload("p.jpg", b"nope")],
    })
    assert response.status_code == 400
    assert "photos" in response.context["reply_form"].errors
    assert desk.reload(ticket).status == Status.WAITING_ON_OWNER
    assert not TimelineEntry.objects.filter(ticket=ticket, kind="comment").exists()


def test_empty_reply_is_refused_at_the_field(desk, owner_client):
    ticket = desk.submit()
    response = owner_client.post(url("request-reply", ticket.number), {"reply-body": " "})
    assert response.status_code == 400 and "body" in response.context["reply_form"].errors


def test_cancel_before_work_starts(desk, owner_client):
    ticket = desk.drive(desk.submit(), Status.ACCEPTED)
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert url("request-cancel", ticket.number) in html
    response = owner_client.post(url("request-cancel", ticket.number), {"cancel-reason": "Fixed"})
    assert response.status_code == 302
    assert desk.reload(ticket).status == Status.CANCELLED
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert "This request was cancelled." in html
    assert url("request-cancel", ticket.number) not in html


def test_cancel_is_neither_offered_nor_accepted_once_work_started(desk, owner_client):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert url("request-cancel", ticket.number) not in html
    response = owner_client.post(url("request-cancel", ticket.number), {})
    assert response.status_code == 400
    assert "cannot become" in response.content.decode()
    assert desk.reload(ticket).status == Status.IN_PROGRESS


def test_confirm_the_resolution_closes_the_request(desk, owner_client):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert url("request-close", ticket.number) in html and url("request-reopen", ticket.number)
    assert owner_client.post(url("request-close", ticket.number)).status_code == 302
    assert desk.reload(ticket).status == Status.CLOSED


def test_reopen_needs_a_reason_and_the_window(desk, owner_client, clock):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    response = owner_client.post(url("request-reopen", ticket.number), {"reopen-reason": ""})
    assert response.status_code == 400 and "reason" in response.context["reopen_form"].errors
    response = owner_client.post(
        url("request-reopen", ticket.number), {"reopen-reason": "Still dripping"}
    )
    assert response.status_code == 302
    ticket = desk.reload(ticket)
    assert ticket.status == Status.IN_PROGRESS and ticket.reopen_count == 1
    entry = TimelineEntry.objects.filter(ticket=ticket, kind="status").last()
    assert entry.body == "Still dripping"


def test_reopen_after_the_window_is_not_offered_and_refused(desk, owner_client, clock):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    clock.shift(dt.timedelta(days=8))
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert url("request-reopen", ticket.number) not in html
    response = owner_client.post(
        url("request-reopen", ticket.number), {"reopen-reason": "Still dripping"}
    )
    assert response.status_code == 400 and "cannot be reopened" in response.content.decode()
    assert desk.reload(ticket).status == Status.RESOLVED


def test_rate_once_when_resolved(desk, owner_client):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    response = owner_client.post(
        url("request-rate", ticket.number), {"rate-rating": "4", "rate-comment": "Quick"}
    )
    assert response.status_code == 302
    ticket = desk.reload(ticket)
    assert (ticket.rating, ticket.rating_comment) == (4, "Quick")
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert url("request-rate", ticket.number) not in html
    again = owner_client.post(url("request-rate", ticket.number), {"rate-rating": "1"})
    assert again.status_code == 400 and "already been rated" in again.content.decode()
    assert desk.reload(ticket).rating == 4


def test_rating_is_refused_before_resolution_and_out_of_range(desk, owner_client):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert url("request-rate", ticket.number) not in html
    response = owner_client.post(url("request-rate", ticket.number), {"rate-rating": "5"})
    assert response.status_code == 400 and desk.reload(ticket).rating is None
    resolved = desk.drive(desk.submit(), Status.RESOLVED)
    response = owner_client.post(url("request-rate", resolved.number), {"rate-rating": "9"})
    assert response.status_code == 400 and "rating" in response.context["rate_form"].errors


def test_errors_come_in_the_owners_language(desk, login):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    desk.w.owner.language = "zh-hans"
    desk.w.owner.save()
    response = login(desk.w.owner).post(url("request-rate", ticket.number), {"rate-rating": "5"})
    assert response.status_code == 400
    assert 'lang="zh-hans"' in response.content.decode()


def test_actions_on_someone_elses_request_are_404_and_change_nothing(desk, login):
    ticket = desk.drive(desk.submit(), Status.RESOLVED)
    client = login(desk.w.neighbour)
    for name, data in [
        ("request-reply", {"reply-body": "hi"}), ("request-cancel", {}), ("request-close", {}),
        ("request-reopen", {"reopen-reason": "x"}), ("request-rate", {"rate-rating": "1"}),
    ]:
        assert client.post(url(name, ticket.number), data).status_code == 404
    ticket = desk.reload(ticket)
    assert ticket.status == Status.RESOLVED and ticket.rating is None


def test_staff_transition_then_owner_sees_it_in_the_timeline(desk, owner_client):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    ticket_transition(access=desk.access(desk.w.staff), ticket=ticket, to=Status.RESOLVED)
    html = owner_client.get(url("request-detail", ticket.number)).content.decode()
    assert "Resolved." in html and "Work started." in html
    assert "You can reopen it until Tue 17 Mar 10:00." in html
