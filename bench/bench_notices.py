"""Time publishing one notice to 20,000 owners in PostgreSQL, and the owners' feed.

Seeds (once) an organisation "bench-notices" with one property, 100 buildings, 20,000 units
and 20,000 verified owners (users and residencies written with COPY), then, as its manager,
creates a notice for the whole organisation and publishes it: audience resolution, 20,000
receipts, 20,000 notifications and their outbox rows, all in one transaction. Prints the time
until the transaction has committed with every receipt and notification row written (and the
after-commit live pushes separately), the queries it took (COPY statements included), the
CPU seconds of this process and of its PostgreSQL backend for each phase (read from /proc
when the server runs on this machine: on a shared machine they vary far less than wall
time), then the feed's timing and query count for one owner. Writes ``var/bench/notices.json``.

Usage::

    .venv/bin/python bench/bench_notices.py     # courtyard_notices, or $DATABASE_URL
    .venv/bin/python bench/bench_notices.py --owners 50000 --reseed

Each run publishes a new notice; earlier benchmark notices are deleted first so the tables
stay the same size.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/courtyard_notices"
SLUG = "bench-notices"


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--owners", type=int, default=20_000)
    parser.add_argument("--buildings", type=int, default=100)
    parser.add_argument("--feed-requests", type=int, default=50)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds allowed to publish")
    return parser.parse_args()


ARGS = _arguments()
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
# Deliveries are handed to a worker after commit; the benchmark times the writes, not email.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402

from communications.models import Delivery, Notification  # noqa: E402
from notices.models import Notice, NoticeReceipt  # noqa: E402
from notices.services import notice_create, notice_publish  # noqa: E402
from portal.tenancy.access import compute_access  # noqa: E402
from portal.tenancy.models import (  # noqa: E402
    Building,
    Membership,
    Organization,
    Property,
    Residency,
    Unit,
)


def _copy(table: str, columns: list[str], rows) -> None:
    """COPY rows (tuples) into ``table``: the fastest way PostgreSQL takes many rows."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def seed(owners: int, buildings: int) -> dict:
    started = time.perf_counter()
    User = get_user_model()
    with scopes_disabled():
        org = Organization.objects.filter(slug=SLUG).first()
        if org is not None and (ARGS.reseed or Residency.objects.filter(
                organization=org).count() != owners):
            User.objects.filter(email__endswith=f"@{SLUG}.example").delete()
            org.delete()
            org = None
        if org is not None:
            manager = Membership.objects.get(organization=org, role="manager").user
            return {"org": org, "manager": manager, "seeded": 0, "seconds": 0.0}
        now = timezone.now()
        with transaction.atomic():
            org = Organization.objects.create(slug=SLUG, name="Bench Notices Property Services")
            prop = Property.objects.create(organization=org, name="Bench Garden")
            Building.objects.bulk_create([
                Building(organization=org, property=prop, name=str(n + 1))
                for n in range(buildings)])
            building_ids = list(Building.objects.filter(organization=org).order_by("pk")
                                .values_list("pk", flat=True))
            per = -(-owners // buildings)
            units = []
            for index in range(owners):
                building = building_ids[index // per]
                floor, door = divmod(index % per, 4)
                units.append((org.pk, prop.pk, building, f"{floor + 1}{door + 1:02d}", floor + 1))
            _copy("tenancy_unit", ["organization_id", "property_id", "building_id", "number",
                                   "floor"], units)
            unit_ids = list(Unit.objects.filter(organization=org).order_by("pk")
                            .values_list("pk", flat=True))
            manager = User.objects.create_user(email=f"manager@{SLUG}.example",
                                               password="courtyard-demo",
                                               full_name="Bench manager")
            Membership.objects.create(organization=org, user=manager, role="manager",
                                      all_properties=True)
            first = User.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
            _copy(
                "accounts_user",
                ["password", "email", "full_name", "language", "large_text", "is_staff",
                 "is_superuser", "is_active", "date_joined", "privacy_notice_version"],
                ((f"!bench{n}", f"owner{n}@{SLUG}.example", f"业主 {n}", "", False, False,
                  False, True, now, "") for n in range(owners)),
            )
            user_ids = list(User.objects.filter(pk__gte=first, email__endswith=f"@{SLUG}.example")
                            .exclude(pk=manager.pk).order_by("pk").values_list("pk", flat=True))
            _copy(
                "tenancy_residency",
                ["organization_id", "user_id", "unit_id", "relation", "verified_at",
                 "is_active", "created_at"],
                ((org.pk, user, unit, "owner", now, True, now)
                 for user, unit in zip(user_ids, unit_ids, strict=True)),
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"org": org, "manager": manager, "seeded": owners,
            "seconds": round(time.perf_counter() - started, 1)}


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server runs
    on this machine (/proc): on a shared machine CPU time says more than wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu(start: tuple, end: tuple) -> dict:
    python = round(end[0] - start[0], 2)
    database = None if start[1] is None else round(end[1] - start[1], 2)
    return {"python": python, "database": database}


def measure_publish(org, manager) -> dict:
    with scopes_disabled():
        Notice.objects.filter(organization=org).delete()
        Notification.objects.filter(organization=org).delete()
    access = compute_access(manager, org)
    reverse("notices:feed", args=[SLUG])  # load the URL configuration, as a running worker has
    commit_callbacks = []
    # Time spent inside communications (notifications and outbox rows), to tell it apart
    # from this app's own work (audience, receipts); the wrapper changes nothing else.
    import communications.services as comms

    spent = {"notify": 0.0}
    original = comms._write

    def timed_write(requests):
        begin = time.perf_counter()
        try:
            return original(requests)
        finally:
            spent["notify"] += time.perf_counter() - begin

    comms._write = timed_write
    with scope(organization=org):
        notice = notice_create(access=access, title="停水通知 Water off on Thursday",
                               body="**9:00–12:00**: 请提前储水。Please store water.",
                               category="outage", whole_organization=True,
                               ack_required=True)
        pid = _backend_pid()
        with CaptureQueriesContext(connection) as queries:
            cpu_started = (time.process_time(), _backend_cpu(pid))
            started = time.perf_counter()
            with transaction.atomic():
                notice_publish(access=access, notice=notice)
                written = time.perf_counter()
                cpu_written = (time.process_time(), _backend_cpu(pid))
                commit_callbacks = list(connection.run_on_commit)
            done = time.perf_counter()
            cpu_done = (time.process_time(), _backend_cpu(pid))
    comms._write = original
    with scopes_disabled():
        receipts = NoticeReceipt.objects.filter(notice=notice).count()
        notifications = Notification.objects.filter(organization=org,
                                                     kind="notice.published").count()
        deliveries = Delivery.objects.filter(organization=org).count()
    return {
        "receipts": receipts, "notifications": notifications, "outbox_rows": deliveries,
        "seconds_until_rows_written": round(written - started, 2),
        "seconds_including_commit_and_live_pushes": round(done - started, 2),
        "seconds_in_notify": round(spent["notify"], 2),
        "seconds_notices_own": round(written - started - spent["notify"], 2),
        "cpu_seconds_until_rows_written": _cpu(cpu_started, cpu_written),
        "cpu_seconds_commit_and_live_pushes": _cpu(cpu_written, cpu_done),
        "queries": len(queries), "after_commit_callbacks": len(commit_callbacks),
        "notice": notice.pk,
    }


def measure_feed(org, requests: int) -> dict:
    with scopes_disabled():
        owner = Residency.objects.filter(organization=org).select_related("user").first().user
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(owner, backend="portal.accounts.backends.PhoneOrEmailBackend")
    url = f"/o/{SLUG}/notices/"
    client.get(url)
    timings = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return {"requests": requests, "p50_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1), "queries": len(queries)}


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    seeding = seed(ARGS.owners, ARGS.buildings)
    org, manager = seeding.pop("org"), seeding.pop("manager")
    print(f"database: {connection.settings_dict['NAME']}; owners: {ARGS.owners} "
          f"(seeded now: {seeding['seeded']} in {seeding['seconds']} s)")
    publish = measure_publish(org, manager)
    verdict = "OK" if publish["seconds_until_rows_written"] <= ARGS.budget else "OVER BUDGET"
    print(f"publish to {publish['receipts']} owners: rows written in "
          f"{publish['seconds_until_rows_written']} s, with commit and live pushes "
          f"{publish['seconds_including_commit_and_live_pushes']} s, "
          f"{publish['queries']} queries (notices' own work {publish['seconds_notices_own']} s, "
          f"communications.notify {publish['seconds_in_notify']} s); "
          f"notifications {publish['notifications']}, "
          f"outbox rows {publish['outbox_rows']} [{verdict}, budget {ARGS.budget} s]")
    written, pushed = (publish["cpu_seconds_until_rows_written"],
                       publish["cpu_seconds_commit_and_live_pushes"])
    print(f"CPU seconds: until written python {written['python']}, PostgreSQL backend "
          f"{written['database']}; commit and live pushes python {pushed['python']}, "
          f"PostgreSQL backend {pushed['database']}; load average {os.getloadavg()[0]:.1f}")
    feed = measure_feed(org, ARGS.feed_requests)
    print(f"owner feed: p50 {feed['p50_ms']} ms, max {feed['max_ms']} ms, "
          f"{feed['queries']} queries")
    out = ROOT / "var" / "bench" / "notices.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"database": connection.settings_dict["NAME"],
                               "owners": ARGS.owners, "seeding": seeding,
                               "publish": publish, "feed": feed,
                               "at": timezone.now().isoformat()}, indent=2))
    print(f"written: {out.relative_to(ROOT)}")
    assert publish["receipts"] == ARGS.owners and publish["notifications"] == ARGS.owners


if __name__ == "__main__":
    main()
