"""An events hall on top of the shared world: the clock on a Tuesday morning in Shanghai, a
published event in sunrise's first property, and short ways to act as each person."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scope

from events.models import Event, Registration
from events.services import event_create, event_publish, registration_create
from portal.tenancy.access import compute_access

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


def at(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Hall:
    w: object  # the OrgWorld

    def access(self, user):
        return compute_access(user, self.w.org)

    def event(self, *, publish: bool = True, **fields) -> Event:
        fields.setdefault("title", "Calligraphy class")
        fields.setdefault("place", "Clubhouse, 2nd floor")
        fields.setdefault("starts_at", at(2026, 3, 14, 15, 0))
        fields.setdefault("ends_at", at(2026, 3, 14, 16, 30))
        fields.setdefault("capacity", 10)
        fields.setdefault("max_party_size", 3)
        fields.setdefault("property", self.w.property)
        event = event_create(access=self.access(self.w.manager), **fields)
        if publish:
            event = event_publish(access=self.access(self.w.manager), event=event)
        return Event.objects.get(pk=event.pk)

    def register(self, user, event, party_size: int = 1, **kwargs) -> Registration:
        return registration_create(
            access=self.access(user), event=event, party_size=party_size, **kwargs
        )


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def hall(world, clock):
    with scope(organization=world.sunrise.org):
        yield Hall(world.sunrise)


def statuses(event) -> list[tuple[str, str, int]]:
    return [
        (r.user.email.split("@")[0], r.status, r.party_size)
        for r in Registration.objects.filter(event=event).select_related("user")
        .order_by("created_at", "pk")
    ]
