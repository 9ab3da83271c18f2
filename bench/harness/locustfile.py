"""Locust user for one scenario, described by a JSON spec (BENCH_SPEC) the harness writes.

The spec lists prepared requests (method, path, headers, json, the expected status) and how
users take them: ``per_user`` (each user keeps one, e.g. its own login), ``rotate`` (every
request takes the next, e.g. a different owner each time so no one hits the write throttle)
or ``once`` (each used once, e.g. one transition per ticket; a user stops when none are
left). Every request's start, duration and outcome go to BENCH_OUT when locust quits: the
harness computes its percentiles from the raw samples, not from locust's rounded buckets.
"""

import itertools
import json
import os
import time

from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

with open(os.environ["BENCH_SPEC"]) as spec_file:
    SPEC = json.load(spec_file)
REQUESTS = SPEC["requests"]
_users = itertools.count()
_next = itertools.count()
SAMPLES: list[tuple[float, float, bool]] = []
ERRORS: dict[str, int] = {}


class BenchUser(FastHttpUser):
    wait_time = constant(0)
    connection_timeout = 30.0
    network_timeout = 60.0

    def on_start(self):
        self.index = next(_users)

    def _spec(self) -> dict:
        if SPEC["mode"] == "per_user":
            return REQUESTS[self.index % len(REQUESTS)]
        index = next(_next)
        if SPEC["mode"] == "once" and index >= len(REQUESTS):
            raise StopUser()
        return REQUESTS[index % len(REQUESTS)]

    @task
    def one(self):
        spec = self._spec()
        started = time.time()
        clock = time.perf_counter()
        with self.client.request(
            spec["method"], spec["path"], headers=spec.get("headers") or {},
            json=spec.get("json"), name=SPEC["name"], catch_response=True,
        ) as response:
            ok = response.status_code == spec.get("expect", 200)
            if ok:
                response.success()
            else:
                key = f"{response.status_code} {spec['method']} {spec['path']}"
                ERRORS[key] = ERRORS.get(key, 0) + 1
                if len(ERRORS) < 5:  # the first answers say why
                    ERRORS[key + " body"] = str(response.text)[:300]
                response.failure(str(response.status_code))
        SAMPLES.append((started, (time.perf_counter() - clock) * 1000, ok))


@events.quitting.add_listener
def _write(environment, **_kwargs):
    with open(os.environ["BENCH_OUT"], "w") as out:
        json.dump({"samples": SAMPLES, "errors": ERRORS}, out)
