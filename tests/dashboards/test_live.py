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


def test_a_push_carries_the_screens_new_figures_for_the_sockets_window(factory, line):
    # given a manager watching the 12-hour window on a floor with nothing finished yet
    from dashboards.selectors import dashboard_data
    from tests.dashboards.floor import build_floor, record

    manager = member(factory)
    floor = build_floor(factory, line, bundles=2)

    async def scenario():
        socket = WebsocketCommunicator(
            APPLICATION, f"/ws/dashboards/factory/{factory.pk}/?window=12h&lang=zh-hans"
        )
        socket.scope["user"] = manager
        await socket.connect()
        await socket.receive_json_from()
        # when a bundle's last operation is recorded through production's service
        await sync_to_async(record)(floor, floor.bundles[0], floor.last)
        message = await socket.receive_json_from(timeout=5)
        # then the push itself carries the new output, the figure the data URL answers
        assert (message["type"], message["window"]) == ("update", "12h")
        assert message["kinds"] == ["operation_recorded"]
        assert message["data"]["kpi"]["output"] == 20
        expected = await sync_to_async(dashboard_data)(factory, "12h")
        assert message["data"]["kpi"] == expected["kpi"]
        assert message["data"]["work_orders"] == expected["work_orders"]
        # when the viewer switches to the week, the next push carries the week's figures
        await socket.send_json_to({"type": "window", "window": "week"})
        await socket.send_json_to({"type": "ping"})
        assert (await socket.receive_json_from(timeout=3))["type"] == "pong"
        await sync_to_async(record)(floor, floor.bundles[1], floor.last)
        message = await socket.receive_json_from(timeout=5)
        assert (message["window"], message["data"]["window"]) == ("week", "week")
        assert message["data"]["kpi"]["output"] == 40
        await socket.disconnect()

    run(scenario)


def test_an_unknown_window_or_language_falls_back_and_pushes_the_default(factory):
    manager = member(factory)

    async def scenario():
        socket = WebsocketCommunicator(
            APPLICATION, f"/ws/dashboards/factory/{factory.pk}/?window=year&lang=xx"
        )
        socket.scope["user"] = manager
        await socket.connect()
        await socket.receive_json_from()
        await sync_to_async(notify)(factory.pk, "order_placed", {})
        message = await socket.receive_json_from(timeout=5)
        assert (message["window"], message["data"]["window"]) == ("12h", "12h")
        assert message["data"]["kpi"]["output"] == 0
        await socket.disconnect()

    run(scenario)
