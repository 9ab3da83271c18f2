"""Time the staff queue and the SLA job on 200,000 tickets in PostgreSQL.

Seeds (once) a database of its own with the demo organisations and 200,000 sunrise tickets
(50,000 open, of which 2,000 have their SLA check due now), written with COPY; then measures,
over ``--requests`` requests each, the queue selector, the staff queue page and the API ticket
list (default view and a filtered one) as the all-properties manager and as a staff member
with one property; then the SLA job on the 2,000 due tickets, and once more with nothing due.
Prints a table and writes ``var/bench/tickets.json``.

Usage::

    .venv/bin/python bench/bench_tickets.py            # courtyard_bench_tickets, created if missing
    DATABASE_URL=postgres://…/other .venv/bin/python bench/bench_tickets.py --requests 100

Re-running reuses the seeded tickets (``--reseed`` drops and rewrites them) and puts the 2,000
due tickets back as they were before the job ran, so every run measures the same work.
"""

import argparse
import json
import logging
import os
import random
import resource
import statistics
import sys
import time
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/courtyard_bench_tickets"
BENCH_MARK = "[bench] "  # title prefix of the tickets this script writes
DUE_TEXT = "Benchmark ticket, due for the SLA job."


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--open", type=int, default=50_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--max-seconds", type=float, default=30.0,
                        help="stop a scenario after this long even if requests remain")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--skip-queue", action="store_true", help="time the SLA job only")
    parser.add_argument("--output", default="var/bench/tickets.json",
                        help="where the JSON goes (relative to the checkout)")
    return parser.parse_args()


def _ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


ARGS = _arguments()
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
    sys.exit("bench_tickets needs PostgreSQL: DATABASE_URL=postgres://… (a database of its own)")
_ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from io import StringIO  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.harness.sla_processes import sla_in_processes  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from portal.tenancy.access import compute_access  # noqa: E402
from portal.tenancy.models import Membership, Organization, Residency  # noqa: E402
from tickets.models import (  # noqa: E402
    Category,
    SlaEscalation,
    SlaPolicy,
    Status,
    Team,
    Ticket,
    TicketCounter,
    TimelineEntry,
)
from tickets.selectors import ticket_queue, ticket_queue_counts  # noqa: E402
from tickets.services import sla_process_due  # noqa: E402

COLUMNS = [
    "organization_id", "number", "property_id", "unit_id", "category_id", "title",
    "description", "priority", "channel", "status", "requester_id", "assignee_id", "team_id",
    "preferred_visit_time", "policy_id", "first_response_target_minutes",
    "resolution_target_minutes", "first_response_due_at", "resolution_due_at", "next_due_at",
    "paused_business_time", "paused_at", "first_response_breached_at",
    "resolution_breached_at", "next_sla_check_at", "first_responded_at", "accepted_at",
    "resolved_at", "closed_at", "cancelled_at", "reopen_count", "rating", "rating_comment",
    "is_recurring", "created_at", "updated_at",
]
TITLES = [
    "厨房水龙头漏水", "卫生间下水道堵塞", "楼上装修噪音太大", "电梯运行有异响", "小区路灯不亮",
    "门禁卡刷不开", "Water leaking under the sink", "物业费怎么缴", "地下车库积水",
]
PRIORITIES = ["urgent"] * 4 + ["high"] * 14 + ["normal"] * 67 + ["low"] * 15


# --- Seeding -------------------------------------------------------------------------------


def _world(org):
    units = list(Residency.objects.filter(
        organization=org, verified_at__isnull=False, relation="owner"
    ).values_list("unit_id", "unit__property_id", "user_id"))
    staff = list(Membership.objects.filter(organization=org).values_list("user_id", flat=True))
    categories = list(
        Category.objects.filter(organization=org).values_list("pk", "default_team_id")
    )
    policy = SlaPolicy.objects.get(organization=org, is_default=True)
    return units, staff, categories, policy


def _created(rng, now, kind):
    if kind == "closed":
        return now - timedelta(days=rng.uniform(3, 720))
    if kind == "due":
        return now - timedelta(hours=rng.uniform(6, 96))
    return now - timedelta(hours=rng.uniform(0.1, 240))


