"""Who else has a staff ticket page open ("someone else is on this ticket").

A Redis hash per ticket, one field per person (name, when last seen, whether replying), kept
a little longer than a page's poll interval. The page polls every ~20 s; a person counts as
present for PRESENT_FOR after their last poll. A new arrival (or someone starting a reply)
is announced to the property's staff with a small live message, so colleagues' hints appear
without waiting for their next poll; the message carries no name, their page fetches it.
"""

import json
import time
from dataclasses import dataclass

from . import live
from .replay import layer_redis

PRESENT_FOR = 45  # seconds
KEY_TTL = 120
PRESENCE_EVENT = "presence.ticket"


@dataclass(frozen=True)
class Present:
    user_id: int
    name: str
    replying: bool


def _key(prefix: str, organization_id: int, ticket_number: int) -> str:
    return f"{prefix}ticket:{organization_id}:{ticket_number}"


def presence_touch(
    *, organization, property_id: int, ticket_number: int, user, replying: bool = False
) -> list[Present]:
    """Record that ``user`` is on the ticket now; return the others present, by name.

    The caller has already checked that ``user`` may see the ticket (the staff page's lookup).
    """
    client, prefix = layer_redis("presence")
    key = _key(prefix, organization.pk, ticket_number)
    now = time.time()
    record = json.dumps({"name": user.full_name or str(user), "at": now, "replying": replying})
    with client.pipeline() as pipe:  # MULTI/EXEC: the read and the write see the same state
        pipe.hget(key, user.pk)
        pipe.hset(key, user.pk, record)
        pipe.expire(key, KEY_TTL)
        pipe.hgetall(key)
        before, _set, _expire, everyone = pipe.execute()
    others, stale = [], []
    for field, raw in everyone.items():
        entry = json.loads(raw)
        if entry["at"] < now - PRESENT_FOR:
            stale.append(field)
        elif int(field) != user.pk:
            others.append(Present(int(field), entry["name"], bool(entry["replying"])))
    if stale:
        client.hdel(key, *stale)
    previous = json.loads(before) if before else None
    arrived = previous is None or previous["at"] < now - PRESENT_FOR
    if arrived or (replying and not previous["replying"]):
        live.send_to_property_staff_on_commit(
            property_id,
            {"type": PRESENCE_EVENT, "org": organization.slug, "ticket": ticket_number},
        )
    return sorted(others, key=lambda present: (present.name, present.user_id))
