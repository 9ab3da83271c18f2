"""What a dashboard is about: the caller's tickets narrowed by the filters, and a range of
local days in the organisation's time zone."""

import datetime as dt
import importlib
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import connection
from django.db.models import Aggregate, F, FloatField, Func, Q

from portal.tenancy.access import Access
from portal.tenancy.models import Organization


@dataclass(frozen=True)
class Period:
    """Local days ``start`` … ``end`` (both included) in ``tz``; ``start_at`` and ``end_at``
    are the instants they begin and end (a half-open range, so 23:30 belongs to its day)."""

    start: dt.date
    end: dt.date
    tz: ZoneInfo

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=self.tz)

    @property
    def end_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=self.tz)

    def weeks(self) -> list[dt.date]:
        """The Mondays of the weeks the period touches."""
        monday = self.start - dt.timedelta(days=self.start.weekday())
        weeks = []
        while monday <= self.end:
            weeks.append(monday)
            monday += dt.timedelta(days=7)
        return weeks


@dataclass(frozen=True)
class Selection:
    """Which tickets a dashboard counts.

    ``property_ids`` is the caller's reach (None: every property of the organisation) already
    narrowed by the property filter; ``staff_id`` is forced to the caller for staff who are not
    managers (they see their own performance only).
    """

    access: Access
    period: Period
    property_ids: frozenset[int] | None = None
    building_id: int | None = None
    category_id: int | None = None
    team_id: int | None = None
    staff_id: int | None = None
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def organization(self) -> Organization:
        return self.access.organization

    def ticket_q(self, prefix: str = "") -> Q:
        """The filters as a Q over Ticket, or over a model reaching it through ``prefix``
        (``"ticket__"`` for follow-ups)."""
        q = Q(**{f"{prefix}organization_id": self.organization.pk})
        if self.property_ids is not None:
            q &= Q(**{f"{prefix}property_id__in": sorted(self.property_ids)})
        if self.building_id is not None:
            q &= Q(**{f"{prefix}unit__building_id": self.building_id})
        if self.category_id is not None:
            q &= Q(**{f"{prefix}category_id": self.category_id})
        if self.team_id is not None:
            q &= Q(**{f"{prefix}team_id": self.team_id})
        if self.staff_id is not None:
            q &= Q(**{f"{prefix}assignee_id": self.staff_id})
        return q

    def tickets(self):
        from tickets.models import Ticket

        return Ticket.objects.filter(self.ticket_q(), merged_into__isnull=True)

    def between(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.period.start_at,
                    f"{field_name}__lt": self.period.end_at})


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class Seconds(Func):
    """``end - start`` in seconds (PostgreSQL)."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "
    output_field = FloatField()

    def __init__(self, end: str, start: str):
        super().__init__(F(end), F(start))


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation between neighbours)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values: list[float], fraction: float) -> float | None:
    """percentile_cont in Python, for SQLite: the same numbers as PostgreSQL."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def share(part: int, whole: int) -> float | None:
    """Percent with one decimal, None when there is nothing to divide."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def optional_metric(module: str, function: str, **kwargs):
    """Another app's metric when it is installed and has it (``None`` otherwise): the
    dashboards must not break while notices, surveys or events are still being built."""
    if not apps.is_installed(module.rsplit(".", 1)[0]):
        return None
    try:
        provider = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return None
    return provider(**kwargs)