def _row(rng, org, number, now, world, kind, created):
    """One ticket row. ``kind``: "closed", "open" or "due" (open, its SLA check has passed and
    no escalation has fired yet: the job's work)."""
    units, staff, categories, policy = world
    unit_id, property_id, requester_id = rng.choice(units)
    category_id, team_id = rng.choice(categories)
    priority = rng.choice(PRIORITIES)
    first_target, resolution_target = policy.targets(priority)
    first_due = created + timedelta(minutes=first_target * 1.6)
    resolution_due = created + timedelta(minutes=resolution_target * 1.6)
    fields = dict.fromkeys(COLUMNS)
    fields.update(
        organization_id=org.pk, number=number, property_id=property_id, unit_id=unit_id,
        category_id=category_id, title=BENCH_MARK + rng.choice(TITLES),
        description=DUE_TEXT if kind == "due" else "Benchmark ticket.", priority=priority,
        channel="web", requester_id=requester_id, team_id=team_id, preferred_visit_time="",
        policy_id=policy.pk, first_response_target_minutes=first_target,
        resolution_target_minutes=resolution_target, first_response_due_at=first_due,
        resolution_due_at=resolution_due, paused_business_time=timedelta(0), reopen_count=0,
        rating_comment="", is_recurring=False, created_at=created, updated_at=now,
    )
    if kind == "closed":
        responded = created + timedelta(minutes=rng.uniform(5, 300))
        resolved = responded + timedelta(hours=rng.uniform(1, 72))
        cancelled = rng.random() < 0.08
        fields.update(
            status=Status.CANCELLED if cancelled else Status.CLOSED,
            assignee_id=rng.choice(staff), first_responded_at=responded, accepted_at=responded,
            resolved_at=None if cancelled else resolved,
            closed_at=None if cancelled else resolved + timedelta(days=2),
            cancelled_at=responded if cancelled else None,
            rating=None if cancelled or rng.random() < 0.4 else rng.randint(1, 5),
            first_response_breached_at=first_due if responded > first_due else None,
            resolution_breached_at=resolution_due if resolved > resolution_due else None,
        )
        return fields
    if kind == "due":
        # New and untouched: the job has every level of both timers up to now to fire.
        fields.update(status=Status.NEW, next_due_at=first_due,
                      next_sla_check_at=now - timedelta(minutes=rng.uniform(0, 60)))
        return fields
    status = rng.choice([Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS,
                         Status.IN_PROGRESS, Status.WAITING_ON_OWNER])
    responded = None if status == Status.NEW else created + timedelta(minutes=rng.uniform(5, 90))
    waiting = status == Status.WAITING_ON_OWNER
    next_due = None if waiting else (first_due if responded is None else resolution_due)
    fields.update(
        status=status, assignee_id=None if rng.random() < 0.3 else rng.choice(staff),
        first_responded_at=responded, accepted_at=responded,
        paused_at=created + timedelta(hours=2) if waiting else None, next_due_at=next_due,
        resolution_breached_at=resolution_due if not waiting and resolution_due < now else None,
        # Far enough ahead that the measured job sees only the "due" tickets.
        next_sla_check_at=None if waiting else now + timedelta(hours=rng.uniform(2, 72)),
    )
    return fields


def seed(total: int, open_count: int, due: int) -> dict:
    with scopes_disabled():
        org = Organization.objects.get(slug="sunrise")
        existing = Ticket.objects.filter(organization=org, title__startswith=BENCH_MARK)
        if ARGS.reseed:
            # Plain SQL: the ORM's delete would load 200,000 tickets to cascade by hand.
            with connection.cursor() as cursor:
                ids = "SELECT id FROM tickets_ticket WHERE title LIKE %s"
                for table in ("tickets_timelineentry", "tickets_slaescalation",
                              "tickets_attachment"):
                    cursor.execute(f"DELETE FROM {table} WHERE ticket_id IN ({ids})",
                                   [BENCH_MARK + "%"])
                cursor.execute("DELETE FROM tickets_ticket WHERE title LIKE %s",
                               [BENCH_MARK + "%"])
        have = existing.count()
        if have >= total:
            return {"seeded": 0, "seconds": 0.0}
        started = time.perf_counter()
        rng = random.Random(20240501)
        world = _world(org)
        now = timezone.now()
        start = (Ticket.objects.filter(organization=org).order_by("-number")
                 .values_list("number", flat=True).first() or 0) + 1
        kinds = ["due"] * due + ["open"] * (open_count - due) + ["closed"] * (
            total - open_count)
        kinds = kinds[have:] if have else kinds
        # Numbered in submission order, as the counter would have: the open tickets are the
        # newest, as in real life (the API's newest-first list depends on it).
        planned = sorted(((_created(rng, now, kind), kind) for kind in kinds), key=lambda p: p[0])
        with transaction.atomic():
            cursor = connection.cursor().cursor  # psycopg's own cursor, for COPY
            columns = ", ".join(COLUMNS)
            with cursor.copy(f"COPY tickets_ticket ({columns}) FROM STDIN") as copy:
                for offset, (created, kind) in enumerate(planned):
                    row = _row(rng, org, start + offset, now, world, kind, created)
                    copy.write_row([row[column] for column in COLUMNS])
            number = start + len(kinds) - 1
            TicketCounter.objects.update_or_create(organization=org,
                                                   defaults={"last_number": number})
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # every table: the planner needs the sizes of all joined
        return {"seeded": len(kinds), "seconds": round(time.perf_counter() - started, 1)}


