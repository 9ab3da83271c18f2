"""The daily rollups: rollup + today's live rows give the numbers of the live path (counts
exactly, percentiles within the histogram's precision), whatever the filters; the rebuild is
idempotent and picks up late changes; the query count does not depend on the rollups."""

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.dashboards.metrics import satisfaction, sla
from portal.dashboards.models import RollupCoverage, TicketDayDurations, TicketDayStats
from portal.dashboards.rollup import buckets
from portal.dashboards.rollup.refresh import TRAILING_DAYS, backfill, refresh
from tickets.models import Ticket

from .conftest import NOW, SHANGHAI, H, at

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
TO_TODAY = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))  # 1 April is "today" (NOW)
PERCENTILES = ("median_seconds", "p90_seconds")


@pytest.fixture
def mixed(build):
    """Sixty tickets from mid-February to today (1 April, Shanghai), over both properties,
    two categories, both buildings or none, with and without assignees; answered, breached,
    resolved and rated at random but reproducibly; one merged; a few at 23:30 and at
    midnight sharp (Shanghai)."""
    b, rng = build, random.Random(8)
    places = [
        {"property": b.w.property, "unit": b.w.unit},
        {"property": b.w.property, "unit": None},
        {"property": b.w.other_property, "unit": b.w.far_unit},
    ]
    tickets = []
    for n in range(60):
        created = at(2, 15, 8) + dt.timedelta(hours=rng.uniform(0, 45 * 24))
        if n % 10 == 0:  # the last half hour of a Shanghai day
            created = created.replace(hour=23, minute=30)
        elif n % 10 == 5:  # midnight sharp: the day that begins
            created = created.replace(hour=0, minute=0, second=0, microsecond=0)
        created = min(created, NOW - H)
        responded = created + dt.timedelta(minutes=rng.uniform(0, 600)) if n % 7 else None
        resolved = (responded + dt.timedelta(hours=rng.uniform(0.5, 80))
                    if responded and n % 3 else None)
        if resolved and resolved > NOW:
            resolved = None
        fields = dict(rng.choice(places))
        ticket = b.ticket(
            created, responded=responded, resolved=resolved,
            category=rng.choice([b.repair, b.complaint]),
            assignee=rng.choice([None, b.w.staff, b.w.manager]),
            first_response_breached_at=(created + 2 * H if n % 4 == 0 else None),
            resolution_breached_at=(created + 30 * H if resolved and n % 5 == 0 else None),
            **fields,
        )
        if resolved and n % 2:
            rated_at = min(resolved + dt.timedelta(hours=rng.uniform(1, 48)), NOW - H / 2)
            Ticket.objects.filter(pk=ticket.pk).update(rating=rng.randint(1, 5),
                                                       rated_at=rated_at)
        tickets.append(ticket)
    Ticket.objects.filter(pk=tickets[5].pk).update(merged_into=tickets[6])
    return tickets


def _selections(b):
    w = b.w
    for start, end in (MARCH, TO_TODAY, (dt.date(2026, 2, 20), dt.date(2026, 3, 10)),
                       (dt.date(2026, 4, 1), dt.date(2026, 4, 1))):
        yield b.selection(start=start, end=end)
        yield b.selection(start=start, end=end, category_id=b.complaint.pk)
        yield b.selection(start=start, end=end, staff_id=w.staff.pk)
        yield b.selection(start=start, end=end, building_id=w.building.pk)
        yield b.selection(start=start, end=end, property_ids=frozenset({w.other_property.pk}))
    yield b.selection(user=w.staff, start=TO_TODAY[0], end=TO_TODAY[1],
                      property_ids=frozenset({w.property.pk}), staff_id=w.staff.pk)


def _without_percentiles(data: dict) -> dict:
    data = {key: value for key, value in data.items() if key not in ("percentiles",
                                                                     "rolled_up")}
    for timer in ("first_response", "resolution"):
        data[timer] = {k: v for k, v in data[timer].items() if k not in PERCENTILES}
    return data


