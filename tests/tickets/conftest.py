"""A service desk on top of the shared world: Sunrise's default categories and policies, the
clock on a Tuesday morning in Shanghai, and short ways to act as each person."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scope, scopes_disabled

from portal.tenancy.access import compute_access
from tickets.models import Category, Status, Ticket
from tickets.services import (
    categories_ensure_defaults,
    sla_ensure_defaults,
    ticket_accept,
    ticket_submit,
    ticket_transition,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 10 March 2026, an ordinary working week.
TUESDAY_10AM = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


def at(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Desk:
    w: object  # the OrgWorld
    repair: Category
    complaint: Category

    def access(self, user):
        return compute_access(user, self.w.org)

    def submit(self, user=None, **fields) -> Ticket:
        fields.setdefault("category", self.repair)
        fields.setdefault("title", "Kitchen tap drips")
        fields.setdefault("description", "Since yesterday evening.")
        if "property" not in fields and "asset" not in fields:
            fields.setdefault("unit", self.w.unit)
        return ticket_submit(access=self.access(user or self.w.owner), **fields)

    def reload(self, ticket: Ticket) -> Ticket:
        return Ticket.objects.get(pk=ticket.pk)

    def drive(self, ticket: Ticket, status: str) -> Ticket:
        """Take a new ticket along the usual path to ``status``."""
        staff, owner = self.access(self.w.staff), self.access(self.w.owner)
        if status == Status.NEW:
            return ticket
        if status == Status.CANCELLED:
            return ticket_transition(access=owner, ticket=ticket, to=Status.CANCELLED)
        ticket = ticket_accept(access=staff, ticket=ticket)
        path = {
            Status.ACCEPTED: [],
            Status.IN_PROGRESS: [Status.IN_PROGRESS],
            Status.WAITING_ON_OWNER: [Status.IN_PROGRESS, Status.WAITING_ON_OWNER],
            Status.RESOLVED: [Status.IN_PROGRESS, Status.RESOLVED],
            Status.CLOSED: [Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED],
        }[status]
        for step in path:
            who = owner if step == Status.CLOSED else staff
            ticket = ticket_transition(access=who, ticket=ticket, to=step, reason="Photo please")
        return ticket


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(TUESDAY_10AM, tick=False)
    return time_machine


def make_desk(w) -> Desk:
    categories_ensure_defaults(organization=w.org)
    sla_ensure_defaults(organization=w.org)
    by_kind = {c.kind: c for c in Category.objects.filter(organization=w.org)}
    return Desk(w, by_kind[Category.Kind.REPAIR], by_kind[Category.Kind.COMPLAINT])


@pytest.fixture
def desk(world, clock):
    """Sunrise's service desk; the test body runs inside Sunrise's scope."""
    with scope(organization=world.sunrise.org):
        yield make_desk(world.sunrise)


@pytest.fixture
def unscoped():
    with scopes_disabled():
        yield


@pytest.fixture
def live(settings, django_capture_on_commit_callbacks):
    """``live(action, users)`` runs ``action`` and returns the live events each user received
    through the real channel layer, after the transaction's on-commit callbacks ran."""
    import asyncio
    import copy
    import uuid

    from asgiref.sync import async_to_sync, sync_to_async
    from channels.layers import get_channel_layer

    from communications.live import user_group

    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = layers

    def run_action(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    def deliveries(action, users):
        async def scenario():
            layer = get_channel_layer()
            channels = {}
            for user in users:
                channels[user.pk] = await layer.new_channel()
                await layer.group_add(user_group(user.pk), channels[user.pk])
            # Thread-sensitive: runs in the test's thread, with its database transaction.
            await sync_to_async(run_action)(action)
            received = {}
            for user in users:
                events = []
                while True:
                    try:
                        message = await asyncio.wait_for(layer.receive(channels[user.pk]), 0.3)
                    except TimeoutError:
                        break
                    # The notification centre's own pushes are tested in tests/communications.
                    if not message["event"]["type"].startswith("notification."):
                        events.append(message["event"])
                received[user] = events
            return received

        return async_to_sync(scenario)()

    return deliveries
