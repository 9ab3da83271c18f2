"""Managers' ticket settings pages: create and edit through the configuration services, field
errors in place, nothing for staff or other organisations."""

import pytest
from django.urls import reverse

from tickets.models import (
    BusinessCalendar,
    CalendarException,
    CannedResponse,
    Category,
    FaqEntry,
    SlaPolicy,
    Team,
)


def url(w, name, *args):
    return reverse(f"tickets:{name}", args=[w.org.slug, *args])


PAGES = ["settings", "manage-teams", "manage-team-create", "manage-categories",
         "manage-category-create", "manage-policies", "manage-policy-create",
         "manage-calendars", "manage-calendar-create", "manage-faq", "manage-faq-create",
         "manage-canned", "manage-canned-create"]


@pytest.mark.parametrize("name", PAGES)
def test_managers_open_every_settings_page_and_staff_get_404(desk, login, name):
    assert login(desk.w.manager).get(url(desk.w, name)).status_code == 200
    assert login(desk.w.staff).get(url(desk.w, name)).status_code == 404


def test_a_team_is_created_with_its_lead_and_members(desk, login):
    response = login(desk.w.manager).post(url(desk.w, "manage-team-create"), {
        "name": "维修", "lead": desk.w.manager.pk, "members": [desk.w.staff.pk],
        "is_active": "on",
    })
    assert response.status_code == 302
    team = Team.objects.get(name="维修")
    assert team.lead == desk.w.manager and list(team.members.all()) == [desk.w.staff]


def test_a_duplicate_team_name_is_a_field_error(desk, login):
    Team.objects.create(organization=desk.w.org, name="客服")
    response = login(desk.w.manager).post(url(desk.w, "manage-team-create"), {"name": "客服"})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Team.objects.count() == 1


def test_an_owner_cannot_be_made_a_team_member(desk, login):
    response = login(desk.w.manager).post(
        url(desk.w, "manage-team-create"), {"name": "X", "members": [desk.w.owner.pk]}
    )
    assert "members" in response.context["form"].errors
    assert not Team.objects.filter(name="X").exists()


def test_a_category_is_edited_with_its_default_team(desk, login):
    team = Team.objects.create(organization=desk.w.org, name="保安")
    response = login(desk.w.manager).post(url(desk.w, "manage-category-edit", desk.repair.pk), {
        "name": "报修 Repair", "kind": "repair", "default_team": team.pk, "is_active": "on",
        "sort_order": "3",
    })
    assert response.status_code == 302
    category = Category.objects.get(pk=desk.repair.pk)
    assert (category.name, category.default_team, category.sort_order) == (
        "报修 Repair", team, 3
    )


def test_a_category_of_another_organisation_is_404(desk, login, world, unscoped):
    other = Category.objects.create(organization=world.harbor.org, name="Harbor thing")
    assert login(desk.w.manager).get(
        url(desk.w, "manage-category-edit", other.pk)
    ).status_code == 404


def _policy_data(calendar, **changes):
    data = {"name": "Lifts", "calendar": calendar.pk, "priority": "", "is_active": "on",
            "ladder_1_percent": "50", "ladder_1_notify": "assignee",
            "ladder_2_percent": "100", "ladder_2_notify": "manager"}
    for index, priority in enumerate(["urgent", "high", "normal", "low"], start=1):
        data[f"first_response_{priority}_minutes"] = str(15 * index)
        data[f"resolution_{priority}_minutes"] = str(240 * index)
    data.update(changes)
    return data


def test_an_sla_policy_is_created_with_targets_and_an_escalation_ladder(desk, login):
    calendar = BusinessCalendar.objects.filter(organization=desk.w.org).first()
    response = login(desk.w.manager).post(
        url(desk.w, "manage-policy-create"), _policy_data(calendar, category=desk.repair.pk)
    )
    assert response.status_code == 302
    policy = SlaPolicy.objects.get(name="Lifts")
    assert policy.targets("high") == (30, 480) and policy.category == desk.repair
    assert policy.escalation_ladder == [
        {"percent": 50, "notify": "assignee"}, {"percent": 100, "notify": "manager"}
    ]


def test_sla_policy_errors_are_shown_beside_their_fields(desk, login):
    calendar = BusinessCalendar.objects.filter(organization=desk.w.org).first()
    response = login(desk.w.manager).post(url(desk.w, "manage-policy-create"), _policy_data(
        calendar, first_response_low_minutes="0", ladder_2_notify="",
    ))
    errors = response.context["form"].errors
    assert "first_response_low_minutes" in errors and "ladder_2_percent" in errors
    assert not SlaPolicy.objects.filter(name="Lifts").exists()


def test_an_sla_policy_needs_an_escalation_level(desk, login):
    calendar = BusinessCalendar.objects.filter(organization=desk.w.org).first()
    response = login(desk.w.manager).post(url(desk.w, "manage-policy-create"), _policy_data(
        calendar, ladder_1_percent="", ladder_1_notify="", ladder_2_percent="",
        ladder_2_notify="",
    ))
    assert "ladder_1_percent" in response.context["form"].errors


