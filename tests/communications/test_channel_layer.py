"""portal.channel_layer.group_send_many against real Redis: what it writes is what channels-redis's
group_send writes (the consumers read it with plain channels-redis), in two round trips."""

import asyncio
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from redis.asyncio.client import Pipeline, Redis

from portal import realtime
from portal.channel_layer import GroupSendManyLayer

ALICE = "specific.alicebrowser!1"
ALICE_TAB = "specific.alicebrowser!2"  # same process as ALICE: one Redis key for both
BOB = "specific.bobbrowser!1"
CHARLIE = "plain.charlie"
TICKET = {"type": "ticket.updated", "org": "sunrise", "ticket": 3, "status": "accepted"}
NOTICE = {"type": "notice.published", "org": "sunrise", "notice": 8}


def make(layer_class, settings, prefix=None, **config):
    hosts = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]
    return layer_class(hosts=hosts, prefix=prefix or f"test-{uuid.uuid4().hex[:12]}", **config)


made: list = []


def track(layer):
    """A layer whose keys :func:`run` deletes afterwards."""
    made.append(layer)
    return layer


def run(scenario):
    async def with_cleanup():
        try:
            return await scenario()
        finally:
            while made:
                await made.pop().flush()

    return async_to_sync(with_cleanup)()


async def join(layer, members):
    for group, channels in members.items():
        for channel in channels:
            await layer.group_add(group, channel)


async def contents(layer, *channels):
    """What each channel's Redis key holds, decoded, in score order, without the random prefix
    (compared byte for byte with what channels-redis writes)."""
    connection = layer.connection(0)
    found = {}
    for channel in channels:
        local = layer.non_local_name(channel) if "!" in channel else channel
        raw = await connection.zrange(layer.prefix + local, 0, -1)
        found[local] = [(layer.deserialize(item), item[12:]) for item in raw]
    return found


def test_every_member_gets_each_message_once_in_the_channels_redis_format(settings):
    members = {"user.1": [ALICE, ALICE_TAB, CHARLIE], "user.2": [ALICE_TAB, BOB]}
    batch = [(["user.1"], TICKET), (["user.2"], NOTICE)]

    async def scenario():
        many = track(make(GroupSendManyLayer, settings))
        plain = track(make(RedisChannelLayer, settings))
        await join(many, members)
        await join(plain, members)
        assert await many.group_send_many(batch) == 0
        for groups, message in batch:
            await plain.group_send(groups[0], message)
        ours = await contents(many, ALICE, BOB, CHARLIE)
        theirs = await contents(plain, ALICE, BOB, CHARLIE)
        ttl = await many.connection(0).ttl(many.prefix + "plain.charlie")
        return ours, theirs, ttl

    ours, theirs, ttl = run(scenario)
    assert [m for m, _ in ours["specific.alicebrowser!"]] == [
        {**TICKET, "__asgi_channel__": [ALICE, ALICE_TAB]},
        {**NOTICE, "__asgi_channel__": [ALICE_TAB]},
    ]
    assert [m for m, _ in ours["specific.bobbrowser!"]] == [{**NOTICE, "__asgi_channel__": [BOB]}]
    assert [m for m, _ in ours["plain.charlie"]] == [{**TICKET, "__asgi_channel__": [CHARLIE]}]
    # Byte for byte what group_send writes, and the key expires as channels-redis sets it.
    assert {k: sorted(b for _, b in v) for k, v in ours.items()} == {
        k: sorted(b for _, b in v) for k, v in theirs.items()
    }
    assert 0 < ttl <= 60


def test_a_channel_in_several_groups_of_a_message_gets_it_once(settings):
    async def scenario():
        many = track(make(GroupSendManyLayer, settings))
        await join(many, {"user.1": [BOB, CHARLIE], "unit.4": [BOB, CHARLIE], "unit.5": [BOB]})
        await many.group_send_many([(["user.1", "unit.4", "unit.5"], TICKET)])
        return await contents(many, BOB, CHARLIE)

    found = run(scenario)
    assert [m for m, _ in found["specific.bobbrowser!"]] == [{**TICKET, "__asgi_channel__": [BOB]}]
    assert [m for m, _ in found["plain.charlie"]] == [{**TICKET, "__asgi_channel__": [CHARLIE]}]


def test_plain_channels_redis_receives_them_in_batch_order(settings):
    async def scenario():
        prefix = f"test-{uuid.uuid4().hex[:12]}"
        many = track(make(GroupSendManyLayer, settings, prefix))
        receiver = track(make(RedisChannelLayer, settings, prefix))
        first, second = await receiver.new_channel(), await receiver.new_channel()
        await join(receiver, {"user.1": [first, second], "user.2": [second]})
        await many.group_send_many(
            [(["user.1"], {"type": "n", "i": i}) for i in range(5)] + [(["user.2"], NOTICE)]
        )
        got_first = [await asyncio.wait_for(receiver.receive(first), 2) for _ in range(5)]
        got_second = [await asyncio.wait_for(receiver.receive(second), 2) for _ in range(6)]
        return got_first, got_second

    got_first, got_second = run(scenario)
    expected = [{"type": "n", "i": i} for i in range(5)]
    assert got_first == expected
    assert got_second == [*expected, NOTICE]


