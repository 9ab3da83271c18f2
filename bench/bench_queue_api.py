"""CPU per request of the staff queue API (``/api/v1/orgs/<slug>/tickets/``), in-process.

Seeds (once) the demo organisations and ``--tickets`` (20,000) tickets for the "harbor"
organisation with batched bulk inserts (a quarter of them open), then sends ``--requests``
requests per scenario through Django's test client with the API token of an all-properties
admin and of a staff member with one property, and reports per request: CPU milliseconds
(``time.process_time``: what the web worker spends, whatever else runs on the machine),
wall-clock p50/p95 and SQL statements (counted on one extra request, so the capture does not
inflate the timings); first the framework's floor, a bare JSON view behind the same middleware
(``bench/harness/floor_urls.py``), so that every scenario also reads as a multiple of it.
``--profile`` prints cProfile's top functions by CPU time over 100 requests of the first
scenario; ``--pyinstrument`` its wall-clock call tree (where the database wait shows).

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/courtyard_bench_queue \\
        .venv/bin/python bench/bench_queue_api.py [--requests 200] [--json out.json]

Works on SQLite too (``DATABASE_URL=sqlite:///…``, a file of its own), but PostgreSQL is what
counts.
"""

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
SLUG = "harbor"
MARK = "[queue-bench] "


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="cProfile (CPU) of scenario 1")
    parser.add_argument("--pyinstrument", action="store_true",
                        help="pyinstrument (wall clock) of scenario 1; needs the bench extra")
    parser.add_argument("--json", default="", help="write the results here as JSON")
    return parser.parse_args()


ARGS = _arguments()
if not os.environ.get("DATABASE_URL"):
    # It writes 20,000 tickets: never into the shared development database by accident.
    sys.exit("bench_queue_api needs DATABASE_URL (a database of its own)")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from portal.tenancy.models import Membership, Organization, Property, Residency  # noqa: E402
from tickets.models import Category, Status, Team, Ticket, TicketCounter  # noqa: E402

OPEN = [Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.WAITING_ON_OWNER]


