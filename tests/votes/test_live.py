"""A ballot pushes ``vote.ballot`` to the organisation's staff group, only after commit: the
tally pages refresh their data-live-refresh="vote." region on it."""

import asyncio
import copy
import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import channel_layers, get_channel_layer

from communications.live import org_staff_group
from portal.tenancy.access import compute_access
from surveys.votes import tally
from surveys.votes.services import ballot_cast

from .conftest import open_vote


@pytest.fixture(autouse=True)
def _own_channel_prefix(settings):
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = layers
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_a_ballot_tells_the_org_staff_group_after_commit(sunrise,
                                                        django_capture_on_commit_callbacks):
    vote = open_vote(sunrise)
    access = compute_access(sunrise.owner, sunrise.org)
    choices = {m.pk: tally.FOR for m in vote.matters.all()}
    held = []

    def cast_and_hold_the_commit():
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            ballot_cast(access=access, vote=vote, unit_id=sunrise.unit.pk, choices=choices)
        held.extend(callbacks)

    def commit():
        for callback in held:
            callback()

    async def scenario():
        # One event loop for the layer's connections throughout.
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(org_staff_group(sunrise.org.pk), channel)
        await sync_to_async(cast_and_hold_the_commit)()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(layer.receive(channel), 0.3)  # nothing before the commit
        await sync_to_async(commit)()
        return await asyncio.wait_for(layer.receive(channel), 5)

    message = async_to_sync(scenario)()
    event = {k: v for k, v in message["event"].items() if k != "seq"}  # the replay number
    assert event == {"type": "vote.ballot", "org": "sunrise", "vote": vote.pk}
