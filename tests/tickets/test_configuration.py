"""Managers set up teams, categories, calendars and policies; nobody else, nothing foreign."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope

from tickets.models import SlaPolicy, TeamMember
from tickets.services import (
    calendar_exception_remove,
    calendar_exception_set,
    calendar_save,
    category_save,
    sla_policy_save,
    sla_process_due,
    team_save,
)

from .conftest import at, make_desk

TARGETS = {p: (60, 600) for p in ("urgent", "high", "normal", "low")}


def test_a_manager_builds_a_team_of_staff(desk):
    manager = desk.access(desk.w.manager)
    team = team_save(access=manager, name="维修", lead=desk.w.staff, members=[desk.w.staff])
    team = team_save(
        access=manager, team=team, name="维修", lead=desk.w.staff,
        members=[desk.w.staff_out, desk.w.manager],
    )
    assert set(TeamMember.objects.filter(team=team).values_list("user", flat=True)) == {
        desk.w.staff_out.pk, desk.w.manager.pk
    }
    with pytest.raises(ValidationError) as refused:
        team_save(access=manager, name="保安", members=[desk.w.owner])
    assert "members" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        team_save(access=manager, name="维修")
    assert refused.value.messages  # the name is taken
    with pytest.raises(PermissionDenied):
        team_save(access=desk.access(desk.w.staff), name="客服")


def test_categories_refuse_another_organisations_team(world, desk):
    with scope(organization=world.harbor.org):
        harbor = world.harbor
        foreign = team_save(access=make_desk(harbor).access(harbor.manager), name="Harbor")
    with pytest.raises(ValidationError) as refused:
        category_save(
            access=desk.access(desk.w.manager), name="Parking", kind="inquiry",
            default_team=foreign,
        )
    assert "default_team" in refused.value.message_dict
    parking = category_save(access=desk.access(desk.w.manager), name="停车", kind="inquiry")
    assert parking.kind == "inquiry"


def test_calendars_are_validated_and_their_exceptions_move_due_times(desk):
    manager = desk.access(desk.w.manager)
    for bad in (
        {"weekly_hours": {"mon": [["18:00", "09:00"]]}},
        {"weekly_hours": {}},
        {"time_zone": "Mars/Olympus"},
        {"country_code": "ZZ"},
    ):
        fields = {"name": "Bad", "time_zone": "Asia/Shanghai",
                  "weekly_hours": {"mon": [["09:00", "18:00"]]}, **bad}
        with pytest.raises(ValidationError) as refused:
            calendar_save(access=manager, **fields)
        assert set(refused.value.message_dict) & set(bad)

    policy = SlaPolicy.objects.get(organization=desk.w.org, is_default=True)
    calendar_exception_set(
        access=manager, calendar=policy.calendar, date=dt.date(2026, 3, 10),
        is_working_day=False, note="Staff training",
    )
    ticket = desk.submit()  # Tuesday 10:00, but Tuesday is now closed
    assert ticket.first_response_due_at == at(2026, 3, 11, 13)
    calendar_exception_remove(access=manager, calendar=policy.calendar, date=dt.date(2026, 3, 10))
    assert desk.submit().first_response_due_at == at(2026, 3, 10, 14)


def test_a_new_default_policy_replaces_the_old_one(desk, clock):
    manager = desk.access(desk.w.manager)
    old = SlaPolicy.objects.get(organization=desk.w.org, is_default=True)
    new = sla_policy_save(
        access=manager, name="Faster", calendar=old.calendar, targets=TARGETS,
        escalation_ladder=[{"percent": 50, "notify": "assignee"}], is_default=True,
    )
    assert list(SlaPolicy.objects.filter(is_default=True)) == [new]
    with pytest.raises(ValidationError) as refused:
        sla_policy_save(
            access=manager, name="Broken", calendar=old.calendar, targets=TARGETS,
            escalation_ladder=[{"percent": 50, "notify": "nobody"}],
        )
    assert "escalation_ladder" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        sla_policy_save(
            access=manager, name="Zero", calendar=old.calendar,
            targets={**TARGETS, "low": (0, 10)}, escalation_ladder=[],
        )
    assert "first_response_low_minutes" in refused.value.message_dict
    # A ladder without the 100 % level still records breaches.
    ticket = desk.submit()
    assert ticket.policy == new and ticket.next_sla_check_at == at(2026, 3, 10, 10, 30)
    clock.move_to(at(2026, 3, 10, 11, 1), tick=False)
    assert sla_process_due().breaches == 1
    assert desk.reload(ticket).first_response_breached_at == at(2026, 3, 10, 11)
