"""An organisation's SLA policies and laid-out calendars, remembered by each process
(:mod:`portal.generations`) until one of them changes.

Filing a ticket read the policies and the calendar with its exceptions, and every transition
read the ticket's policy, calendar and exceptions again: two or three queries each for
configuration that changes a few times a year (issue #9). A saved or deleted policy,
calendar or exception moves the organisation's generation (``tickets.signals``), as does
the one bulk update of policies (``configuration.sla_policy_save``).
"""

from dataclasses import dataclass, field

from portal import generations

from ..models import BusinessCalendar, Category, SlaPolicy
from ..sla import WorkCalendar

configs = generations.Memory(max_entries=1024, max_age=300.0)


def generation(organization_id: int) -> str:
    return f"tickets:gen:sla:{organization_id}"


def forget(organization_ids) -> None:
    generations.forget(generation(pk) for pk in organization_ids if pk is not None)


@dataclass
class SlaConfig:
    active: list[SlaPolicy] = field(default_factory=list)  # with their calendars
    calendar_of_policy: dict[int, int] = field(default_factory=dict)  # every policy
    calendars: dict[int, WorkCalendar] = field(default_factory=dict)


def _read(organization_id: int) -> SlaConfig:
    config = SlaConfig()
    for policy in SlaPolicy.objects.filter(organization_id=organization_id).select_related(
        "calendar"
    ):
        config.calendar_of_policy[policy.pk] = policy.calendar_id
        if policy.is_active:
            config.active.append(policy)
    for calendar in BusinessCalendar.objects.filter(
        organization_id=organization_id
    ).prefetch_related("exceptions"):
        config.calendars[calendar.pk] = calendar.work_calendar()
    return config


def sla_config(organization_id: int) -> SlaConfig:
    return configs.get(("sla", organization_id), (generation(organization_id),),
                       lambda: _read(organization_id))


def remembered_policy_for(
    *, organization_id: int, category: Category, priority: str
) -> SlaPolicy | None:
    """``timers.policy_for`` from the remembered policies."""
    candidates = [
        policy for policy in sla_config(organization_id).active
        if policy.category_id in (category.pk, None) and policy.priority in (priority, "")
    ]
    return max(
        candidates, key=lambda p: (p.category_id is not None, p.priority != "", p.is_default),
        default=None,
    )


def remembered_calendar(organization_id: int, policy_id: int | None) -> WorkCalendar | None:
    """The laid-out calendar of a ticket's policy."""
    if policy_id is None:
        return None
    config = sla_config(organization_id)
    calendar_id = config.calendar_of_policy.get(policy_id)
    if calendar_id is None:  # a policy newer than what is remembered
        forget([organization_id])
        config = sla_config(organization_id)
        calendar_id = config.calendar_of_policy.get(policy_id)
    return config.calendars.get(calendar_id)
