"""The factory WebSocket: membership before joining, one group per factory, coalesced pushes
from `core.realtime.notify` (in-memory channel layer here; channels-redis in test_live_redis)."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings

from core.realtime import notify
from core.roles import Role
from dashboards.live import pusher
from dashboards.routing import websocket_urlpatterns
from tests.dashboards.conftest import member
from tests.factories import FactoryFactory

# Listing every app makes the flush after each test TRUNCATE ... CASCADE, which PostgreSQL
# needs: auditlog's own (swapped-out) log table still points at users.
ALL_APPS = list(django_settings.INSTALLED_APPS)

pytestmark = pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)

APPLICATION = URLRouter(websocket_urlpatterns)
QUIET = 0.6  # seconds to wait before concluding nothing more arrives


@pytest.fixture(autouse=True)
def _fast_pushes(settings):
    settings.DASHBOARDS = {"PUSH_INTERVAL_SECONDS": 0.2}


def communicator(user, factory_id):
    socket = WebsocketCommunicator(APPLICATION, f"/ws/dashboards/factory/{factory_id}/")
    socket.scope["user"] = user
    return socket


def run(scenario):
    async_to_sync(scenario)()


def test_a_member_joins_and_hears_its_factory(factory):
    manager = member(factory)

    async def scenario():
        socket = communicator(manager, factory.pk)
        connected, _ = await socket.connect()
        assert connected
        assert (await socket.receive_json_from())["type"] == "hello"
        await sync_to_async(notify)(factory.pk, "operation_recorded", {})
        message = await socket.receive_json_from(timeout=3)
        assert (message["type"], message["kinds"]) == ("update", ["operation_recorded"])
        await socket.disconnect()

    run(scenario)


@pytest.mark.parametrize("role", [Role.WORKER, None])
def test_a_worker_or_an_outsider_is_refused(factory, role):
    other = FactoryFactory()
    user = member(factory, role) if role else member(other)

    async def scenario():
        connected, code = await communicator(user, factory.pk).connect()
        assert (connected, code) == (False, 4403)

    run(scenario)


def test_another_factorys_change_is_not_sent(factory):
    other = FactoryFactory()
    manager = member(factory)

    async def scenario():
        socket = communicator(manager, factory.pk)
        await socket.connect()
        await socket.receive_json_from()
        await sync_to_async(notify)(other.pk, "operation_recorded", {})
        assert await socket.receive_nothing(timeout=QUIET)
        await socket.disconnect()

    run(scenario)


def test_a_burst_is_coalesced_into_one_trailing_push(factory):
    manager = member(factory)

    async def scenario():
        socket = communicator(manager, factory.pk)
        await socket.connect()
        await socket.receive_json_from()
        pusher.request(factory.pk, "first")
        assert (await socket.receive_json_from(timeout=3))["kinds"] == ["first"]
        for index in range(30):
            pusher.request(factory.pk, f"burst-{index % 3}")
        trailing = await socket.receive_json_from(timeout=3)
        assert trailing["kinds"] == ["burst-0", "burst-1", "burst-2"]
        assert await socket.receive_nothing(timeout=QUIET)
        await socket.disconnect()

    run(scenario)


def test_a_rolled_back_write_is_never_pushed(factory):
    manager = member(factory)

    def write_and_roll_back():
        from django.db import transaction

        try:
            with transaction.atomic():
                notify(factory.pk, "operation_recorded", {})
                raise RuntimeError("refused")
        except RuntimeError:
            pass

    async def scenario():
        socket = communicator(manager, factory.pk)
        await socket.connect()
        await socket.receive_json_from()
        await sync_to_async(write_and_roll_back)()
        assert await socket.receive_nothing(timeout=QUIET)
        await socket.disconnect()

    run(scenario)
