"""Locust users for the soak (bench/soak.py): one mixed load instead of one scenario per run.

The spec (SOAK_SPEC, JSON written by soak.py) holds the people to act as and the weights of
each kind of request. Every user keeps one manager and one owner (a browser session each) and
picks a kind by weight each time:

* reads: the staff queue API and page, the owner's request list, the notice feed (page, API);
* ``create``: a ticket by an owner (a different owner each time, API token);
* ``transition``: a ticket this run created moves on, new → accepted → in progress →
  resolved, by someone covering its property; so the open queue does not grow for 30 minutes.

Writes respect the product's write throttle (60 a minute per person) with a margin: a write
whose people are all at their budget becomes a queue read instead, so a 429 is a finding, not
the load's own doing. Cumulative counts go to SOAK_PROGRESS every few seconds (soak.py samples
them); the latencies of every kind go there when locust quits.
"""

import itertools
import json
import os
import random
import time
from collections import deque

import gevent
from locust import FastHttpUser, constant, constant_throughput, events, task

with open(os.environ["SOAK_SPEC"]) as spec_file:
    SPEC = json.load(spec_file)
PROGRESS = os.environ["SOAK_PROGRESS"]
WRITES_PER_MINUTE = SPEC.get("writes_per_minute", 45)
NEXT_STATUS = {"accepted": "in_progress", "in_progress": "resolved"}

_users = itertools.count()
_creators = itertools.cycle(SPEC["creators"])
PENDING: deque = deque()  # (slug, number, property id, next status): tickets this run created
WRITES: dict[str, deque] = {}  # person's token → times of their recent writes
COUNTS = {"requests": {}, "failures": {}, "status": {}, "errors": {}, "fallbacks": 0,
          "exceptions": 0}
LATENCIES: dict[str, list[float]] = {}


def _may_write(token: str) -> bool:
    """True (and counted) when ``token`` wrote fewer than the budget in the last minute."""
    now = time.monotonic()
    recent = WRITES.setdefault(token, deque())
    while recent and recent[0] < now - 60:
        recent.popleft()
    if len(recent) >= WRITES_PER_MINUTE:
        return False
    recent.append(now)
    return True


def _bump(table: dict, key: str) -> None:
    table[key] = table.get(key, 0) + 1


def _wait_time():
    rate = SPEC.get("rate_per_user")
    return constant_throughput(rate) if rate else constant(0)


class SoakUser(FastHttpUser):
    wait_time = _wait_time()
    connection_timeout = 30.0
    network_timeout = 60.0

    def on_start(self):
        index = next(_users)
        self.manager = SPEC["managers"][index % len(SPEC["managers"])]
        self.owner = SPEC["owners"][index % len(SPEC["owners"])]
        self.reader = SPEC["creators"][index % len(SPEC["creators"])]  # an owner's token
        self.rng = random.Random(index)
        kinds = list(SPEC["weights"])
        self.kinds, self.weights = kinds, [SPEC["weights"][k] for k in kinds]

    def _call(self, kind, method, path, *, token=None, session=None, body=None, expect=200):
        headers = {}
        if token:
            headers["Authorization"] = f"Token {token}"
        if session:
            headers["Cookie"] = f"sessionid={session}"
        clock = time.perf_counter()
        with self.client.request(method, path, headers=headers, json=body, name=kind,
                                 catch_response=True) as response:
            ok = response.status_code == expect
            _bump(COUNTS["requests"], kind)
            _bump(COUNTS["status"], str(response.status_code))
            if ok:
                response.success()
            else:
                _bump(COUNTS["failures"], kind)
                key = f"{response.status_code} {method} {path}"
                if len(COUNTS["errors"]) < 20:  # the first answers say why
                    COUNTS["errors"][key] = str(response.text)[:300]
                response.failure(str(response.status_code))
        LATENCIES.setdefault(kind, []).append((time.perf_counter() - clock) * 1000)
        return response if ok else None

    @task
    def one(self):
        kind = self.rng.choices(self.kinds, self.weights)[0]
        try:
            getattr(self, kind)()
        except Exception as exc:  # counted as an error of the run, not lost in locust's log
            COUNTS["exceptions"] += 1
            if len(COUNTS["errors"]) < 20:
                COUNTS["errors"][f"{kind}: {exc.__class__.__name__}"] = str(exc)[:300]

    # --- reads ------------------------------------------------------------------------------

    def queue_api(self):
        m = self.manager
        self._call("staff queue API", "GET", f"/api/v1/orgs/{m['slug']}/tickets/?view=open",
                   token=m["token"])

    def queue_page(self):
        m = self.manager
        self._call("staff queue page", "GET", f"/o/{m['slug']}/tickets/", session=m["session"])

    def owner_requests(self):
        o = self.owner
        self._call("owner request list", "GET", f"/o/{o['slug']}/requests/",
                   session=o["session"])

    def notice_feed(self):
        o = self.owner
        self._call("owner notice feed", "GET", f"/o/{o['slug']}/notices/", session=o["session"])

    def notice_api(self):
        r = self.reader
        self._call("notice feed API", "GET", f"/api/v1/orgs/{r['slug']}/notices/",
                   token=r["token"])

    # --- writes -----------------------------------------------------------------------------

    def create(self):
        for _ in range(len(SPEC["creators"])):
            creator = next(_creators)
            if _may_write(creator["token"]):
                break
        else:
            COUNTS["fallbacks"] += 1
            return self.queue_api()
        response = self._call(
            "ticket creation", "POST", f"/api/v1/orgs/{creator['slug']}/tickets/",
            token=creator["token"], expect=201,
            body={"category": creator["category"], "unit": creator["unit"],
                  "priority": "normal", "title": "浸泡测试：水管漏水",
                  "description": "Soak: created under a long mixed load."},
        )
        if response is not None:
            ticket = response.json()
            place = ticket["property"]  # {"id", "name"} in answers, an id in older ones
            place = place["id"] if isinstance(place, dict) else place
            PENDING.append((creator["slug"], ticket["number"], place, "accepted"))

    def transition(self):
        if not PENDING:
            COUNTS["fallbacks"] += 1
            return self.queue_api()
        slug, number, property_id, to = PENDING.popleft()
        handler = next((t for t in SPEC["handlers"].get(str(property_id), [])
                        if _may_write(t)), None)
        if handler is None:
            PENDING.appendleft((slug, number, property_id, to))
            COUNTS["fallbacks"] += 1
            return self.queue_api()
        response = self._call("status transition", "POST",
                              f"/api/v1/orgs/{slug}/tickets/{number}/transition/",
                              token=handler, body={"to": to})
        if response is not None and to in NEXT_STATUS:
            PENDING.append((slug, number, property_id, NEXT_STATUS[to]))


def _write_progress(final: bool = False) -> None:
    payload = {"at": time.time(), "final": final, "pending_transitions": len(PENDING), **COUNTS}
    if final:
        payload["latencies"] = LATENCIES
    temporary = PROGRESS + ".tmp"
    with open(temporary, "w") as out:
        json.dump(payload, out)
    os.replace(temporary, PROGRESS)  # the sampler never reads half a file


def _progress_loop():
    while True:
        gevent.sleep(5)
        _write_progress()


@events.init.add_listener
def _start(environment, **_kwargs):
    gevent.spawn(_progress_loop)


@events.quitting.add_listener
def _quit(environment, **_kwargs):
    _write_progress(final=True)
