import copy
import uuid

import pytest
from django_scopes import scope

from portal.sms import MemoryBackend
from tests.tickets.conftest import TUESDAY_10AM, make_desk


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "portal.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


@pytest.fixture(autouse=True)
def _own_channel_prefix(settings):
    # The project's layer on the project's Redis under a prefix of our own: another test run
    # sharing this Redis never sees these groups, nor we theirs.
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = layers


@pytest.fixture
def desk(world, time_machine):
    """Sunrise's service desk (tests/tickets/conftest.py), the clock on a Tuesday morning."""
    time_machine.move_to(TUESDAY_10AM, tick=False)
    with scope(organization=world.sunrise.org):
        yield make_desk(world.sunrise)
