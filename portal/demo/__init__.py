"""Demo data for ``manage.py seed_demo``: a registry of seed steps that every app can extend.

The command runs every registered step, by ascending order, inside one transaction with
django-scopes disabled. This package registers step 0 (``organisations``): the organisations
``sunrise`` and ``harbor`` with their properties, buildings, units, assets, staff and residents.

A feature adds its own demo content in ``<app>/demo.py``, which the command imports for every
installed app (like the admin's autodiscovery)::

    # tickets/demo.py
    from portal.demo import DemoContext, seed_step

    @seed_step(order=200)
    def tickets(ctx: DemoContext) -> None:
        sunrise = ctx.orgs["sunrise"]          # OrgSeed: properties, units, memberships, ...
        owner = sunrise.people["owner"]        # the people with fixed logins, by name
        rng = ctx.rng("tickets")               # deterministic, independent of other steps
        ctx.ensure(Ticket.objects.filter(organization=sunrise.organization), planned,
                   key=("number",), update=("status",))

Rules for a step: derive everything from ``ctx.rng(name)`` and the plan, never from what is
already in the database, so the demo looks the same every time; match rows on a natural key
with ``ctx.ensure`` (bulk insert of what is missing, so a second run writes nothing); write
many rows in bulk; call the app's services where a write has side effects that matter for the
demo (timeline entries, SLA due times), as long as the step stays idempotent.
"""

from . import organisations  # noqa: F401 - registers step 0
from .registry import DEMO_PASSWORD, SEED, DemoContext, Login, OrgSeed, run, seed_step, steps

__all__ = [
    "DEMO_PASSWORD", "SEED", "DemoContext", "Login", "OrgSeed", "run", "seed_step", "steps",
]
