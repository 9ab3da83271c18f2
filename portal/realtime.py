"""The lowest layer of live updates: per-user socket groups and sending after commit.

It lives in ``portal`` (not in ``communications``) because accounts and tenancy must close a
person's sockets on sign-out or a lost membership, and they may not depend on an app
(DESIGN §3). Features publish through ``communications.live``, which builds on this.

Messages travel through the channel layer (msgpack over Redis): keep them small and made of
plain JSON values. Sending is best effort: a client that missed a message catches up when it
reconnects, so a Redis hiccup after a commit is logged instead of failing the request.

Every message of one transaction leaves in a single hop after commit (:func:`queue_on_commit`):
a job that touches 2,000 tickets pays for one event loop, not 2,000, and the project's channel
layer sends the whole batch at once (``portal.channel_layer.GroupSendManyLayer``). Messages
queued inside a savepoint that rolls back are dropped with it, and a rolled-back transaction
sends nothing.
"""

import logging
from collections.abc import Callable, Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from portal.tenancy.memory import forget_people

logger = logging.getLogger("courtyard.live")

SESSION_CLOSED = "session.closed"
# The person's groups changed (a membership ended, a scope shrank): the socket closes and the
# browser reconnects at once, joining the groups it has now.
GROUPS_CHANGED = "groups.changed"

# (groups, envelope) pairs ready to go; a recorder may number them before they are sent
# (communications.replay keeps them for reconnecting browsers).
Batch = list[tuple[list[str], dict]]
_recorder: Callable[[Batch], None] | None = None


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def set_recorder(recorder: Callable[[Batch], None] | None) -> None:
    """Called once by communications at start-up (portal knows no app, DESIGN §3)."""
    global _recorder
    _recorder = recorder


async def _send_all(batch: Batch) -> None:
    layer = get_channel_layer()
    send_many = getattr(layer, "group_send_many", None)
    if send_many is not None:
        # The project's layer (portal.channel_layer): the whole batch in two Redis round trips
        # per shard instead of several per group.
        await send_many(batch)
        return
    # Any other layer (in-memory in a test, plain channels-redis): group by group.
    for groups, envelope in batch:
        for group in groups:
            await layer.group_send(group, envelope)


def send_now(batch: Batch) -> None:
    """Record and send ``batch`` in one event-loop hop. Not transaction-aware: the caller is
    the after-commit flush (or code that knows there is no transaction)."""
    if not batch:
        return
    if _recorder is not None:
        try:
            _recorder(batch)
        except Exception:  # replay is an extra; the live push still goes out
            logger.exception("Could not record %s live messages for replay", len(batch))
    async_to_sync(_send_all)(batch)


class _Pending:
    """The messages of one transaction that have survived its savepoints so far."""

    def __init__(self):
        self.ready: Batch = []
        self.flushed = False

    def flush(self):
        self.flushed = True
        batch, self.ready = self.ready, []
        send_now(batch)


def queue_on_commit(groups: Iterable[str], envelope: dict) -> None:
    """Send ``envelope`` to ``groups`` once the current transaction commits.

    Each message is a cheap on_commit marker tied to the savepoint it was queued in (Django
    drops it when that savepoint rolls back); one flush entry, kept behind the markers, sends
    whatever the surviving markers handed over in a single ``async_to_sync`` call. This reads
    and extends ``connection.run_on_commit`` (the list transaction.on_commit appends to).
    """
    groups = list(dict.fromkeys(groups))
    if not groups:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        # Autocommit: the write already committed, so send now, as robust on_commit would:
        # a failed push is logged, never raised into the code that made the change.
        try:
            send_now([(groups, envelope)])
        except Exception:
            logger.exception("Could not send a live message to %s", groups)
        return
    pending: _Pending | None = getattr(connection, "_courtyard_live_pending", None)
    hooks = connection.run_on_commit
    # Compared by function: a savepoint rollback rebuilds the list with new tuples.
    if pending is not None and not pending.flushed and hooks and hooks[-1][1] == pending.flush:
        # Our flush is last: it moves behind the new marker. Its old slot becomes a no-op
        # rather than being removed, so that no earlier hook changes position (Django's
        # captureOnCommitCallbacks runs the hooks from a position on).
        hooks[-1] = (set(), _nothing, True)
    else:
        # A new transaction, a flush already run (tests run hooks without committing), or a
        # hook registered after our flush: a new flush (an old one still waiting sends what
        # reached it first).
        pending = _Pending()
        connection._courtyard_live_pending = pending
    ready = pending.ready

    def hand_over():
        ready.append((groups, envelope))

    # With this savepoint's ids, as transaction.on_commit would: a rollback drops it.
    hooks.append((set(connection.savepoint_ids), hand_over, True))
    hooks.append((set(), pending.flush, True))


def _nothing():
    return None


def group_send_on_commit(group: str, message: dict) -> None:
    queue_on_commit([group], message)


def close_user_sockets_on_commit(user_id: int, *, reconnect: bool = False) -> None:
    """Close every open socket of the user after commit.

    After a sign-out, a password change or a deactivation (``reconnect=False``) a socket must
    not stay authenticated (DESIGN §10); the browser stops trying. After a lost membership or
    residency or a changed property scope (``reconnect=True``) the browser reconnects at once
    and the server chooses its groups again: the old ones are gone, no event of them follows.
    Either way, what the web processes remember of the person's access is read again.
    """
    forget_people(user_id)
    group_send_on_commit(
        user_group(user_id), {"type": GROUPS_CHANGED if reconnect else SESSION_CLOSED}
    )
