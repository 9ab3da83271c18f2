"""HTTP scenarios under locust, against the running process set.

Each row of HTTP_SCENARIOS: a name, the concurrent users, which server ("app" or the
framework floor), how users take the prepared requests (see locustfile.py), a function
``(ctx) -> list of request dicts``, and optionally a budget. A GET scenario's SQL statements
per request are counted once in-process beforehand (the "queries" column).

To add a page or an API: one ``HttpScenario`` row with its request builder.
"""

import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.generations import clear_process_memory
from portal.tenancy.models import Membership
from tickets.models import Status, Ticket

from ..load import run_locust
from ..seed.people import token_for
from ..seed.tickets import DUE_TEXT
from ..stats import multiple

NAME = "http"
NEEDS_PROCESSES = True


def _token(token: str) -> dict:
    return {"Authorization": f"Token {token}"}


def _cookie(session: str) -> dict:
    return {"Cookie": f"sessionid={session}"}


def floor(ctx):
    return [{"method": "GET", "path": "/floor/"}]


def queue_api(ctx):
    return [{"method": "GET", "path": f"/api/v1/orgs/{m['slug']}/tickets/?view=open",
             "headers": _token(m["token"])} for m in ctx.people["managers"]]


def queue_page(ctx):
    return [{"method": "GET", "path": f"/o/{m['slug']}/tickets/",
             "headers": _cookie(m["session"])} for m in ctx.people["managers"]]


def owner_requests(ctx):
    return [{"method": "GET", "path": f"/o/{o['slug']}/requests/",
             "headers": _cookie(o["session"])} for o in ctx.people["owners"]]


def notice_feed(ctx):
    return [{"method": "GET", "path": f"/o/{o['slug']}/notices/",
             "headers": _cookie(o["session"])} for o in ctx.people["owners"]]


def dashboard(name: str) -> Callable:
    """The dashboard API over the last twelve months (most of it from the daily rollup, today
    live), as each organisation's all-properties manager."""
    def requests(ctx):
        today = timezone.localdate()
        query = f"start={today - timedelta(days=365)}&end={today}"
        return [{"method": "GET", "path": f"/api/v1/orgs/{m['slug']}/dashboard/{name}/?{query}",
                 "headers": _token(m["token"])} for m in ctx.people["managers"]]
    requests.__name__ = f"dashboard_{name}"
    return requests


def ticket_create(ctx):
    # A different owner each time (the write throttle allows 60 a minute per person).
    return [{"method": "POST", "path": f"/api/v1/orgs/{c['slug']}/tickets/",
             "headers": _token(c["token"]), "expect": 201,
             "json": {"category": c["category"], "unit": c["unit"], "priority": "normal",
                      "title": "基准：水管漏水", "description": "Benchmark: created under load."}}
            for c in ctx.people["creators"]]


def ticket_transition(ctx, limit: int = 5000, per_person: int = 50):
    """New → accepted, once per ticket, by staff covering its property; at most
    ``per_person`` each, under the write throttle."""
    with scopes_disabled():
        tickets = list(
            Ticket.objects.filter(status=Status.NEW).exclude(description=DUE_TEXT)
            .order_by("-created_at").values_list("number", "property_id", "organization__slug")
            [: limit * 2]
        )
        staff = {}
        for user_id, property_id in Membership.objects.filter(
            role="staff", properties__isnull=False
        ).values_list("user_id", "properties"):
            staff.setdefault(property_id, []).append(user_id)
    used, requests = {}, []
    for number, property_id, slug in tickets:
        person = next((u for u in staff.get(property_id, []) if used.get(u, 0) < per_person),
                      None)
        if person is None:
            continue
        used[person] = used.get(person, 0) + 1
        requests.append({"method": "POST", "path":
                         f"/api/v1/orgs/{slug}/tickets/{number}/transition/",
                         "headers": _token(token_for(person)), "json": {"to": "accepted"}})
        if len(requests) >= limit:
            break
    return requests


@dataclass(frozen=True)
class HttpScenario:
    name: str
    users: int
    requests: Callable
    mode: str = "per_user"
    server: str = "app"
    floor: bool = False           # this row is the framework floor
    budget_p95_ms: float | None = None
    budget_x_floor_p95: float | None = None


