"""The periodic rebuild: for every organisation, the complete local days since its last build
plus a trailing window (tickets resolved, rated or breached late change the days they were
submitted on), plus older days touched since the last build (a ticket edited, reassigned,
merged or breached long after it was submitted). Today is never rolled up: the dashboards
read it live."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.tenancy.models import Organization
from tickets.models import Ticket

from ..models import RollupCoverage
from .build import rebuild

# Days re-read on every run: at least the reopen window (a reopen clears a resolution that
# the rollup counted on its day, and leaves no trace on that day to find it by).
TRAILING_DAYS = getattr(settings, "DASHBOARDS_ROLLUP_TRAILING_DAYS", 7)
CHANGED = ("updated_at", "first_responded_at", "first_response_breached_at",
           "resolution_breached_at", "resolved_at", "rated_at")


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@scopes_disabled()
def refresh(now: dt.datetime | None = None) -> int:
    """Rebuild what changed; returns the number of (organisation, day) rebuilt."""
    now = now or timezone.now()
    coverages = {c.organization_id: c for c in RollupCoverage.objects.all()}
    days, cover, fresh_from, zones = {}, {}, {}, {}
    for org, tz_name in Organization.objects.values_list("pk", "time_zone"):
        tz = zones[org] = ZoneInfo(tz_name)
        yesterday = now.astimezone(tz).date() - dt.timedelta(days=1)
        window = yesterday - dt.timedelta(days=TRAILING_DAYS - 1)
        found = coverages.get(org)
        if found is None or found.first_day is None or found.last_day is None:
            first, start = window, window
        else:
            # A gap (no run for a while) is filled from the last day built.
            first = found.first_day
            start = max(first, min(found.last_day + dt.timedelta(days=1), window))
        days[org] = set(_days(start, yesterday))
        cover[org] = (first, yesterday)
        fresh_from[org] = start
    built = [c.built_at for c in coverages.values() if c.built_at is not None]
    if built:
        since = min(built)
        changed = Q()
        for name in CHANGED:
            changed |= Q(**{f"{name}__gte": since})
        # One scan of the tickets changed since the oldest build; only their days older
        # than each organisation's window need adding.
        rows = (Ticket.objects.filter(changed, created_at__lt=now - dt.timedelta(
            days=TRAILING_DAYS - 1)).values_list(
            "organization_id", "created_at", "resolved_at", "rated_at").iterator())
        for org, *moments in rows:
            if org not in cover:
                continue
            first, _last = cover[org]
            for moment in moments:
                if moment is not None:
                    day = moment.astimezone(zones[org]).date()
                    if first <= day < fresh_from[org]:
                        days[org].add(day)
    return rebuild(days, coverage=cover)


@scopes_disabled()
def backfill(*, start: dt.date | None = None, end: dt.date | None = None,
             organizations=None, chunk_days: int = 31, progress=None) -> int:
    """Rebuild ``start`` … ``end`` (default: each organisation's first ticket day to
    yesterday) in chunks of days (one transaction each), then make it the coverage (merged
    with the coverage there was when they touch)."""
    now = timezone.now()
    orgs = Organization.objects.all()
    if organizations is not None:
        orgs = orgs.filter(pk__in=[o.pk for o in organizations])
    total = 0
    for org in orgs.order_by("pk"):
        tz = ZoneInfo(org.time_zone)
        yesterday = now.astimezone(tz).date() - dt.timedelta(days=1)
        last = min(end or yesterday, yesterday)
        first = start
        if first is None:
            oldest = (Ticket.objects.filter(organization=org).order_by("created_at")
                      .values_list("created_at", flat=True).first())
            first = oldest.astimezone(tz).date() if oldest else last
        if first > last:
            continue
        found = RollupCoverage.objects.filter(organization=org).first()
        new_first, new_last = first, last
        if found and found.first_day and found.last_day and not (
                found.last_day + dt.timedelta(days=1) < first
                or last + dt.timedelta(days=1) < found.first_day):
            new_first, new_last = min(first, found.first_day), max(last, found.last_day)
        all_days = _days(first, last)
        for offset in range(0, len(all_days), chunk_days):
            chunk = all_days[offset:offset + chunk_days]
            final = offset + chunk_days >= len(all_days)
            total += rebuild({org.pk: chunk},
                             coverage={org.pk: (new_first, new_last)} if final else None)
            if progress:
                progress(org, chunk[0], chunk[-1])
    return total