def _live(b):
    """Every selection's numbers from the live path (the coverage set aside meanwhile)."""
    saved = list(RollupCoverage.objects.filter(organization=b.w.org).values(
        "first_day", "last_day", "built_at"))
    RollupCoverage.objects.filter(organization=b.w.org).delete()
    numbers = [(sla(s), satisfaction(s, include_other_apps=False)) for s in _selections(b)]
    for row in saved:
        RollupCoverage.objects.create(organization=b.w.org, **row)
    return numbers


def _assert_same(b, live):
    for selection, (live_sla, live_satisfaction) in zip(_selections(b), live, strict=True):
        rolled_sla = sla(selection)
        assert _without_percentiles(rolled_sla) == _without_percentiles(live_sla)
        for timer in ("first_response", "resolution"):
            for key in PERCENTILES:
                exact, approx = live_sla[timer][key], rolled_sla[timer][key]
                if exact is None:
                    assert approx is None
                else:
                    assert approx == pytest.approx(exact, rel=buckets.PRECISION, abs=1)
        assert satisfaction(selection, include_other_apps=False) == live_satisfaction


def test_rollup_and_today_give_the_live_numbers(build, mixed):
    live = _live(build)
    assert live[0][0]["percentiles"] == {"method": "exact", "max_relative_error": 0}
    assert live[0][0]["opened"] > 20 and live[0][1]["rated"] > 5  # the data is not empty
    backfill(start=dt.date(2026, 2, 1), end=dt.date(2026, 3, 31))
    coverage = RollupCoverage.objects.get(organization=build.w.org)
    assert (coverage.first_day, coverage.last_day) == (dt.date(2026, 2, 1), MARCH[1])
    assert TicketDayStats.objects.exists() and TicketDayDurations.objects.exists()
    data = sla(build.selection(start=TO_TODAY[0], end=TO_TODAY[1]))
    assert data["percentiles"]["method"] == "histogram"
    assert data["rolled_up"] == {"start": "2026-03-01", "end": "2026-03-31"}  # not today
    _assert_same(build, live)


def test_a_rebuild_is_idempotent(build, mixed):
    backfill(start=dt.date(2026, 2, 1), end=dt.date(2026, 3, 31))

    def rows():
        return (sorted(TicketDayStats.objects.values_list(
                    "day", "property_id", "building_id", "category_id", "team_id",
                    "assignee_id", "opened", "resolved", "breached", "rated_1", "rated_5"),
                       key=str),
                sorted(TicketDayDurations.objects.values_list(
                    "day", "assignee_id", "measure", "bucket", "tickets"), key=str))

    first = rows()
    backfill(start=dt.date(2026, 3, 10), end=dt.date(2026, 3, 20), chunk_days=3)
    assert rows() == first
    coverage = RollupCoverage.objects.get(organization=build.w.org)
    assert (coverage.first_day, coverage.last_day) == (dt.date(2026, 2, 1), MARCH[1])


def test_refresh_rolls_up_new_days_and_late_changes_to_older_days(build, mixed):
    b = build
    backfill(start=dt.date(2026, 2, 1), end=dt.date(2026, 3, 20))
    # The beat job on 1 April: 21 … 31 March for both organisations (the trailing window is
    # inside).
    assert refresh(now=NOW) == 2 * 11
    coverage = RollupCoverage.objects.get(organization=b.w.org)
    assert (coverage.first_day, coverage.last_day) == (dt.date(2026, 2, 1), MARCH[1])
    # Then a ticket submitted in February (long before any trailing window) is resolved
    # late, breached, reassigned and rated: its February day changes.
    old = Ticket.objects.filter(organization=b.w.org, created_at__lt=at(2, 20),
                                resolved_at__isnull=True).order_by("pk").first()
    old.resolved_at, old.status, old.assignee = at(3, 31, 12), "resolved", b.w.staff
    old.resolution_breached_at = at(3, 30, 12)
    old.save()
    Ticket.objects.filter(pk=old.pk).update(rating=2, rated_at=at(3, 31, 13))
    live = _live(b)
    before = sla(b.selection(start=dt.date(2026, 2, 15), end=dt.date(2026, 2, 19)))
    assert before != live[10][0]  # the rollup still has the old February day …
    assert refresh(now=NOW + H) == TRAILING_DAYS + 1 + TRAILING_DAYS  # … until the next run
    _assert_same(b, live)
    assert refresh(now=NOW + 2 * H) == 2 * TRAILING_DAYS  # nothing changed since


