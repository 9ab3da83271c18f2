"""Event figures for the managers' dashboards (portal.dashboards composes them)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django_scopes import scope

from .models import Event, Registration

S = Registration.Status


def event_engagement(
    *, organization, property_ids: list[int] | None, start: dt.date, end: dt.date
) -> dict:
    """Events held (published, starting from ``start`` to ``end`` inclusive, in the
    organisation's time zone), confirmed registrations, people they bring, and people who
    came. ``property_ids`` None means the whole organisation; otherwise those properties'
    events and the organisation-wide ones. Two queries."""
    zone = ZoneInfo(organization.time_zone)
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    where = Q(organization=organization, status=Event.Status.PUBLISHED,
              starts_at__gte=since, starts_at__lt=until)
    if property_ids is not None:
        where &= Q(property__isnull=True) | Q(property_id__in=property_ids)
    with scope(organization=organization):
        events = Event.objects.filter(where).count()
        figures = Registration.objects.filter(
            organization=organization, status=S.CONFIRMED,
            event__in=Event.objects.filter(where),
        ).aggregate(
            confirmed=Count("pk"), people=Sum("party_size", default=0),
            attended=Sum("party_size", filter=Q(checked_in_at__isnull=False), default=0),
        )
    return {
        "events": events,
        "registrations": {"confirmed": figures["confirmed"], "people": figures["people"]},
        "attended": figures["attended"],
    }
