"""The lowest layer of live updates: per-user socket groups and sending after commit.

It lives in ``portal`` (not in ``communications``) because accounts must close a person's
sockets on sign-out, and accounts may not depend on an app (DESIGN §3). Features publish
through ``communications.live``, which builds on this.

Messages travel through the channel layer (msgpack over Redis): keep them small and made of
plain JSON values. Sending is best effort: a client that missed a message catches up when it
reconnects, so a Redis hiccup after a commit is logged instead of failing the request.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

SESSION_CLOSED = "session.closed"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def group_send_on_commit(group: str, message: dict) -> None:
    def send():
        async_to_sync(get_channel_layer().group_send)(group, message)

    transaction.on_commit(send, robust=True)


def close_user_sockets_on_commit(user_id: int) -> None:
    """Close every open socket of the user: after a sign-out or a password change a socket
    must not stay authenticated (DESIGN §10). Browsers still signed in reconnect by themselves.
    """
    group_send_on_commit(user_group(user_id), {"type": SESSION_CLOSED})
