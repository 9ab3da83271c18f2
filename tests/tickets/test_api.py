"""The tickets REST API under /api/v1/orgs/<slug>/: what owners, staff and outsiders get, bad
input, the accept race, throttling and query budgets."""

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django_scopes import scope, scopes_disabled
from PIL import Image
from rest_framework.authtoken.models import Token

from tickets.models import (
    Attachment,
    CannedResponse,
    Category,
    FaqEntry,
    Status,
    Team,
    TeamMember,
    Ticket,
    TimelineEntry,
)

from .conftest import make_desk

API = "/api/v1/orgs/sunrise"


@pytest.fixture
def api():
    """``api(user)``: a client that authenticates with the user's API token, in English."""

    def _client(user, **headers) -> Client:
        token, _created = Token.objects.get_or_create(user=user)
        return Client(headers={"Authorization": f"Token {token.key}", **headers})

    return _client


@pytest.fixture(autouse=True)
def _english_callers(world):
    with scopes_disabled():
        for org_world in (world.sunrise, world.harbor):
            for role in ("admin", "manager", "staff", "staff_out", "owner", "household",
                         "neighbour", "far_owner"):
                user = getattr(org_world, role)
                user.language = "en"
                user.save(update_fields=["language"])


def numbers(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [ticket["number"] for ticket in response.json()["results"]]


def url(number, action=""):
    return f"{API}/tickets/{number}/" + (f"{action}/" if action else "")


# --- Listing ------------------------------------------------------------------------------


def test_owners_list_their_units_tickets_and_staff_their_propertys(desk, api):
    w = desk.w
    mine = desk.submit()
    household = desk.submit(user=w.household, title="Door bell")
    neighbours = desk.submit(user=w.neighbour, unit=w.neighbour_unit, title="Neighbour's tap")
    far = desk.submit(user=w.far_owner, unit=w.far_unit, title="Far away")
    assert numbers(api(w.owner).get(f"{API}/tickets/")) == [household.number, mine.number]
    assert numbers(api(w.neighbour).get(f"{API}/tickets/")) == [neighbours.number]
    assert numbers(api(w.staff).get(f"{API}/tickets/")) == [
        neighbours.number, household.number, mine.number
    ]
    assert numbers(api(w.staff_out).get(f"{API}/tickets/")) == [far.number]
    assert len(numbers(api(w.manager).get(f"{API}/tickets/"))) == 4


def test_outsiders_get_404_and_anonymous_callers_are_refused(desk, api, world):
    desk.submit()
    assert api(world.harbor.admin).get(f"{API}/tickets/").status_code == 404
    assert api(world.sunrise.unverified).get(f"{API}/tickets/").status_code == 404
    assert Client().get(f"{API}/tickets/").status_code in (401, 403)


def test_a_ticket_shows_what_a_mobile_app_needs(desk, api):
    ticket = desk.submit(priority="high")
    body = api(desk.w.owner).get(url(ticket.number)).json()
    assert body["number"] == ticket.number and body["status"] == "new"
    assert body["priority"] == "high" and body["priority_label"] == "High"
    assert body["category"] == {"id": desk.repair.pk, "name": "报修", "kind": "repair"}
    assert body["unit"] == {"id": desk.w.unit.pk, "number": "101", "building": "1"}
    assert body["requester"] == {"id": desk.w.owner.pk, "full_name": desk.w.owner.full_name}
    assert body["first_response_due_at"] is not None and body["assignee"] is None


def test_staff_filter_the_queue_like_the_page(desk, api):
    w = desk.w
    first = desk.submit(title="Leaking pipe")
    second = desk.drive(desk.submit(title="Broken lamp"), Status.ACCEPTED)  # assigned to staff
    third = desk.submit(priority="urgent", title="Lift stuck")
    staff = api(w.staff)
    assert numbers(staff.get(f"{API}/tickets/", {"view": "mine"})) == [second.number]
    assert numbers(staff.get(f"{API}/tickets/", {"view": "unassigned"})) == [
        third.number, first.number
    ]
    assert numbers(staff.get(f"{API}/tickets/", {"priority": "urgent"})) == [third.number]
    assert numbers(staff.get(f"{API}/tickets/", {"status": "new"})) == [
        third.number, first.number
    ]
    assert numbers(staff.get(f"{API}/tickets/", {"q": "lamp"})) == [second.number]
    assert numbers(staff.get(f"{API}/tickets/", {"q": f"#{first.number}"})) == [first.number]
    # Outside the caller's choices (scope, organisation): a field error, not an empty list.
    response = staff.get(f"{API}/tickets/", {"property": w.other_property.pk})
    assert response.status_code == 400 and "property" in response.json()
    assert staff.get(f"{API}/tickets/", {"view": "everything"}).status_code == 400


def test_the_list_is_cursor_paginated_newest_first(desk, api):
    made = [desk.submit(title=f"Ticket {index}").number for index in range(5)]
    client = api(desk.w.staff)
    page = client.get(f"{API}/tickets/", {"page_size": 2}).json()
    assert [t["number"] for t in page["results"]] == made[:-3:-1]
    seen = [t["number"] for t in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [t["number"] for t in page["results"]]
    assert seen == made[::-1]


@pytest.mark.parametrize("role", ["owner", "manager"])
def test_the_list_costs_the_same_queries_for_more_tickets(
    desk, api, django_assert_max_num_queries, role
):
    client = api(getattr(desk.w, role))
    desk.submit()
    # token, organisation, membership (+ properties), residencies, tickets with relations
    with django_assert_max_num_queries(7) as few:
        assert client.get(f"{API}/tickets/").status_code == 200
    budget = len(few.captured_queries)  # read now: every request resets the query log
    for index in range(8):
        desk.drive(desk.submit(title=f"More {index}"), Status.IN_PROGRESS)
    with django_assert_max_num_queries(budget):
        assert len(client.get(f"{API}/tickets/").json()["results"]) == 9


# --- Creating -----------------------------------------------------------------------------


def test_an_owner_submits_a_request_for_their_unit(desk, api):
    response = api(desk.w.owner).post(f"{API}/tickets/", {
        "category": desk.repair.pk, "title": "Kitchen tap drips", "unit": desk.w.unit.pk,
        "description": "Since yesterday.", "preferred_visit_time": "weekday evenings",
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert (ticket.requester, ticket.channel, ticket.status) == (desk.w.owner, "web", "new")
    assert ticket.timeline.filter(kind="created").exists()


def test_an_owner_reports_a_common_area_asset(desk, api):
    response = api(desk.w.owner).post(f"{API}/tickets/", {
        "category": desk.repair.pk, "title": "Lift stops between floors",
        "asset": desk.w.asset.pk,
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["asset"]["id"] == desk.w.asset.pk
    assert response.json()["property"]["id"] == desk.w.property.pk


def test_a_unit_that_is_not_yours_is_refused_by_field(desk, api):
    response = api(desk.w.owner).post(f"{API}/tickets/", {
        "category": desk.repair.pk, "title": "Not mine", "unit": desk.w.neighbour_unit.pk,
    }, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["unit"]
    assert not Ticket.objects.exists()


def test_a_category_of_another_organisation_is_refused(desk, api, world):
    with scopes_disabled():
        harbor_desk = make_desk(world.harbor)
    response = api(desk.w.owner).post(f"{API}/tickets/", {
        "category": harbor_desk.repair.pk, "title": "Wrong category", "unit": desk.w.unit.pk,
    }, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["category"][0].startswith("Invalid pk")
    with scopes_disabled():
        assert not Ticket.objects.exists()


def test_a_missing_title_is_told_in_the_callers_language(desk, api):
    desk.w.owner.language = "zh-hans"
    desk.w.owner.save(update_fields=["language"])
    response = api(desk.w.owner).post(
        f"{API}/tickets/", {"category": desk.repair.pk, "unit": desk.w.unit.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["title"] == ["该字段是必填项。"]


def test_staff_file_a_request_for_an_owner_who_phoned(desk, api):
    response = api(desk.w.staff).post(f"{API}/tickets/", {
        "category": desk.repair.pk, "title": "Called about the boiler", "unit": desk.w.unit.pk,
        "requester": desk.w.owner.pk, "channel": "phone",
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["channel"] == "phone" and body["filed_by"]["id"] == desk.w.staff.pk
    assert body["requester"]["id"] == desk.w.owner.pk
    assert numbers(api(desk.w.owner).get(f"{API}/tickets/")) == [body["number"]]


def test_staff_filing_must_name_an_owner_in_their_scope_and_a_channel(desk, api):
    staff = api(desk.w.staff)
    base = {"category": desk.repair.pk, "title": "Phoned in", "unit": desk.w.unit.pk}
    response = staff.post(f"{API}/tickets/", base, content_type="application/json")
    assert response.status_code == 400 and "requester" in response.json()
    response = staff.post(f"{API}/tickets/", {**base, "requester": desk.w.owner.pk},
                          content_type="application/json")
    assert response.status_code == 400 and "channel" in response.json()
    response = staff.post(f"{API}/tickets/", {**base, "requester": desk.w.far_owner.pk,
                                              "channel": "phone"},
                          content_type="application/json")
    assert response.status_code == 400 and "requester" in response.json()
    response = staff.post(f"{API}/tickets/", {**base, "requester": desk.w.owner.pk,
                                              "channel": "web"},
                          content_type="application/json")
    assert response.status_code == 400 and "channel" in response.json()
    assert not Ticket.objects.exists()


# --- Reading and changing one ticket ------------------------------------------------------


def test_a_ticket_is_404_for_everyone_beyond_its_reach(desk, api, world):
    number = desk.submit().number
    for user in (desk.w.owner, desk.w.household, desk.w.staff, desk.w.manager, desk.w.admin):
        assert api(user).get(url(number)).status_code == 200
    for user in (desk.w.neighbour, desk.w.far_owner, desk.w.staff_out, world.harbor.admin,
                 world.harbor.owner):
        for action in ("", "comments", "attachments"):
            assert api(user).get(url(number, action)).status_code == 404
    assert api(desk.w.staff).get(url(999)).status_code == 404


def test_staff_change_priority_and_assignee_in_one_patch(desk, api):
    ticket = desk.submit()
    response = api(desk.w.manager).patch(
        url(ticket.number), {"priority": "urgent", "assignee": desk.w.staff.pk,
                             "reason": "Water everywhere"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["priority"] == "urgent"
    assert response.json()["assignee"]["id"] == desk.w.staff.pk
    ticket = desk.reload(ticket)
    assert ticket.policy.calendar.is_24x7  # the SLA was recomputed with the urgent policy
    kinds = list(ticket.timeline.values_list("kind", flat=True))
    assert kinds == ["created", "priority", "assignment"]


def test_a_patch_is_all_or_nothing(desk, api):
    ticket = desk.submit()
    response = api(desk.w.manager).patch(
        url(ticket.number), {"priority": "urgent", "assignee": desk.w.staff_out.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "assignee" in response.json()
    assert desk.reload(ticket).priority == "normal"
    assert list(ticket.timeline.values_list("kind", flat=True)) == ["created"]


def test_owners_cannot_patch_and_staff_cannot_move_to_another_orgs_category(desk, api, world):
    ticket = desk.submit()
    response = api(desk.w.owner).patch(url(ticket.number), {"priority": "urgent"},
                                       content_type="application/json")
    assert response.status_code == 404
    with scopes_disabled():
        harbor_category = make_desk(world.harbor).complaint
    response = api(desk.w.staff).patch(url(ticket.number), {"category": harbor_category.pk},
                                       content_type="application/json")
    assert response.status_code == 400 and "category" in response.json()
    response = api(desk.w.staff).patch(url(ticket.number), {"category": desk.complaint.pk},
                                       content_type="application/json")
    assert response.status_code == 200 and response.json()["category"]["kind"] == "complaint"


# --- Comments -----------------------------------------------------------------------------


def test_owners_see_replies_and_staff_see_internal_notes_too(desk, api):
    ticket = desk.submit()
    owner, staff = api(desk.w.owner), api(desk.w.staff)
    response = staff.post(url(ticket.number, "comments"),
                          {"body": "We will come at 3 pm."}, content_type="application/json")
    assert response.status_code == 201 and response.json()["internal"] is False
    response = staff.post(url(ticket.number, "comments"),
                          {"body": "Bring the big wrench", "internal": True},
                          content_type="application/json")
    assert response.status_code == 201 and response.json()["internal"] is True
    response = owner.post(url(ticket.number, "comments"), {"body": "Thank you"},
                          content_type="application/json")
    assert response.status_code == 201
    assert desk.reload(ticket).first_responded_at is not None
    bodies = [c["body"] for c in owner.get(url(ticket.number, "comments")).json()["results"]]
    assert bodies == ["We will come at 3 pm.", "Thank you"]
    bodies = [c["body"] for c in staff.get(url(ticket.number, "comments")).json()["results"]]
    assert bodies == ["We will come at 3 pm.", "Bring the big wrench", "Thank you"]


def test_an_owner_cannot_write_an_internal_note_or_an_empty_reply(desk, api):
    ticket = desk.submit()
    owner = api(desk.w.owner)
    response = owner.post(url(ticket.number, "comments"), {"body": "psst", "internal": True},
                          content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Only staff can add internal notes."]}
    response = owner.post(url(ticket.number, "comments"), {"body": "   "},
                          content_type="application/json")
    assert response.status_code == 400 and "body" in response.json()
    assert not ticket.timeline.exclude(kind="created").exists()


def test_the_comment_list_costs_the_same_queries_for_more_comments(
    desk, api, django_assert_max_num_queries
):
    ticket = desk.submit()
    client = api(desk.w.staff)
    client.post(url(ticket.number, "comments"), {"body": "one"}, content_type="application/json")
    with django_assert_max_num_queries(8) as few:
        client.get(url(ticket.number, "comments"))
    budget = len(few.captured_queries)  # read now: every request resets the query log
    for index in range(6):
        client.post(url(ticket.number, "comments"), {"body": f"more {index}"},
                    content_type="application/json")
    with django_assert_max_num_queries(budget):
        assert len(client.get(url(ticket.number, "comments")).json()["results"]) == 7


# --- Attachments --------------------------------------------------------------------------


def _attachment(ticket, user, *, public=True, name="tap.jpg"):
    return Attachment.objects.create(
        organization=ticket.organization, ticket=ticket, uploaded_by=user, is_public=public,
        storage_key=f"key-{name}", extension=".jpg", file=f"tickets/x/{name}",
        original_name=name, content_type="image/jpeg", size=1234, width=10, height=10,
    )


def test_owners_list_the_public_attachments_and_staff_all_of_them(desk, api):
    ticket = desk.submit()
    _attachment(ticket, desk.w.owner, name="tap.jpg")
    _attachment(ticket, desk.w.staff, public=False, name="invoice.jpg")
    owner = api(desk.w.owner).get(url(ticket.number, "attachments")).json()["results"]
    staff = api(desk.w.staff).get(url(ticket.number, "attachments")).json()["results"]
    assert [a["original_name"] for a in owner] == ["tap.jpg"]
    assert [a["original_name"] for a in staff] == ["tap.jpg", "invoice.jpg"]
    assert owner[0]["uploaded_by"]["id"] == desk.w.owner.pk


def _png(name="tap.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_an_owner_uploads_photos_and_a_file_that_is_no_image_is_refused(
    desk, api, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ticket = desk.submit()
    client = api(desk.w.owner)
    response = client.post(url(ticket.number, "attachments"),
                           {"photos": [_png("tap.png"), _png("sink.png")]})
    assert response.status_code == 201, response.content
    added = response.json()
    assert [a["original_name"] for a in added] == ["tap.png", "sink.png"]
    assert added[0]["width"] == 40 and added[0]["is_public"] is True
    assert added[0]["url"].startswith("/o/sunrise/")
    fake = SimpleUploadedFile("evil.png", b"<html><script>alert(1)</script>",
                              content_type="image/png")
    response = client.post(url(ticket.number, "attachments"), {"photos": [_png(), fake]})
    assert response.status_code == 400 and "photos" in response.json()
    response = client.post(url(ticket.number, "attachments"),
                           {"photos": [_png()], "internal": "true"})
    assert response.status_code == 400
    assert Attachment.objects.filter(ticket=ticket).count() == 2
    assert api(desk.w.neighbour).post(
        url(ticket.number, "attachments"), {"photos": [_png()]}
    ).status_code == 404


# --- Transitions, assignment, rating ------------------------------------------------------


def test_staff_accept_and_owners_cancel_through_the_api(desk, api):
    first, second = desk.submit(), desk.submit()
    response = api(desk.w.staff).post(url(first.number, "transition"), {"to": "accepted"},
                                      content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert response.json()["assignee"]["id"] == desk.w.staff.pk
    response = api(desk.w.household).post(url(second.number, "transition"),
                                          {"to": "cancelled"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_an_illegal_transition_is_a_400_with_a_clear_message(desk, api):
    ticket = desk.submit()
    response = api(desk.w.staff).post(url(ticket.number, "transition"), {"to": "resolved"},
                                      content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["A ticket that is “Submitted” cannot become “Resolved”."]
    }
    response = api(desk.w.owner).post(url(ticket.number, "transition"), {"to": "accepted"},
                                      content_type="application/json")
    assert response.status_code == 400
    response = api(desk.w.staff).post(url(ticket.number, "transition"), {"to": "flying"},
                                      content_type="application/json")
    assert response.status_code == 400 and "to" in response.json()
    assert desk.reload(ticket).status == "new"


def test_waiting_on_the_owner_needs_a_reason(desk, api):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    client = api(desk.w.staff)
    response = client.post(url(ticket.number, "transition"), {"to": "waiting_on_owner"},
                           content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(url(ticket.number, "transition"),
                           {"to": "waiting_on_owner", "reason": "Which tap is it?"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["paused_at"] is not None


def test_a_second_accept_is_a_409_naming_who_took_it(desk, api):
    ticket = desk.submit()
    api(desk.w.staff).post(url(ticket.number, "transition"), {"to": "accepted"},
                           content_type="application/json")
    response = api(desk.w.manager).post(url(ticket.number, "transition"), {"to": "accepted"},
                                        content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_accepted"
    assert desk.w.staff.full_name in response.json()["detail"]


def test_staff_assign_to_a_team_or_a_person_in_scope(desk, api):
    ticket = desk.submit()
    team = Team.objects.create(organization=desk.w.org, name="维修组 Repair")
    client = api(desk.w.manager)
    response = client.post(url(ticket.number, "assign"), {"team": team.pk},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["team"]["id"] == team.pk
    response = client.post(url(ticket.number, "assign"), {"assignee": desk.w.staff_out.pk},
                           content_type="application/json")
    assert response.status_code == 400 and "assignee" in response.json()
    response = client.post(url(ticket.number, "assign"), {"assignee": desk.w.owner.pk},
                           content_type="application/json")
    assert response.status_code == 400 and "assignee" in response.json()
    response = client.post(url(ticket.number, "assign"), {}, content_type="application/json")
    assert response.status_code == 400 and "assignee" in response.json()
    assert api(desk.w.owner).post(url(ticket.number, "assign"), {"team": team.pk},
                                  content_type="application/json").status_code == 404


def test_rating_waits_for_the_resolution_and_happens_once(desk, api):
    ticket = desk.submit()
    owner = api(desk.w.owner)
    response = owner.post(url(ticket.number, "rate"), {"rating": 5},
                          content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["You can rate a ticket once it has been resolved."]
    }
    desk.drive(ticket, Status.RESOLVED)
    response = owner.post(url(ticket.number, "rate"), {"rating": 6},
                          content_type="application/json")
    assert response.status_code == 400 and "rating" in response.json()
    response = api(desk.w.staff).post(url(ticket.number, "rate"), {"rating": 5},
                                      content_type="application/json")
    assert response.status_code == 400
    response = owner.post(url(ticket.number, "rate"), {"rating": 4, "comment": "Quick, tidy"},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["rating"] == 4
    assert desk.reload(ticket).rating_comment == "Quick, tidy"
    response = owner.post(url(ticket.number, "rate"), {"rating": 1},
                          content_type="application/json")
    assert response.status_code == 400 and desk.reload(ticket).rating == 4


def test_writes_are_throttled_but_reads_are_not(desk, api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "tickets-write": "2/min"
        },
    }
    ticket = desk.submit()
    client = api(desk.w.owner)
    for _attempt in range(2):
        response = client.post(url(ticket.number, "comments"), {"body": "Any news?"},
                               content_type="application/json")
        assert response.status_code == 201
    response = client.post(url(ticket.number, "comments"), {"body": "Hello?"},
                           content_type="application/json")
    assert response.status_code == 429
    for _attempt in range(3):
        assert client.get(url(ticket.number, "comments")).status_code == 200


# --- Reference lists ----------------------------------------------------------------------


def test_categories_and_faq_for_everyone_in_the_organisation(desk, api, world):
    Category.objects.filter(pk=desk.complaint.pk).update(is_active=False)
    FaqEntry.objects.create(organization=desk.w.org, question="停水怎么办？",
                            answer="请查看公告栏的停水通知。", keywords="停水 水压 water")
    FaqEntry.objects.create(organization=desk.w.org, question="门禁卡补办",
                            answer="带身份证到物业服务中心办理。", keywords="门禁 card")
    FaqEntry.objects.create(organization=desk.w.org, question="Draft", answer="-",
                            is_published=False)
    owner = api(desk.w.owner)
    kinds = [c["kind"] for c in owner.get(f"{API}/categories/").json()]
    assert kinds == ["repair", "inquiry", "suggestion", "praise"]
    questions = [e["question"] for e in owner.get(f"{API}/faq/").json()]
    assert set(questions) == {"门禁卡补办", "停水怎么办？"}
    assert [e["question"] for e in owner.get(f"{API}/faq/", {"q": "water"}).json()] == [
        "停水怎么办？"
    ]
    assert api(world.harbor.owner).get(f"{API}/categories/").status_code == 404
    assert api(world.harbor.owner).get(f"{API}/faq/").status_code == 404


def test_canned_responses_and_teams_are_for_staff(desk, api):
    CannedResponse.objects.create(organization=desk.w.org, title="Visit",
                                  body="您好 {owner_name}，师傅将于今天下午上门。")
    team = Team.objects.create(organization=desk.w.org, name="维修组 Repair", lead=desk.w.staff)
    TeamMember.objects.create(organization=desk.w.org, team=team, user=desk.w.staff)
    staff = api(desk.w.staff)
    assert [c["title"] for c in staff.get(f"{API}/canned-responses/").json()] == ["Visit"]
    teams = staff.get(f"{API}/teams/").json()
    assert teams == [{
        "id": team.pk, "name": "维修组 Repair",
        "lead": {"id": desk.w.staff.pk, "full_name": desk.w.staff.full_name},
        "members": [{"id": desk.w.staff.pk, "full_name": desk.w.staff.full_name}],
    }]
    for path in ("canned-responses", "teams"):
        assert api(desk.w.owner).get(f"{API}/{path}/").status_code == 404


# --- The accept race on PostgreSQL --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_through_the_api_at_once_get_200_and_409(world, clock):
    if connection.vendor != "postgresql":
        pytest.skip("races need a database with concurrent writers (PostgreSQL)")
    with scope(organization=world.sunrise.org):
        desk = make_desk(world.sunrise)
        ticket = desk.submit()
        tokens = [Token.objects.create(user=user).key
                  for user in (world.sunrise.staff, world.sunrise.manager)]
    barrier = threading.Barrier(2)
    statuses = [None, None]

    def accept(index):
        try:
            client = Client(headers={"Authorization": f"Token {tokens[index]}"})
            barrier.wait(timeout=10)
            statuses[index] = client.post(
                url(ticket.number, "transition"), {"to": "accepted"},
                content_type="application/json",
            ).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 409]
    with scopes_disabled():
        assert Ticket.objects.get(pk=ticket.pk).status == Status.ACCEPTED
        accepted = TimelineEntry.objects.filter(ticket=ticket, to_status=Status.ACCEPTED)
        assert accepted.count() == 1