DUE_IDS: list[int] = []  # the "due" tickets reset_due() put back


def reset_due(due: int) -> int:
    """Put the "due" tickets back as before any job run: no escalations, checks passed."""
    now = timezone.now()
    with scopes_disabled(), transaction.atomic():
        tickets = Ticket.objects.filter(organization__slug="sunrise", description=DUE_TEXT)
        ids = list(tickets.order_by("pk").values_list("pk", flat=True)[:due])
        DUE_IDS[:] = ids
        SlaEscalation.objects.filter(ticket_id__in=ids).delete()
        TimelineEntry.objects.filter(ticket_id__in=ids, kind=TimelineEntry.Kind.ESCALATION).delete()
        Ticket.objects.filter(pk__in=ids).update(
            next_sla_check_at=now - timedelta(minutes=1), first_response_breached_at=None,
            resolution_breached_at=None,
        )
    _vacuum()
    return len(ids)


def escalation_entries() -> int:
    """The escalation entries on the due tickets' timelines (one per ticket and run)."""
    with scopes_disabled():
        return TimelineEntry.objects.filter(
            ticket_id__in=DUE_IDS, kind=TimelineEntry.Kind.ESCALATION
        ).count()


def _vacuum() -> None:
    """Clear the rows the reset (and the run before it) left dead: the server may run without
    autovacuum, and every run deletes and re-inserts the same escalation keys, whose unique
    check would otherwise walk one dead version per earlier run."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) tickets_slaescalation, tickets_timelineentry, "
                       "tickets_ticket")


# --- Measuring -----------------------------------------------------------------------------


def timed(label: str, who: str, action, requests: int) -> dict:
    for _warm in range(3):
        action()
    durations, queries = [], 0
    deadline = time.perf_counter() + ARGS.max_seconds
    for _request in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action()
            durations.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
        if time.perf_counter() > deadline:
            break
    durations.sort()
    return {
        "scenario": label, "as": who, "requests": len(durations),
        "p50_ms": round(statistics.median(durations), 1),
        "p95_ms": round(durations[max(0, int(len(durations) * 0.95) - 1)], 1),
        "max_ms": round(durations[-1], 1), "queries": queries,
    }


def _get(client: Client, path: str, params: dict | None = None):
    def action():
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, response.status_code)
        return response

    return action


def measure_queue(requests: int) -> list[dict]:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    results = []
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per force_login
    with scopes_disabled():
        org = Organization.objects.get(slug="sunrise")
        team = Team.objects.filter(organization=org).order_by("name").first()
    for email in ("manager@sunrise.example", "staff@sunrise.example"):
        user = User.objects.get(email=email)
        who = email.split("@")[0]
        access = compute_access(user, org)
        with scopes_disabled():
            prop = access.properties().order_by("name").first()
        token, _created = Token.objects.get_or_create(user=user)
        page, api = Client(), Client(headers={"Authorization": f"Token {token.key}"})
        page.force_login(user, backend="portal.accounts.backends.PhoneOrEmailBackend")

        def selector(view="open", access=access):
            with scope(organization=org):
                return list(ticket_queue(access=access, view=view)[:50])

        def counts(access=access):
            with scope(organization=org):
                return ticket_queue_counts(access=access)

        filtered = {"priority": "high", "property": prop.pk, "team": team.pk if team else ""}
        scenarios = [
            ("selector: open view, first 50", selector),
            ("selector: breached view, first 50", lambda: selector("breached")),
            ("selector: counts of all views", counts),
            ("page /o/sunrise/tickets/ (default)", _get(page, "/o/sunrise/tickets/")),
            ("page, filtered (high, property, team)",
             _get(page, "/o/sunrise/tickets/", filtered)),
            ("page, search by phone digits", _get(page, "/o/sunrise/tickets/", {"q": "13800"})),
            ("API tickets/?view=open", _get(api, "/api/v1/orgs/sunrise/tickets/",
                                            {"view": "open"})),
            ("API tickets/ filtered", _get(api, "/api/v1/orgs/sunrise/tickets/",
                                           {"view": "open", **filtered})),
        ]
        for label, action in scenarios:
            results.append(timed(label, who, action, requests))
            print(_line(results[-1]), flush=True)
    return results


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _database_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when the server runs on
    this machine (``/proc``): on a shared machine, CPU says more than wall time."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_sla(due: int) -> list[dict]:
    results = []
    reset = reset_due(due)
    with scopes_disabled():
        open_tickets = Ticket.objects.filter(
            organization__slug="sunrise", status__in=["new", "accepted", "in_progress",
                                                     "waiting_on_owner"]).count()
    runs = [
        # The first run of the process also pays for imports, templates and the holiday
        # tables; the warm run is what a Celery worker running the job every minute pays.
        ("SLA job, due tickets", nullcontext()),
        ("SLA job, nothing due", nullcontext()),
        ("SLA job, due, warm process", nullcontext()),
        # The same work again with the hand-over to communications (notification rows, live
        # messages) replaced by nothing: what the SLA engine and its own writes cost.
        ("SLA job, due, without delivery", patch("tickets.services.sla_job.escalations_notify")),
    ]
    for label, stub in runs:
        if label.startswith("SLA job, due,"):
            reset_due(due)
        # Counted by a wrapper: the debug query log keeps only the last 9,000 statements.
        counter = QueryCounter()
        entries = escalation_entries()
        database_cpu = _database_cpu()
        with stub, connection.execute_wrapper(counter):
            started, started_cpu = time.perf_counter(), time.process_time()
            run = sla_process_due()
            seconds = time.perf_counter() - started
            cpu = time.process_time() - started_cpu
        if database_cpu is not None:
            database_cpu = _database_cpu() - database_cpu
        entries = escalation_entries() - entries  # written by this run
        results.append({
            "scenario": label, "open_tickets": open_tickets, "due": run.tickets,
            "reset": reset, "tickets": run.tickets, "fired": run.fired, "breaches": run.breaches,
            "timeline_entries": entries,
            "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
            "database_cpu_seconds": None if database_cpu is None else round(database_cpu, 2),
            "queries": counter.count, "load_average": os.getloadavg(),
        })
        database = "  n/a" if database_cpu is None else f"{database_cpu:5.2f}"
        print(f"  {label:<42} {run.tickets:>6} tickets {run.fired:>6} levels fired "
              f"{entries:>6} entries {run.breaches:>5} breaches {seconds:>8.3f} s "
              f"{cpu:>7.3f} s CPU "
              f"{database} s DB CPU {counter.count:>6} queries "
              f"(load {os.getloadavg()[0]:.1f})",
              flush=True)
    # The backlog as the worker runs it: tickets.tasks.sla_check shares it between processes.
    processes = settings.TICKETS_SLA_PROCESSES
    label = f"SLA job, due, {processes} worker processes"
    reset_due(due)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    shared = sla_in_processes(processes)
    entries = escalation_entries()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The processes' own CPU (their database backends' is not counted).
    shared["cpu_seconds"] = round(after.ru_utime + after.ru_stime - children.ru_utime
                                  - children.ru_stime, 3)
    results.append({"scenario": label, "open_tickets": open_tickets, "reset": reset,
                    **shared, "timeline_entries": entries, "load_average": os.getloadavg()})
    print(f"  {label:<42} {shared['tickets']:>6} tickets {shared['fired']:>6} levels fired "
          f"{entries:>6} entries "
          f"{shared['breaches']:>5} breaches {shared['seconds']:>8.3f} s "
          f"{shared['cpu_seconds']:>7.3f} s CPU "
          f"(tickets per process {shared['per_process']}; load {os.getloadavg()[0]:.1f})",
          flush=True)
    return results


def _line(result: dict) -> str:
    return (f"  {result['scenario']:<42} {result['as']:<8} {result['requests']:>5} "
            f"{result['p50_ms']:>8.1f} {result['p95_ms']:>8.1f} {result['max_ms']:>8.1f} "
            f"{result['queries']:>7}")


def main() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=StringIO())
    seeding = seed(ARGS.tickets, ARGS.open, ARGS.due)
    with scopes_disabled():
        total = Ticket.objects.filter(organization__slug="sunrise").count()
    print(f"database: postgresql {connection.settings_dict['NAME']}, sunrise tickets: {total} "
          f"(seeded now: {seeding['seeded']} in {seeding['seconds']} s)")
    print(f"  {'scenario':<42} {'as':<8} {'reqs':>5} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'max ms':>8} {'queries':>7}")
    queue = [] if ARGS.skip_queue else measure_queue(ARGS.requests)
    sla = measure_sla(ARGS.due)
    out = ROOT / ARGS.output
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "database": connection.settings_dict["NAME"], "tickets": total, "seeding": seeding,
        "queue": queue, "sla": sla, "seconds": round(time.perf_counter() - started, 1),
        "at": timezone.now().isoformat(),
    }, indent=2, ensure_ascii=False))
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"written: {shown} ({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
