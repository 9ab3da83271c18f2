"""Hotspots: assets, units and common areas with repeated tickets.

A location is a hotspot when it had at least N tickets in the D days ending with the period's
last day (N, D from :func:`tickets.services.hotspot_threshold`, 3 and 30 by default, the same
rule that marks new tickets recurring). The trend compares with the D days before.
"""

import datetime as dt

from django.db.models import Count, Max, Q

from portal.tenancy.models import Asset, Property, Unit
from tickets.services import hotspot_threshold

from .base import Selection

KINDS = (
    # kind, condition, grouping ids
    ("asset", Q(asset__isnull=False), ("asset_id", "property_id")),
    ("unit", Q(asset__isnull=True, unit__isnull=False), ("unit_id", "property_id")),
    ("common_area", Q(asset__isnull=True, unit__isnull=True), ("property_id",)),
)
LISTED = 50


def hotspots(selection: Selection) -> dict:
    minimum, days = hotspot_threshold()
    end = min(selection.period.end_at, selection.now)
    recent_from = end - dt.timedelta(days=days)
    previous_from = recent_from - dt.timedelta(days=days)
    window = selection.tickets().filter(created_at__gte=previous_from, created_at__lt=end)
    recent = Q(created_at__gte=recent_from)
    found = []
    # 1, 2, 3: one grouped query per kind of location, on ids only (an index-only scan of
    # ticket_created on PostgreSQL); the names of the few found come after.
    for kind, condition, keys in KINDS:
        rows = (
            window.filter(condition).values(*keys)
            .annotate(recent=Count("pk", filter=recent), previous=Count("pk", filter=~recent),
                      last=Max("created_at"))
            .filter(recent__gte=minimum).order_by("-recent", "-last")[:LISTED]
        )
        for row in rows:
            found.append({
                "kind": kind, "id": row.get(f"{kind}_id"), "property_id": row["property_id"],
                "recent": row["recent"], "previous": row["previous"],
                "trend": row["recent"] - row["previous"], "last": row["last"].isoformat(),
            })
    # 4, 5, 6: names
    def ids(kind):
        return sorted({row["id"] for row in found if row["kind"] == kind})

    properties = dict(Property.objects.filter(
        pk__in=sorted({row["property_id"] for row in found})).values_list("pk", "name"))
    assets = dict(Asset.objects.filter(pk__in=ids("asset")).values_list("pk", "name"))
    units = {pk: f"{building}-{number}" for pk, building, number in Unit.objects.filter(
        pk__in=ids("unit")).values_list("pk", "building__name", "number")}
    for row in found:
        row["property"] = properties.get(row["property_id"], "")
        row["name"] = {"asset": assets, "unit": units}.get(row["kind"], {}).get(row["id"], "")
    found.sort(key=lambda row: (-row["recent"], row["property"], row["name"]))
    return {
        "threshold": {"tickets": minimum, "days": days},
        "window": {"start": recent_from.isoformat(), "end": end.isoformat()},
        "hotspots": found,
    }