def test_a_calendar_takes_opening_hours_as_text(desk, login):
    response = login(desk.w.manager).post(url(desk.w, "manage-calendar-create"), {
        "name": "Front desk", "time_zone": "Asia/Shanghai", "country_code": "cn",
        "hours_mon": "08:30-12:00, 13:00-17:30", "hours_sat": "9:00-12:00",
    })
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Front desk")
    assert calendar.weekly_hours == {
        "mon": [["08:30", "12:00"], ["13:00", "17:30"]], "sat": [["09:00", "12:00"]]
    }
    assert calendar.country_code == "CN"


@pytest.mark.parametrize(("field", "value"), [
    ("hours_mon", "morning"), ("hours_mon", "18:00-09:00"), ("country_code", "XX"),
])
def test_calendar_field_errors(desk, login, field, value):
    data = {"name": "Bad", "time_zone": "Asia/Shanghai", "hours_mon": "09:00-18:00"}
    data[field] = value
    response = login(desk.w.manager).post(url(desk.w, "manage-calendar-create"), data)
    assert field in response.context["form"].errors
    assert not BusinessCalendar.objects.filter(name="Bad").exists()


def test_a_calendar_without_hours_must_be_around_the_clock(desk, login):
    client = login(desk.w.manager)
    data = {"name": "Night", "time_zone": "Asia/Shanghai"}
    response = client.post(url(desk.w, "manage-calendar-create"), data)
    assert "hours_mon" in response.context["form"].errors
    response = client.post(url(desk.w, "manage-calendar-create"), {**data, "is_24x7": "on"})
    assert response.status_code == 302


def test_calendar_exceptions_are_added_and_removed(desk, login):
    calendar = BusinessCalendar.objects.filter(organization=desk.w.org).first()
    client = login(desk.w.manager)
    response = client.post(url(desk.w, "manage-calendar-exception-add", calendar.pk), {
        "date": "2026-05-20", "is_working_day": "on", "hours": "10:00-14:00", "note": "Fair",
    })
    assert response.status_code == 302
    exception = CalendarException.objects.get(calendar=calendar)
    assert exception.hours == [["10:00", "14:00"]] and exception.is_working_day
    assert "Fair" in client.get(url(desk.w, "manage-calendar-edit", calendar.pk)).content.decode()
    client.post(url(desk.w, "manage-calendar-exception-remove", calendar.pk),
                {"date": "2026-05-20"})
    assert not CalendarException.objects.exists()


def test_a_bad_exception_shows_its_error(desk, login):
    calendar = BusinessCalendar.objects.filter(organization=desk.w.org).first()
    response = login(desk.w.manager).post(
        url(desk.w, "manage-calendar-exception-add", calendar.pk), {"date": "soon"}
    )
    assert response.status_code == 400
    assert "date" in response.context["exception_form"].errors


def test_faq_entries_are_created_edited_and_deleted(desk, login):
    client = login(desk.w.manager)
    client.post(url(desk.w, "manage-faq-create"), {
        "question": "How do I pay the fee?", "answer": "At the desk.", "is_published": "on",
        "sort_order": "0", "category": desk.repair.pk,
    })
    entry = FaqEntry.objects.get()
    response = client.post(url(desk.w, "manage-faq-edit", entry.pk), {
        "question": "How do I pay?", "answer": "Online.", "sort_order": "1",
    })
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.question, entry.is_published, entry.category) == ("How do I pay?", False, None)
    client.post(url(desk.w, "manage-faq-delete", entry.pk))
    assert not FaqEntry.objects.exists()


def test_a_faq_entry_without_an_answer_is_a_field_error(desk, login):
    response = login(desk.w.manager).post(
        url(desk.w, "manage-faq-create"), {"question": "Q?", "answer": "", "sort_order": "0"}
    )
    assert "answer" in response.context["form"].errors


def test_canned_responses_refuse_unknown_placeholders(desk, login):
    client = login(desk.w.manager)
    response = client.post(url(desk.w, "manage-canned-create"), {
        "title": "Hi", "body": "Dear {owner}", "is_active": "on",
    })
    assert "body" in response.context["form"].errors
    response = client.post(url(desk.w, "manage-canned-create"), {
        "title": "Hi", "body": "Dear {owner_name}", "is_active": "on",
    })
    assert response.status_code == 302
    canned = CannedResponse.objects.get()
    client.post(url(desk.w, "manage-canned-delete", canned.pk))
    assert not CannedResponse.objects.exists()


def test_staff_cannot_post_to_the_settings(desk, login):
    response = login(desk.w.staff).post(url(desk.w, "manage-team-create"), {"name": "Sneaky"})
    assert response.status_code == 404
    assert not Team.objects.filter(name="Sneaky").exists()