def test_full_channels_are_skipped_as_channels_redis_does(settings):
    members = {"user.1": [BOB, CHARLIE]}

    async def scenario():
        outcomes = []
        for layer_class in (GroupSendManyLayer, RedisChannelLayer):
            layer = track(make(layer_class, settings, capacity=2))
            await join(layer, members)
            await layer.send(CHARLIE, {"type": "old", "i": 1})
            await layer.send(CHARLIE, {"type": "old", "i": 2})
            if layer_class is GroupSendManyLayer:
                skipped = await layer.group_send_many([(["user.1"], TICKET), (["user.1"], NOTICE)])
            else:
                await layer.group_send("user.1", TICKET)
                await layer.group_send("user.1", NOTICE)
            found = await contents(layer, BOB, CHARLIE)
            outcomes.append({k: [m for m, _ in v] for k, v in found.items()})
        return skipped, outcomes

    skipped, (ours, theirs) = run(scenario)
    assert skipped == 2
    assert ours == theirs
    assert [m["type"] for m in ours["plain.charlie"]] == ["old", "old"]
    assert [m["type"] for m in ours["specific.bobbrowser!"]] == [TICKET["type"], NOTICE["type"]]


def test_expired_members_and_messages_are_dropped_first(settings):
    async def scenario():
        layer = track(make(GroupSendManyLayer, settings, capacity=1))
        await join(layer, {"user.1": [CHARLIE]})
        redis = layer.connection(0)
        # A member whose group_add is older than group_expiry, a message older than expiry.
        await redis.zadd(layer._group_key("user.1"), {BOB: 1})
        await redis.zadd(layer.prefix + CHARLIE, {layer.serialize({"type": "stale"}): 1})
        await layer.group_send_many([(["user.1"], TICKET)])
        members = await redis.zrange(layer._group_key("user.1"), 0, -1)
        return members, await contents(layer, BOB, CHARLIE)

    members, found = run(scenario)
    assert members == [CHARLIE.encode()]
    assert found["specific.bobbrowser!"] == []
    assert [m for m, _ in found["plain.charlie"]] == [{**TICKET, "__asgi_channel__": [CHARLIE]}]


@pytest.fixture
def round_trips(monkeypatch):
    """Counts what reaches Redis: each pipeline and each single command is one round trip."""
    counts = {"pipelines": 0, "commands": []}
    execute, execute_command = Pipeline.execute, Redis.execute_command

    async def counted_execute(self, *args, **kwargs):
        counts["pipelines"] += 1
        return await execute(self, *args, **kwargs)

    async def counted_command(self, *args, **kwargs):
        counts["commands"].append(args[0])
        return await execute_command(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", counted_execute)
    monkeypatch.setattr(Redis, "execute_command", counted_command)
    return counts


def snapshot(counts):
    return {"pipelines": counts["pipelines"], "commands": list(counts["commands"])}


def test_a_batch_costs_one_read_and_one_script_per_shard(settings, round_trips):
    async def scenario():
        layer = track(make(GroupSendManyLayer, settings))
        await join(layer, {f"user.{n}": [f"specific.browser{n % 2}!{n}"] for n in range(50)})
        round_trips.update(pipelines=0, commands=[])
        await layer.group_send_many(
            [([f"user.{n}" for n in range(50)], {"type": "e", "i": i}) for i in range(20)]
        )
        return snapshot(round_trips)

    counts = run(scenario)
    assert counts == {"pipelines": 0, "commands": ["EVAL", "EVAL"]}  # read, push


def test_empty_groups_cost_the_read_alone_and_an_empty_batch_nothing(settings, round_trips):
    async def scenario():
        layer = track(make(GroupSendManyLayer, settings))
        await layer.group_send_many([])
        nothing = snapshot(round_trips)
        await layer.group_send_many([(["user.1", "unit.2"], TICKET), (["user.3"], NOTICE)])
        keys = await layer.connection(0).keys(layer.prefix + "*")
        return nothing, snapshot(round_trips), keys

    nothing, counts, keys = run(scenario)
    assert nothing == {"pipelines": 0, "commands": []}
    assert counts["pipelines"] == 0
    assert counts["commands"] == ["EVAL", "KEYS"]  # the read, then the test's own look
    assert keys == []


def test_realtime_falls_back_to_group_send_on_other_layers(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

    async def scenario():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add("user.1", channel)
        await realtime._send_all([(["user.1", "user.2"], TICKET)])
        return await asyncio.wait_for(layer.receive(channel), 1)

    assert async_to_sync(scenario)() == TICKET
