"""Hand-built tickets with exact times, for metrics with exact expected numbers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scope

from portal.dashboards.metrics import Period, Selection
from portal.tenancy.access import compute_access
from tickets.models import Category, Ticket
from tickets.services import categories_ensure_defaults, sla_ensure_defaults
from tickets.services.numbers import ticket_number_next

SHANGHAI = ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)


def at(month, day, hour=0, minute=0, year=2026):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# "Now" for every metric test: 1 April 2026, 02:00 in Shanghai.
NOW = at(4, 1, 2)


class Builder:
    def __init__(self, w):
        self.w = w
        categories_ensure_defaults(organization=w.org)
        sla_ensure_defaults(organization=w.org)
        by_kind = {c.kind: c for c in Category.objects.filter(organization=w.org)}
        self.repair, self.complaint = by_kind["repair"], by_kind["complaint"]

    def ticket(self, created, *, responded=None, resolved=None, status=None, **fields):
        fields.setdefault("property", self.w.property)
        fields.setdefault("unit", self.w.unit)
        fields.setdefault("category", self.repair)
        if status is None:
            status = "resolved" if resolved else ("in_progress" if responded else "new")
        return Ticket.objects.create(
            organization=self.w.org, number=ticket_number_next(organization_id=self.w.org.pk),
            title=f"T{created:%m%d%H%M}",
            requester=self.w.owner, created_at=created, first_responded_at=responded,
            resolved_at=resolved, status=status, **fields,
        )

    def selection(self, user=None, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31),
                  **filters):
        access = compute_access(user or self.w.manager, self.w.org)
        return Selection(access=access, period=Period(start, end, SHANGHAI), now=NOW,
                         **filters)


@pytest.fixture
def build(world):
    with scope(organization=world.sunrise.org):
        yield Builder(world.sunrise)
