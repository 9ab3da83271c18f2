"""Time the dashboard API on PostgreSQL with up to 1,000,000 tickets.

Seeds (once) a database of its own with the demo organisations and ``--tickets`` sunrise
tickets, reusing bench_tickets' COPY seeding, then gives them what the dashboards read and that
seeding leaves out: ``rated_at`` on the rated ones, equipment on one in ten, phone and walk-in
channels. Then measures each dashboard endpoint (``dashboard/sla|satisfaction|engagement|
hotspots/``) as the all-properties manager and as a staff member (their own tickets), for this
month and for the last twelve months, and prints p50/p95 and the queries of each. Writes
``var/bench/dashboards.json``.

Before measuring, the daily rollups (portal.dashboards.rollup) are backfilled for every past
day (timed; only the days missing since the last run on a re-run), and one run of the hourly
beat job (``refresh_rollups``: yesterday, the trailing window and the days changed since) is
timed. ``--live`` drops the rollup coverage first, to measure the live path alone (what the
dashboards did before the rollups).

Usage::

    .venv/bin/python bench/bench_dashboards.py                 # 1,000,000 tickets
    .venv/bin/python bench/bench_dashboards.py --tickets 200000 --requests 10

Re-running reuses the seeded tickets (``--reseed`` drops and rewrites them).
"""

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/courtyard_bench_dashboards"


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=20.0)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--live", action="store_true",
                        help="no rollups: measure the live path alone")
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN ANALYZE of the SLA dashboard's queries")
    return parser.parse_args()