HTTP_SCENARIOS = [
    HttpScenario("floor: bare Django JSON view", 8, floor, server="floor", floor=True),
    HttpScenario("floor: bare Django JSON view", 32, floor, server="floor", floor=True),
    HttpScenario("staff queue API ?view=open", 8, queue_api, budget_p95_ms=50,
                 budget_x_floor_p95=3),
    HttpScenario("staff queue API ?view=open", 32, queue_api),
    HttpScenario("staff queue page", 8, queue_page),
    HttpScenario("staff queue page", 32, queue_page),
    HttpScenario("owner's request list page", 8, owner_requests),
    HttpScenario("owner's notice feed page", 8, notice_feed),
    # Two managers at once: the budget is one dashboard's response time, not throughput.
    *(HttpScenario(f"dashboard API: {name}, 12 months", 2, dashboard(name), budget_p95_ms=1000)
      for name in ("sla", "satisfaction", "engagement", "hotspots")),
    # The budget is one filing's response time: two owners filing at every moment is ~50
    # tickets a second, ~1,500 times the million a year the harness models. Eight is the
    # stress row, for throughput.
    HttpScenario("ticket creation (API POST)", 2, ticket_create, mode="rotate",
                 budget_p95_ms=100),
    HttpScenario("ticket creation (API POST)", 8, ticket_create, mode="rotate"),
    HttpScenario("status transition (API POST)", 8, ticket_transition, mode="once"),
]


def _queries(request: dict) -> int | None:
    """SQL statements of one such request, run in-process (GET only: no writes twice)."""
    if request["method"] != "GET" or request["path"].startswith("/floor/"):
        return 0 if request["path"].startswith("/floor/") else None
    headers = dict(request.get("headers") or {})
    client = Client()
    if "Cookie" in headers:
        client.cookies["sessionid"] = headers.pop("Cookie").split("=", 1)[1]
    client.defaults.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    clear_process_memory()  # a cold request's statements (portal.generations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(request["path"], HTTP_HOST="127.0.0.1")
    return len(captured) if response.status_code == 200 else None


def _warm(host: str, requests: list[dict], count: int) -> None:
    """A few requests before the timed run: each worker's first request loads templates,
    translations and opens its database connection, which the load should not measure."""
    for request in (requests * count)[:count]:
        if request["method"] != "GET":
            return
        req = urllib.request.Request(host + request["path"], headers=request.get("headers") or {})
        try:
            with urllib.request.urlopen(req, timeout=60) as response:  # noqa: S310 - loopback
                response.read()
        except OSError:
            return  # the timed run will report what is wrong


def run(ctx) -> list[dict]:
    results = []
    processes = ctx.processes
    wanted = [word.strip() for word in getattr(ctx.args, "http", "").split(",") if word.strip()]
    for spec in HTTP_SCENARIOS:
        if wanted and not spec.floor and not any(word in spec.name for word in wanted):
            continue
        requests = spec.requests(ctx)
        label = f"{spec.name} @{spec.users}"
        if not requests:
            results.append({"scenario": spec.name, "users": spec.users, "kind": "http",
                            "error": "nothing to request"})
            continue
        queries = _queries(requests[0])
        host = processes.floor_url if spec.server == "floor" else processes.url
        _warm(host, requests, 4 * ctx.args.workers)
        ctx.log(f"  running {label} for {ctx.seconds:.0f} s")
        result = run_locust(name=spec.name, users=spec.users, seconds=ctx.seconds, host=host,
                            requests=requests, mode=spec.mode, run_dir=ctx.run_dir)
        result.update(kind="http", queries=queries)
        if spec.floor:
            ctx.floors[f"framework@{spec.users}"] = result
        else:
            base = ctx.floors.get(f"framework@{spec.users}", {})
            result["x_floor"] = {p: multiple(result.get(f"{p}_ms"), base.get(f"{p}_ms"))
                                 for p in ("p50", "p95", "p99")}
            if "queue API" in spec.name:
                db = ctx.floors.get("database@1", {})
                result["x_db_floor_p50"] = multiple(result.get("p50_ms"), db.get("p50_ms"))
        if spec.budget_p95_ms is not None and result.get("p95_ms") is not None:
            ok = result["p95_ms"] <= spec.budget_p95_ms
            budget = f"p95 <= {spec.budget_p95_ms:g} ms"
            if spec.budget_x_floor_p95 is not None:
                x = result.get("x_floor", {}).get("p95")
                ok = ok and x is not None and x <= spec.budget_x_floor_p95
                budget += f" and <= {spec.budget_x_floor_p95:g}x floor"
            result.update(budget=budget, budget_ok=ok)
        results.append(result)
    return results
