"""Dashboard template helpers: links to the queue behind a number, durations in hours, and the
headline counters of the staff home page."""

import datetime as dt

from django import template
from django.db.models import Avg, Count, Q
from django.utils import timezone

from portal.tenancy.access import get_access
from tickets.models import OPEN_STATUSES, FollowUp, Ticket

from ..tables import hours as _hours
from ..tables import queue_link as _queue_link

register = template.Library()


@register.simple_tag
def queue_link(selection, dated="created", **params):
    return _queue_link(selection, dated=dated, **params)


@register.filter
def hours(seconds):
    return _hours(seconds)


@register.inclusion_tag("dashboards/_home.html", takes_context=True)
def dashboard_headline(context):
    """Open tickets, breached open tickets, average rating in the last 30 days and open
    follow-ups, of the caller's reach (staff: their own tickets). Two queries."""
    request = context.get("request")
    organization = context.get("current_org")
    if request is None or organization is None:
        return {"show": False}
    access = get_access(request)
    if not access.is_staff:
        return {"show": False}
    tickets = Ticket.objects.filter(organization=organization, merged_into__isnull=True)
    if not access.sees_all_properties:
        tickets = tickets.filter(property_id__in=sorted(access.scoped_property_ids))
    if not access.is_manager:
        tickets = tickets.filter(assignee_id=access.membership.user_id)
    since = timezone.now() - dt.timedelta(days=30)
    open_ = Q(status__in=OPEN_STATUSES)
    counts = tickets.aggregate(
        open=Count("pk", filter=open_),
        breached=Count("pk", filter=open_ & (Q(first_response_breached_at__isnull=False)
                                             | Q(resolution_breached_at__isnull=False))),
        rating=Avg("rating", filter=Q(rated_at__gte=since)),
    )
    follow_ups = None
    if access.is_manager:
        follow_ups = FollowUp.objects.filter(
            organization=organization, status=FollowUp.Status.OPEN,
            ticket__in=tickets.values("pk"),
        ).count()
    return {
        "show": True, "current_org": organization, "counts": counts,
        "rating": None if counts["rating"] is None else round(float(counts["rating"]), 1),
        "follow_ups": follow_ups,
    }