ARGS = _arguments()
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
# bench_tickets parses its own arguments at import: hand it ours, in its words.
_argv = sys.argv
sys.argv = [
    "bench_tickets", "--tickets", str(ARGS.tickets), "--open", str(min(50_000, ARGS.tickets // 4)),
    "--due", "0", "--max-seconds", str(ARGS.max_seconds),
    *(["--reseed"] if ARGS.reseed else []),
]
from bench import bench_tickets as seeding  # noqa: E402  (sets Django up)

sys.argv = _argv

from io import StringIO  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from portal.accounts.models import User  # noqa: E402
from portal.tenancy.models import Organization  # noqa: E402
from tickets.models import Ticket  # noqa: E402

ENRICHED = "[bench-dash] "  # description marker: rows already given dashboard fields


def enrich() -> dict:
    """One set-based UPDATE: ratings get their time, some tickets equipment and other
    channels (deterministic by ticket id)."""
    started = time.perf_counter()
    with scopes_disabled():
        org = Organization.objects.get(slug="sunrise")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tickets_ticket WHERE organization_id = %s "
            "AND title LIKE %s AND description NOT LIKE %s",
            [org.pk, seeding.BENCH_MARK + "%", ENRICHED + "%"])
        todo = cursor.fetchone()[0]
        if not todo:
            return {"enriched": 0, "seconds": 0.0}
        cursor.execute(
            """
            WITH assets AS (
                SELECT property_id, array_agg(id ORDER BY id) AS ids
                FROM tenancy_asset WHERE organization_id = %(org)s GROUP BY property_id
            )
            UPDATE tickets_ticket t SET
                description = %(mark)s || t.description,
                rated_at = CASE WHEN t.rating IS NOT NULL
                                THEN coalesce(t.closed_at, t.resolved_at) END,
                channel = CASE WHEN t.id %% 20 < 3 THEN 'phone'
                               WHEN t.id %% 20 = 3 THEN 'walk_in' ELSE 'web' END,
                asset_id = CASE WHEN t.id %% 10 = 0 AND a.ids IS NOT NULL
                                THEN a.ids[1 + (t.id / 10) %% array_length(a.ids, 1)] END
            FROM tickets_ticket s LEFT JOIN assets a ON a.property_id = s.property_id
            WHERE s.id = t.id AND t.organization_id = %(org)s AND t.title LIKE %(bench)s
              AND t.description NOT LIKE %(marked)s
            """,
            {"org": org.pk, "mark": ENRICHED, "bench": seeding.BENCH_MARK + "%",
             "marked": ENRICHED + "%"},
        )
        cursor.execute("ANALYZE tickets_ticket")
    return {"enriched": todo, "seconds": round(time.perf_counter() - started, 1)}


def rollups() -> dict:
    """Backfill the days not rolled up yet (all of them the first time), then time one run of
    the beat job; or, with --live, remove the coverage so that every number is read live."""
    from portal.dashboards.models import RollupCoverage
    from portal.dashboards.rollup.refresh import backfill, refresh

    with scopes_disabled():
        if ARGS.live:
            RollupCoverage.objects.all().delete()
            return {"live": True}
        started = time.perf_counter()
        found = RollupCoverage.objects.filter(last_day__isnull=False).order_by("last_day").first()
        start = None if found is None else found.last_day
        days = backfill(start=start)
        backfilled = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        refreshed = refresh()
        job = round(time.perf_counter() - started, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dashboards_ticketdaystats")
            cursor.execute("ANALYZE dashboards_ticketdaydurations")
            cursor.execute("SELECT (SELECT count(*) FROM dashboards_ticketdaystats), "
                           "(SELECT count(*) FROM dashboards_ticketdaydurations)")
            stats_rows, duration_rows = cursor.fetchone()
    return {"backfilled_days": days, "backfill_seconds": backfilled,
            "refresh_days": refreshed, "refresh_seconds": job,
            "stats_rows": stats_rows, "duration_rows": duration_rows}


def explain(params: dict) -> None:
    """EXPLAIN ANALYZE of every query the SLA endpoint makes, as the manager."""
    from django.test.utils import CaptureQueriesContext

    user = User.objects.get(email="manager@sunrise.example")
    token, _created = Token.objects.get_or_create(user=user)
    api = Client(headers={"Authorization": f"Token {token.key}"})
    for name in ("sla", "satisfaction", "engagement", "hotspots"):
        with CaptureQueriesContext(connection) as captured:
            api.get(f"/api/v1/orgs/sunrise/dashboard/{name}/", params)
        for query in captured.captured_queries:
            sql = query["sql"]
            if "tickets_ticket" not in sql and "tenancy_residency" not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            print(f"\n--- {name}: {sql[:160]}…")
            print("\n".join(plan[:14]))
            print(plan[-1])


def measure(requests: int) -> list[dict]:
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    today = timezone.localdate()
    month = {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    year = {"start": (today - timedelta(days=365)).isoformat(), "end": today.isoformat()}
    results = []
    for email in ("manager@sunrise.example", "staff@sunrise.example"):
        user = User.objects.get(email=email)
        token, _created = Token.objects.get_or_create(user=user)
        api = Client(headers={"Authorization": f"Token {token.key}"})
        who = email.split("@")[0]
        names = ("sla", "satisfaction") if who == "staff" else (
            "sla", "satisfaction", "engagement", "hotspots")
        for name in names:
            for span, params in (("this month", month), ("12 months", year)):
                label = f"API dashboard/{name}/, {span}"
                path = f"/api/v1/orgs/sunrise/dashboard/{name}/"
                results.append(seeding.timed(label, who, seeding._get(api, path, params),
                                             requests))
                print(seeding._line(results[-1]), flush=True)
    return results


def main() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    with scopes_disabled():
        demo_there = Organization.objects.filter(slug="sunrise").exists()
    if not demo_there:  # a second run keeps the seeded database as it is
        call_command("seed_demo", stdout=StringIO())
    seeded = seeding.seed(ARGS.tickets, min(50_000, ARGS.tickets // 4), 0)
    print(f"seeded {seeded['seeded']} tickets in {seeded['seconds']} s", flush=True)
    enriched = enrich()
    print(f"enriched {enriched['enriched']} tickets in {enriched['seconds']} s", flush=True)
    with scopes_disabled():
        total = Ticket.objects.filter(organization__slug="sunrise").count()
    print(f"database: postgresql {connection.settings_dict['NAME']}, sunrise tickets: {total}")
    rolled = rollups()
    print(f"rollups: {rolled}", flush=True)
    if ARGS.explain:
        today = timezone.localdate()
        explain({"start": (today - timedelta(days=365)).isoformat(), "end": today.isoformat()})
        return
    print(f"  {'scenario':<42} {'as':<8} {'reqs':>5} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'max ms':>8} {'queries':>7}")
    results = measure(ARGS.requests)
    out = ROOT / "var" / "bench" / "dashboards.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "database": connection.settings_dict["NAME"], "tickets": total, "seeding": seeded,
        "enriched": enriched, "rollups": rolled, "load_average": os.getloadavg(),
        "results": results,
        "seconds": round(time.perf_counter() - started, 1), "at": timezone.now().isoformat(),
    }, indent=2, ensure_ascii=False))
    print(f"written: {out.relative_to(ROOT)} ({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
