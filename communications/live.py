"""The public interface for live events (DESIGN §6): what features call to push to browsers."""

from portal.realtime import (  # noqa: F401 - re-exported for features
    SESSION_CLOSED,
    close_user_sockets_on_commit,
    group_send_on_commit,
    user_group,
)


def send_to_user_on_commit(user_id: int, message: dict) -> None:
    """Push ``message`` to the user's sockets once the current transaction has committed."""
    group_send_on_commit(user_group(user_id), {"type": "live.event", "event": message})
