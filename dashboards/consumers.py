"""The factory dashboard's WebSocket: members of the factory join its group, nobody else."""

import asyncio

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core import rls
from core.models import Membership
from core.roles import FACTORY_STAFF
from dashboards.live import group_name, pusher

REFUSED = 4403


@database_sync_to_async
def may_watch(user, factory_id: int) -> bool:
    """An active staff membership of this factory (workers see their own pages, not this)."""
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        organization_id=factory_id,
        organization__kind="factory",
        organization__is_active=True,
        is_active=True,
        role__in=FACTORY_STAFF,
    ).exists()


class FactoryDashboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.group = None
        self.rls = rls.NONE
        factory_id = int(self.scope["url_route"]["kwargs"]["factory_id"])
        if not await may_watch(self.scope.get("user"), factory_id):
            await self.close(code=REFUSED)
            return
        # Every database access of this socket runs for its factory only (row-level security).
        self.rls = rls.for_factory(factory_id)
        self.group = group_name(factory_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        pusher.attach(asyncio.get_running_loop())
        await self.accept()
        await self.send_json({"type": "hello", "factory": factory_id})

    async def database(self, function, /, *args, **kwargs):
        """Run `function` against the database in this socket's tenant scope."""
        return await database_sync_to_async(rls.run_in)(self.rls, function, *args, **kwargs)

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def factory_update(self, event):
        await self.send_json(
            {"type": "update", "kinds": event.get("kinds", []), "sent_at": event.get("sent_at")}
        )
