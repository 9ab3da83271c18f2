"""Seed steps, the context they share, and the run that executes them in one transaction."""

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_scopes import scopes_disabled

from portal.generations import forget_all

SEED = 20240501
DEMO_PASSWORD = "courtyard-demo"


@dataclass(frozen=True)
class Login:
    """One row of the table that `seed_demo` prints at the end."""

    organization: str
    role: str
    email: str
    phone: str = ""
    note: str = ""


@dataclass
class OrgSeed:
    """What a later step needs to hang its content on: everything keyed by natural names."""

    organization: object
    properties: list = field(default_factory=list)
    buildings: list = field(default_factory=list)
    units: list = field(default_factory=list)
    assets: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    residencies: list = field(default_factory=list)
    # The people with fixed logins and roles ("admin", "manager", "staff", "owner", ...).
    people: dict = field(default_factory=dict)


@dataclass
class DemoContext:
    seed: int = SEED
    now: datetime = field(default_factory=timezone.now)
    orgs: dict[str, OrgSeed] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    _password_hash: str = ""

    def rng(self, name: str) -> random.Random:
        """A generator of its own per name, so that adding a step or a draw in one place never
        shifts the data another step produces."""
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 - demo data, not secrets

    @property
    def password_hash(self) -> str:
        # Hashed once with the configured (real) hasher and shared by the hundreds of demo
        # residents: Argon2 per person would make the seed take half a minute.
        if not self._password_hash:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def ensure(
        self,
        queryset: QuerySet,
        objs: Iterable[Model],
        *,
        key: tuple[str, ...],
        update: tuple[str, ...] = (),
    ) -> dict[tuple, Model]:
        """Make the rows ``objs`` exist, matched by ``key`` (attribute names) among ``queryset``.

        Missing rows are inserted in bulk; for rows already there, the ``update`` fields are
        brought back to the plan and every other field is left alone (timestamps, passwords
        people changed). Returns the saved rows by key, in the order of ``objs``.
        """
        objs = list(objs)
        model = queryset.model

        def key_of(obj):
            return tuple(getattr(obj, name) for name in key)

        existing = {key_of(obj): obj for obj in queryset}
        missing, changed, result = [], [], {}
        for obj in objs:
            found = existing.get(key_of(obj))
            if found is None:
                missing.append(obj)
                result[key_of(obj)] = obj
                continue
            differs = [name for name in update if getattr(found, name) != getattr(obj, name)]
            for name in differs:
                setattr(found, name, getattr(obj, name))
            if differs:
                changed.append(found)
            result[key_of(obj)] = found
        # PostgreSQL and SQLite >= 3.35 return the new primary keys from a bulk insert.
        model._base_manager.bulk_create(missing, batch_size=500)
        if changed:
            model._base_manager.bulk_update(changed, list(update), batch_size=500)
        self.created[model._meta.label] += len(missing)
        self.updated[model._meta.label] += len(changed)
        return result


Step = Callable[[DemoContext], None]
_steps: dict[str, tuple[int, Step]] = {}


def seed_step(order: int) -> Callable[[Step], Step]:
    """Register ``func(ctx)`` as a seed step; steps run by ascending ``order``.

    0–99 belong to the organisations, people and places (``portal.demo.organisations``);
    features use 100 and above, e.g. tickets 200, notices 300, surveys 400, events 500.
    """

    def register(func: Step) -> Step:
        _steps[f"{func.__module__}.{func.__qualname__}"] = (order, func)
        return func

    return register


def steps() -> list[tuple[str, Step]]:
    autodiscover_modules("demo")  # imports <app>/demo.py of every installed app
    ordered = sorted(_steps.items(), key=lambda item: (item[1][0], item[0]))
    return [(name, func) for name, (_order, func) in ordered]


def run(*, seed: int = SEED) -> DemoContext:
    """Run every step in one transaction: a failure leaves the database as it was."""
    ctx = DemoContext(seed=seed)
    with transaction.atomic(), scopes_disabled():
        for _name, func in steps():
            func(ctx)
        # Its bulk writes send no signal: every remembered read is read again after commit.
        transaction.on_commit(forget_all)
    return ctx
