from collections import deque
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import replay
from .live import groups_for_user

# Application close codes (4000–4999). Unauthenticated: no signed-in user (any more); the
# browser stops trying. Regroup: the user's groups changed; the browser reconnects at once.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_REGROUP = 4000
SEEN = 512


def _last_seq(scope) -> int | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("last_seq", [])
    value = values[0] if values else ""
    return int(value) if value.isdigit() and len(value) <= 20 else None


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/``: authenticated by the session cookie; the server alone chooses the groups.

    The client sends nothing that selects a subscription (DESIGN §4.5): its groups come from
    :func:`communications.live.groups_for_user` at connect time. The services that end a
    membership or residency or change a scope close the person's sockets (GROUPS_CHANGED), and
    the reconnect chooses again. ``?last_seq=`` (a number the server gave out) asks for the
    events of the user's own groups since then (communications.replay).
    """

    async def connect(self):
        self.groups_joined = []
        self.closing = False
        self.seen: deque[int] = deque(maxlen=SEEN)
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # Closing before accept() refuses the handshake itself.
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.groups_joined = await database_sync_to_async(groups_for_user)(user)
        # Join first, then read the streams: an event published in between arrives by both
        # paths and is sent once (self.seen); none falls between them.
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        last_seq = _last_seq(self.scope)
        if last_seq is None:
            # The browser's starting point: a later reconnect replays from here.
            current = await database_sync_to_async(replay.current_seq)()
            await self.send_json({"type": "hello", "user": user.pk, "seq": current})
            return
        missed = await database_sync_to_async(replay.missed)(
            groups=self.groups_joined, last_seq=last_seq
        )
        await self.send_json(
            {"type": "hello", "user": user.pk, "replay": missed.complete, "seq": missed.current}
        )
        for event in missed.events:
            await self._send_once(event)

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # Clients only listen; anything they send is ignored rather than trusted.
        return

    async def _send_once(self, event: dict):
        seq = event.get("seq")
        if seq is not None:
            if seq in self.seen:  # one event for two of the user's groups, or replayed
                return
            self.seen.append(seq)
        await self.send_json(event)

    async def live_event(self, message):
        if self.closing:
            return
        event = message["event"]
        if "seq" in message:
            event = {**event, "seq": message["seq"]}
        await self._send_once(event)

    async def session_closed(self, message):
        """The user signed out, changed the password or was deactivated."""
        self.closing = True
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def groups_changed(self, message):
        """A membership, residency or scope changed: reconnect to get the groups of now.
        Events still queued for this socket are not sent: they belong to the old groups."""
        self.closing = True
        await self.close(code=CLOSE_REGROUP)
