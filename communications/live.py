"""The public interface for live events (DESIGN §6): group names and sending after commit."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def send_to_user_on_commit(user_id: int, message: dict) -> None:
    """Push ``message`` to the user's sockets once the current transaction has committed."""

    def send():
        async_to_sync(get_channel_layer().group_send)(
            user_group(user_id), {"type": "live.event", "event": message}
        )

    transaction.on_commit(send)
