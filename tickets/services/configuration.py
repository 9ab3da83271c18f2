"""What managers set up: teams, categories, business calendars and SLA policies.

Each function validates the row with ``full_clean()`` (field errors keyed by form field,
uniqueness included) and refuses people and rows of another organisation.
"""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.tenancy.access import Access
from portal.tenancy.models import Membership

from ..models import (
    BusinessCalendar,
    CalendarException,
    Category,
    Priority,
    SlaPolicy,
    Team,
    TeamMember,
)
from .sla_config import forget as forget_sla_config


def _require_manager(access: Access) -> None:
    if not access.is_manager:
        raise PermissionDenied


def _same_organization(access: Access, **objects) -> None:
    for field, obj in objects.items():
        if obj is not None and obj.organization_id != access.organization.pk:
            raise ValidationError({field: _("Select a valid choice.")})


def _staff_ids(access: Access, users) -> set[int]:
    wanted = {user.pk for user in users}
    found = set(
        Membership.objects.filter(
            organization=access.organization, user_id__in=wanted, is_active=True
        ).values_list("user_id", flat=True)
    )
    return wanted - found


@transaction.atomic
def team_save(
    *, access: Access, team: Team | None = None, name: str, lead=None, members: Iterable = (),
    is_active: bool = True,
) -> Team:
    """Create or update a team; its lead and members must be staff of the organisation."""
    _require_manager(access)
    members = list(members)
    if lead is not None and _staff_ids(access, [lead]):
        raise ValidationError({"lead": _("The team lead must be a staff member.")})
    if _staff_ids(access, members):
        raise ValidationError({"members": _("Every member must be a staff member.")})
    team = team or Team(organization=access.organization)
    _same_organization(access, team=team)
    team.name, team.lead, team.is_active = name.strip(), lead, is_active
    team.full_clean()
    team.save()
    TeamMember.objects.filter(team=team).exclude(user__in=members).delete()
    present = set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
    TeamMember.objects.bulk_create(
        TeamMember(organization=access.organization, team=team, user=user)
        for user in members if user.pk not in present
    )
    return team


@transaction.atomic
def category_save(
    *, access: Access, category: Category | None = None, name: str, kind: str,
    default_team: Team | None = None, is_active: bool = True, sort_order: int = 0,
) -> Category:
    _require_manager(access)
    _same_organization(access, default_team=default_team)
    category = category or Category(organization=access.organization)
    _same_organization(access, category=category)
    category.name, category.kind = name.strip(), kind
    category.default_team, category.is_active, category.sort_order = (
        default_team, is_active, sort_order
    )
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def calendar_save(
    *, access: Access, calendar: BusinessCalendar | None = None, name: str, time_zone: str,
    weekly_hours: Mapping, country_code: str | None = None, is_24x7: bool = False,
) -> BusinessCalendar:
    """Create or update a calendar. Tickets already running keep their due times until their
    next recomputation (a pause, a resume, a priority or category change)."""
    _require_manager(access)
    calendar = calendar or BusinessCalendar(organization=access.organization)
    _same_organization(access, calendar=calendar)
    calendar.name, calendar.time_zone = name.strip(), time_zone
    calendar.weekly_hours, calendar.is_24x7 = dict(weekly_hours), is_24x7
    calendar.country_code = (country_code or "").strip().upper() or None
    calendar.full_clean()
    calendar.save()
    return calendar


@transaction.atomic
def calendar_exception_set(
    *, access: Access, calendar: BusinessCalendar, date: dt.date, is_working_day: bool,
    hours: list | None = None, note: str = "",
) -> CalendarException:
    """Close a day, or open one (with its own hours or the standard ones)."""
    _require_manager(access)
    _same_organization(access, calendar=calendar)
    exception = CalendarException.objects.filter(calendar=calendar, date=date).first()
    exception = exception or CalendarException(
        organization=access.organization, calendar=calendar, date=date
    )
    exception.is_working_day = is_working_day
    exception.hours = (hours or None) if is_working_day else None
    exception.note = note.strip()
    exception.full_clean()
    exception.save()
    return exception


@transaction.atomic
def calendar_exception_remove(*, access: Access, calendar: BusinessCalendar, date: dt.date):
    _require_manager(access)
    _same_organization(access, calendar=calendar)
    CalendarException.objects.filter(calendar=calendar, date=date).delete()


@transaction.atomic
def sla_policy_save(
    *, access: Access, policy: SlaPolicy | None = None, name: str, calendar: BusinessCalendar,
    targets: Mapping[str, tuple[int, int]], escalation_ladder: list,
    category: Category | None = None, priority: str = "", is_default: bool = False,
    is_active: bool = True,
) -> SlaPolicy:
    """Create or update a policy. ``targets`` maps each priority to (first response,
    resolution) in business minutes. Making it the default takes that from the previous one.
    Running tickets keep the targets they were given."""
    _require_manager(access)
    _same_organization(access, calendar=calendar, category=category)
    missing = set(Priority.values) - set(targets)
    if missing:
        raise ValidationError({"targets": _("Give targets for every priority.")})
    policy = policy or SlaPolicy(organization=access.organization)
    _same_organization(access, policy=policy)
    policy.name, policy.calendar, policy.category = name.strip(), calendar, category
    policy.priority, policy.escalation_ladder = priority, escalation_ladder
    policy.is_default, policy.is_active = is_default, is_active or is_default
    for level, (first_response, resolution) in targets.items():
        setattr(policy, f"first_response_{level}_minutes", first_response)
        setattr(policy, f"resolution_{level}_minutes", resolution)
    if is_default:
        SlaPolicy.objects.filter(organization=access.organization, is_default=True).exclude(
            pk=policy.pk
        ).update(is_default=False)
        forget_sla_config([access.organization.pk])  # an update sends no signal
    policy.full_clean()
    policy.save()
    return policy