def test_the_beat_job_starts_with_the_trailing_window(build, mixed):
    refresh(now=NOW)
    coverage = RollupCoverage.objects.get(organization=build.w.org)
    assert coverage.last_day == MARCH[1]
    assert coverage.first_day == MARCH[1] - dt.timedelta(days=TRAILING_DAYS - 1)
    live_free = sla(build.selection())
    assert live_free["rolled_up"] == {"start": coverage.first_day.isoformat(),
                                      "end": "2026-03-31"}


def test_backfill_command(build, mixed):
    call_command("dashboards_backfill", "--org", build.w.org.slug, "--start", "2026-03-01",
                 "--end", "2026-03-31", verbosity=0)
    coverage = RollupCoverage.objects.get(organization=build.w.org)
    assert (coverage.first_day, coverage.last_day) == MARCH
    assert not RollupCoverage.objects.exclude(organization=build.w.org).exists()


def test_the_query_count_does_not_depend_on_the_rollups(build, mixed):
    def count(metric, **kwargs):
        selection = build.selection(start=TO_TODAY[0], end=TO_TODAY[1])
        with CaptureQueriesContext(connection) as captured:
            metric(selection, **kwargs)
        return len(captured)

    live = [count(sla), count(satisfaction, include_other_apps=False)]
    backfill(start=dt.date(2026, 2, 1), end=dt.date(2026, 3, 31))
    rolled = [count(sla), count(satisfaction, include_other_apps=False)]
    # SLA: coverage, days, percentiles, backlog, breach groups, names.
    # Satisfaction: coverage, ratings, names, follow-up counts, open follow-ups.
    assert live == rolled == [6, 5]


@pytest.mark.parametrize("seed", range(5))
def test_histogram_percentiles_are_within_the_stated_precision(seed):
    from portal.dashboards.metrics.base import percentile

    rng = random.Random(seed)
    values = [rng.choice([0.2, 30, 600]) if rng.random() < 0.05
              else rng.lognormvariate(9, 1.5) for _n in range(rng.randint(1, 400))]
    histogram = {}
    for value in values:
        histogram[buckets.of(value)] = histogram.get(buckets.of(value), 0) + 1
    for fraction in (0.5, 0.9, 0.95):
        exact = percentile(values, fraction)
        assert buckets.percentile(histogram, fraction) == pytest.approx(
            exact, rel=buckets.PRECISION, abs=1)


def test_sql_and_python_agree_on_buckets(build):
    b = build
    durations = [0, 0.5, 1, 59, 60, 61, 3599, 3600, 86400 * 3 + 17, 86400 * 40]
    for seconds in durations:
        created = at(3, 2, 9)
        b.ticket(created, responded=created + dt.timedelta(seconds=seconds))
    found = sorted(Ticket.objects.filter(organization=b.w.org).annotate(
        b=buckets.Bucket("first_responded_at", "created_at")).values_list("b", flat=True))
    assert found == sorted(buckets.of(s) for s in durations)
    assert SHANGHAI  # the fixtures' time zone


def test_the_pages_say_how_precise_rolled_up_percentiles_are(build, mixed, login):
    client = login(build.w.manager)
    march = {"start": "2026-03-01", "end": "2026-03-31"}
    assert "daily summaries" not in client.get("/o/sunrise/dashboard/", march).content.decode()
    backfill(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    page = client.get("/o/sunrise/dashboard/", march).content.decode()
    assert "Days 2026-03-01 to 2026-03-31 come from the daily summaries" in page
    api = client.get("/api/v1/orgs/sunrise/dashboard/sla/", march).json()
    assert api["percentiles"] == {"method": "histogram", "max_relative_error": 0.0244}
    assert api["opened"] == sla(build.selection())["opened"]