def seed(total: int) -> int:
    """Bring the organisation up to ``total`` benchmark tickets; returns how many were added."""
    with scopes_disabled():
        org = Organization.objects.get(slug=SLUG)
        have = Ticket.objects.filter(organization=org, title__startswith=MARK).count()
        if have >= total:
            return 0
        rng = random.Random(9)
        homes = list(
            Residency.objects.filter(organization=org, verified_at__isnull=False)
            .values_list("unit_id", "unit__property_id", "user_id")
        )
        staff = list(Membership.objects.filter(organization=org).values_list("user_id", flat=True))
        categories = list(Category.objects.filter(organization=org).values_list("pk", flat=True))
        teams = list(Team.objects.filter(organization=org).values_list("pk", flat=True)) or [None]
        now = timezone.now()
        with transaction.atomic():
            counter, _ = TicketCounter.objects.select_for_update().get_or_create(organization=org)
            start = counter.last_number + 1
            rows = []
            for n in range(total - have):
                unit_id, property_id, requester_id = rng.choice(homes)
                created = now - timedelta(hours=rng.uniform(0.1, 24 * 365))
                is_open = rng.random() < 0.25
                status = rng.choice(OPEN) if is_open else Status.CLOSED
                rows.append(Ticket(
                    organization=org, number=start + n, property_id=property_id,
                    unit_id=unit_id, category_id=rng.choice(categories),
                    title=MARK + rng.choice(["厨房水龙头漏水", "电梯运行有异响", "Leaking tap"]),
                    priority=rng.choice(["low", "normal", "normal", "high", "urgent"]),
                    status=status, requester_id=requester_id,
                    assignee_id=rng.choice(staff) if rng.random() < 0.7 else None,
                    team_id=rng.choice(teams), created_at=created,
                    next_due_at=created + timedelta(hours=8) if is_open else None,
                    closed_at=None if is_open else created + timedelta(days=2),
                ))
            Ticket.objects.bulk_create(rows, batch_size=2000)
            counter.last_number = start + len(rows) - 1
            counter.save(update_fields=["last_number"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE tickets_ticket")
        return len(rows)


def measure(label: str, client: Client, path: str, params: dict, requests: int) -> dict:
    def get():
        response = client.get(path, params)
        assert response.status_code == 200, (label, response.status_code, response.content[:300])
        return response

    for _warm in range(5):
        get()
    statements = []
    # A wrapper, not CaptureQueriesContext: each request resets the debug query log.
    with connection.execute_wrapper(lambda execute, sql, *rest: (statements.append(sql),
                                                                   execute(sql, *rest))[1]):
        rows = len(get().json()["results"])
    cpu, wall = [], []
    for _request in range(requests):
        started_cpu, started = time.process_time(), time.perf_counter()
        get()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    wall.sort()
    return {
        "scenario": label, "requests": requests, "rows": rows,
        "cpu_ms_mean": round(statistics.fmean(cpu), 2),
        "cpu_ms_p50": round(statistics.median(cpu), 2),
        "wall_ms_p50": round(statistics.median(wall), 2),
        "wall_ms_p95": round(wall[max(0, int(len(wall) * 0.95) - 1)], 2),
        "queries": len(statements),
    }


def floor(requests: int) -> dict:
    """CPU per request of a view that only answers JSON, through the same middleware."""
    with override_settings(ROOT_URLCONF="bench.harness.floor_urls"):
        client = Client()
        for _warm in range(5):
            client.get("/floor/")
        started = time.process_time()
        for _request in range(requests):
            assert client.get("/floor/").status_code == 200
        return {"scenario": "floor: bare JSON view", "requests": requests,
                "cpu_ms_mean": round((time.process_time() - started) * 1000 / requests, 2)}


def profile(client: Client, path: str, params: dict) -> None:
    for _warm in range(5):
        client.get(path, params)
    if ARGS.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            for _n in range(100):
                client.get(path, params)
        print(profiler.output_text(unicode=True, color=False))
    if ARGS.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not the wait on the database
        profiler.enable()
        for _n in range(100):
            client.get(path, params)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
        print(out.getvalue())


def main() -> None:
    logging.getLogger("axes").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=io.StringIO())
    added = seed(ARGS.tickets)
    with scopes_disabled():
        org = Organization.objects.get(slug=SLUG)
        total = Ticket.objects.filter(organization=org).count()
        open_count = Ticket.objects.filter(organization=org, status__in=OPEN).count()
        admin = Membership.objects.get(organization=org, role="admin").user
        staff = Membership.objects.filter(organization=org, role="staff").first().user
        prop = Property.objects.filter(organization=org).order_by("pk").first()
        category = Category.objects.filter(organization=org).order_by("pk").first()
    load_before = os.getloadavg()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {SLUG}: {total} "
          f"tickets, {open_count} open (seeded now: {added}); load average "
          f"{' '.join(f'{n:.2f}' for n in load_before)}")
    path = f"/api/v1/orgs/{SLUG}/tickets/"
    filtered = {"view": "open", "priority": "high", "category": category.pk, "property": prop.pk}
    base = floor(max(ARGS.requests, 200))
    results = [base]
    header = (f"  {'scenario':<38} {'rows':>4} {'CPU ms':>7} {'× floor':>7} {'p50 ms':>7} "
              f"{'p95 ms':>7} {'queries':>7}")
    print(header)
    print(f"  {base['scenario']:<38} {'':>4} {base['cpu_ms_mean']:>7.2f} {1:>7.1f}")
    for who, user in (("admin", admin), ("staff", staff)):
        token, _created = Token.objects.get_or_create(user=user)
        client = Client(headers={"Authorization": f"Token {token.key}"})
        scenarios = [
            (f"{who}: ?view=open", {"view": "open"}),
            (f"{who}: all tickets (no view)", {}),
            (f"{who}: ?view=open filtered", filtered),
        ]
        for label, params in scenarios:
            if (ARGS.profile or ARGS.pyinstrument) and len(results) == 1:
                profile(client, path, params)
            result = measure(label, client, path, params, ARGS.requests)
            result["x_floor"] = round(result["cpu_ms_mean"] / base["cpu_ms_mean"], 1)
            results.append(result)
            print(f"  {label:<38} {result['rows']:>4} {result['cpu_ms_mean']:>7.2f} "
                  f"{result['x_floor']:>7.1f} {result['wall_ms_p50']:>7.2f} "
                  f"{result['wall_ms_p95']:>7.2f} {result['queries']:>7}", flush=True)
    load_after = os.getloadavg()
    print(f"load average at the end: {' '.join(f'{n:.2f}' for n in load_after)}")
    if ARGS.json:
        out_path = Path(ARGS.json)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps({
            "database": connection.settings_dict["NAME"], "vendor": connection.vendor,
            "tickets": total, "open": open_count, "results": results,
            "load_average": {"before": load_before, "after": load_after},
            "at": timezone.now().isoformat(),
        }, indent=2))


if __name__ == "__main__":
    main()
