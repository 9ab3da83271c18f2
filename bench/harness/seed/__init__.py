"""Seeders, run in order into an empty, migrated database; each writes one kind of data.

A seeder is a module with ``NAME`` and ``seed(ctx: SeedContext) -> dict`` (what it wrote, for
the report). It reads what earlier seeders published in ``ctx.world`` and publishes its own
ids there. To add a feature, write ``bench/harness/seed/<feature>.py`` and add its module
name below; PENDING lists those not written yet, reported as "not yet" by every run.
"""

import importlib
import random
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django_scopes import scopes_disabled

from ..config import RNG_SEED, Counts

SEEDERS = [
    "places",          # organisations, ticket defaults, properties, buildings, units
    "people",          # owners with verified residencies, staff with scopes, API tokens
    "tickets",         # tickets over two years, timeline entries, counters
    "notifications",   # the notification centre's rows
    "notices",         # notices with audiences and versions, receipts of their residents
    "surveys",         # surveys, questions, responses, participations, answers
    "rollups",         # the dashboards' daily rollups of the tickets (dashboards_backfill)
]
PENDING: dict[str, str] = {}  # seeders the issue asks for that wait on a feature


@dataclass
class SeedContext:
    counts: Counts
    now: datetime
    password: str  # one hash for every user: hashing 150,000 times would take hours
    world: dict = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{RNG_SEED}:{name}")


def run(ctx: SeedContext, log=print) -> dict:
    report = {}
    with scopes_disabled():
        for name in SEEDERS:
            module = importlib.import_module(f"{__name__}.{name}")
            started = time.perf_counter()
            with transaction.atomic():
                written = module.seed(ctx)
            seconds = round(time.perf_counter() - started, 1)
            report[module.NAME] = {**written, "seconds": seconds}
            log(f"  seeded {module.NAME:<14} {seconds:>7.1f} s  {written}")
    for name, what in PENDING.items():
        report[name] = {"not_yet": what}
        log(f"  seeded {name:<14}  not yet: {what}")
    return report
