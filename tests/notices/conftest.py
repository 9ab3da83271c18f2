"""Notices on top of the shared world: short ways to act as each person of Sunrise."""

from dataclasses import dataclass

import pytest
from django_scopes import scope

from notices.services import notice_create, notice_publish
from portal.tenancy.access import compute_access


@dataclass
class Board:
    w: object  # the sunrise OrgWorld

    def access(self, user):
        return compute_access(user, self.w.org)

    def draft(self, **fields):
        fields.setdefault("title", "Water off on Thursday")
        fields.setdefault("body", "Water is **off** from 9:00 to 12:00.")
        if not any(k in fields for k in ("property_ids", "building_ids", "unit_ids")):
            fields.setdefault("whole_organization", True)
        return notice_create(access=self.access(self.w.manager), **fields)

    def publish(self, **fields):
        notice = self.draft(**fields)
        return notice_publish(access=self.access(self.w.manager), notice=notice)


@pytest.fixture
def board(world):
    with scope(organization=world.sunrise.org):
        yield Board(world.sunrise)
