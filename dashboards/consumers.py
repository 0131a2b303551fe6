"""The factory dashboard's WebSocket: members of the factory join its group, nobody else.

Every push carries the screen's new figures — `selectors.dashboard_data_cached` for the socket's
window and language, the very dict the page's data URL answers — so a change reaches the screen
in one message instead of a "something changed, ask again" notice and a second round trip.

A push reaches every socket of the factory in the process at once: the first socket of a window
and language reads the figures and encodes the message, the others send the same text (two
hundred screens cost one read and one encoding per push, not two hundred of each on the one
database thread).
"""

import asyncio
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation

from core import rls
from core.models import Membership
from core.roles import FACTORY_STAFF
from dashboards import selectors
from dashboards.live import group_name, pusher
from factories.models import Factory

REFUSED = 4403
# Encoded pushes by (factory, window, language, push): shared by the sockets of one process
# while the push fans out, then forgotten.
_frames: dict[tuple, asyncio.Future] = {}
FRAME_SECONDS = 5.0


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


def screen_data(factory_id: int, window: str, language: str) -> dict | None:
    """The screen's figures for one window, in the viewer's language (shared by every viewer of
    the factory through the data cache, so a hundred screens cost one computation)."""
    factory = Factory.objects.filter(pk=factory_id).first()
    if factory is None:
        return None
    with translation.override(language):
        return selectors.dashboard_data_cached(factory, window)


def _language(value: str) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    return value if value in codes else settings.LANGUAGE_CODE


def _window(value: str) -> str:
    return value if value in selectors.WINDOWS else selectors.WINDOWS[0]


class FactoryDashboardConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.group = None
        self.rls = rls.NONE
        factory_id = int(self.scope["url_route"]["kwargs"]["factory_id"])
        if not await may_watch(self.scope.get("user"), factory_id):
            await self.close(code=REFUSED)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.factory_id = factory_id
        self.window = _window((query.get("window") or [""])[0])
        self.language = _language((query.get("lang") or [""])[0])
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
        elif content.get("type") == "window" and self.group:
            # The viewer switched the window: later pushes carry that window's figures.
            self.window = _window(str(content.get("window", "")))

    async def factory_update(self, event):
        sent_at = event.get("sent_at")
        if sent_at is None:  # not a pusher's message: nothing to share it with
            await self.send(text_data=await self._frame(event))
            return
        key = (self.factory_id, self.window, self.language, sent_at, tuple(event.get("kinds", [])))
        frame = _frames.get(key)
        if frame is None:
            frame = _frames[key] = asyncio.ensure_future(self._frame(event))
            asyncio.get_running_loop().call_later(FRAME_SECONDS, _frames.pop, key, None)
        await self.send(text_data=await frame)

    async def _frame(self, event) -> str:
        data = await self.database(screen_data, self.factory_id, self.window, self.language)
        return await self.encode_json(
            {
                "type": "update",
                "kinds": event.get("kinds", []),
                "sent_at": event.get("sent_at"),
                "window": self.window,
                "data": data,
            }
        )
