"""The events sections of the home pages: owners see their next registrations and what is
coming up; staff see today's events with a link to check-in. Constant queries each."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from .. import selectors
from ..models import Registration
from ..services.rules import actor_id

register = template.Library()
SHOWN = 3


@register.inclusion_tag("events/home/owner.html", takes_context=True)
def owner_events_section(context):
    access, org = context.get("access"), context.get("current_org")
    if access is None or org is None or not access.residencies:
        return {"show": False}
    now = timezone.now()
    mine = list(
        Registration.objects.filter(
            organization=org, user_id=actor_id(access), status__in=Registration.ACTIVE,
            event__ends_at__gt=now,
        ).select_related("event").order_by("event__starts_at")[:SHOWN]
    )
    taken = {r.event_id for r in mine}
    coming = [
        e for e in selectors.upcoming(access=access, now=now).filter(status="published")
        .exclude(pk__in=taken)[:SHOWN]
    ]
    return {"show": bool(mine or coming), "mine": mine, "coming": coming, "current_org": org,
            "zone": org.time_zone}


@register.inclusion_tag("events/home/staff.html", takes_context=True)
def staff_events_section(context):
    access, org = context.get("access"), context.get("current_org")
    if access is None or org is None or not access.is_staff:
        return {"show": False}
    zone = ZoneInfo(org.time_zone)
    today = timezone.localdate(timezone=zone)
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    events = list(
        selectors.with_counts(selectors.events_visible(access=access, staff_view=True))
        .filter(status="published", starts_at__lt=start + dt.timedelta(days=1),
                ends_at__gt=start)
        .order_by("starts_at")
    )
    return {"show": bool(events), "events": events, "current_org": org, "zone": org.time_zone}
