"""Repeat problems (the dashboards' hotspots): a ticket about an asset, or without one about a
unit or a property's common area, that already had tickets lately is marked recurring.

The threshold is a pair of settings with the issue's example as defaults:
``TICKETS_HOTSPOT_TICKETS`` (3) tickets within ``TICKETS_HOTSPOT_DAYS`` (30) days, counting the
new one. An organisation-level setting can replace them later; the dashboards read the same.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q, Subquery
from django.db.models.lookups import GreaterThanOrEqual

from ..models import Ticket


def hotspot_threshold() -> tuple[int, int]:
    """(tickets, days)."""
    return (
        getattr(settings, "TICKETS_HOTSPOT_TICKETS", 3),
        getattr(settings, "TICKETS_HOTSPOT_DAYS", 30),
    )


def same_location(ticket: Ticket) -> Q:
    """Tickets about the same thing: the asset; else the unit; else the common area."""
    if ticket.asset_id is not None:
        return Q(asset_id=ticket.asset_id)
    if ticket.unit_id is not None:
        return Q(unit_id=ticket.unit_id, asset__isnull=True)
    return Q(property_id=ticket.property_id, unit__isnull=True, asset__isnull=True)


def mark_recurring(ticket: Ticket, *, now: dt.datetime) -> bool:
    """Mark ``ticket`` and the earlier ones at its location recurring when there are enough.

    One UPDATE whose condition counts the location's recent tickets in a subquery: both read
    the (organization, asset|unit|property, created_at) indexes, and nothing is written unless
    the threshold is reached."""
    tickets, days = hotspot_threshold()
    recent = Ticket.objects.filter(
        same_location(ticket), organization_id=ticket.organization_id,
        created_at__gte=now - dt.timedelta(days=days), merged_into__isnull=True,
    )
    count = recent.order_by().values("organization_id").annotate(n=Count("pk")).values("n")
    changed = recent.filter(is_recurring=False).filter(
        GreaterThanOrEqual(Subquery(count), tickets)
    ).update(is_recurring=True)
    if changed:
        ticket.is_recurring = True
    return bool(changed)
