from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .live import groups_for_user

# Application close code (4000–4999): the connection has no signed-in user (any more).
CLOSE_UNAUTHENTICATED = 4401


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/``: authenticated by the session cookie; the server alone chooses the groups.

    The client sends nothing that selects a subscription (DESIGN §4.5): its groups come from
    :func:`communications.live.groups_for_user` at connect time. A lost membership takes effect
    at the next connection; the services that end one close the person's sockets.
    """

    async def connect(self):
        self.groups_joined = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # Closing before accept() refuses the handshake itself.
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.groups_joined = await database_sync_to_async(groups_for_user)(user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user": user.pk})

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # Clients only listen; anything they send is ignored rather than trusted.
        return

    async def live_event(self, message):
        await self.send_json(message["event"])

    async def session_closed(self, message):
        """The user signed out or changed the password: this socket is no longer theirs."""
        await self.close(code=CLOSE_UNAUTHENTICATED)
