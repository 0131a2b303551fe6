"""The pages as people see them: Chromium (Playwright) against a real daphne server.

daphne serves the test database on a free port (tests/browser/harness.py); events are
published in the test process through the real services — production's recording service and
devices' ingest entry point — and travel to the page over channels-redis (the server is
another process), so these tests need PostgreSQL and Redis as well as Chromium. Screenshots
go to artifacts/.
"""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime

import orjson
import pytest
from django.utils import timezone

from core.roles import OrgKind, Role
from tests.browser.harness import (
    BASE_DIR,
    BROWSER_MARKS,
    WAIT_MS,
    Visit,
    database_url,
)
from tests.dashboards.floor import build_floor, record
from tests.factories import (
    DeviceFactory,
    DistrictFactory,
    FactoryFactory,
    MembershipFactory,
    OrderFactory,
    OrderLineFactory,
    OrderShipmentFactory,
    OrganizationFactory,
    SewingLineFactory,
    UserFactory,
)

pytestmark = BROWSER_MARKS

PHONE, WALL = (390, 844), (1920, 1080)


def person(organization, role, username):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


def station_event(factory, device, sequence, kind):
    from devices.ingest import Incoming, topic_for

    payload = {"seq": sequence, "ts": datetime.now(UTC).isoformat(), "type": kind, "hanger": "H1"}
    return Incoming(
        topic=topic_for(factory.code, device.code, "events"), payload=orjson.dumps(payload)
    )


class Publisher:
    """Publishes device messages: over MQTT through devices' `ingest_mqtt` process when
    MQTT_URL is set, else straight into the ingest entry point."""

    def __init__(self):
        self.url = os.environ.get("MQTT_URL", "")
        self.ingest = self.client = None
        if self.url:
            import paho.mqtt.client as mqtt

            from devices.mqtt import BrokerAddress

            env = {**os.environ, "DATABASE_URL": database_url(), "CONN_MAX_AGE": "0"}
            self.ingest = subprocess.Popen(
                [sys.executable, "manage.py", "ingest_mqtt", "--client-id", "dash-browser"]
                + ["--share-group", "", "--max-wait", "0.05"],
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            address = BrokerAddress.from_url(self.url)
            self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="dash-pub")
            if address.username:
                self.client.username_pw_set(address.username, address.password)
            self.client.connect(address.host, address.port)
            self.client.loop_start()
            time.sleep(3)  # the ingest's subscription is in place

    def publish(self, message) -> None:
        from devices.ingest import ingest_messages
        from devices.models import TelemetryRecord

        if not self.url:
            ingest_messages([message])
            return
        before = TelemetryRecord.objects.count()
        self.client.publish(message.topic, message.payload, qos=1).wait_for_publish(10)
        deadline = time.monotonic() + 15
        while TelemetryRecord.objects.count() == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert TelemetryRecord.objects.count() > before, "the ingest stored nothing"

    def close(self) -> None:
        if self.client is not None:
            self.client.loop_stop()
            self.client.disconnect()
            self.ingest.terminate()
            self.ingest.wait(timeout=30)


@pytest.fixture
def publisher(server):
    publisher = Publisher()
    yield publisher
    publisher.close()


def test_factory_screen_follows_the_floor_on_a_phone_and_a_wall(server, browser, publisher):
    from devices.rollups import rollup_minutes

    factory = FactoryFactory(organization__name="Lusong Demo", organization__code="lusong-demo")
    line = SewingLineFactory(factory=factory, name="Line 1")
    floor = build_floor(factory, line, bundles=4)
    device = DeviceFactory(factory=factory, station=floor.station, line=line, code="sm-01")
    person(factory.organization, Role.FACTORY_MANAGER, "manager")

    for index, (name, viewport) in enumerate((("phone", PHONE), ("wall", WALL))):
        visit = Visit(browser, server, "manager", viewport)
        visit.page.goto(f"{server.url}/dashboards/")
        visit.page.wait_for_selector('#live-state[data-state="live"]', timeout=WAIT_MS)
        visit.text_becomes("#kpi-output", str(20 * index))

        record(floor, floor.bundles[index], floor.last)  # 20 garments finished
        publisher.publish(station_event(factory, device, 10 + index, "station.arrive"))
        rollup_minutes(factory_id=factory.pk, minutes=[timezone.now()])

        visit.text_becomes("#kpi-output", str(20 * (index + 1)))
        visit.text_becomes("#bottleneck", f"Bottleneck: {floor.station.code}")
        assert visit.page.evaluate("performance.getEntriesByType('navigation').length") == 1
        visit.shot(f"factory-screen-{name}")
        assert visit.errors == []


def test_factory_screen_reconnects_after_a_server_restart(server, browser):
    factory = FactoryFactory()
    line = SewingLineFactory(factory=factory)
    floor = build_floor(factory, line, bundles=1)
    person(factory.organization, Role.FACTORY_MANAGER, "manager")
    visit = Visit(browser, server, "manager", PHONE)
    visit.page.goto(f"{server.url}/dashboards/")
    visit.page.wait_for_selector('#live-state[data-state="live"]', timeout=WAIT_MS)

    server.stop()
    # reconnecting, and offline after a few attempts (the stop itself may take that long)
    visit.page.wait_for_selector('#live-state:not([data-state="live"])', timeout=WAIT_MS)
    server.start()
    visit.page.wait_for_selector('#live-state[data-state="live"]', timeout=WAIT_MS)
    record(floor, floor.bundles[0], floor.last)

    visit.text_becomes("#kpi-output", "20")
    visit.shot("factory-screen-reconnected")
    # While the server was down the page's own requests failed (refused, or reset when one was
    # in flight as it stopped); nothing else may have.
    down = ("ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_EMPTY_RESPONSE")
    assert [e for e in visit.errors if not any(reason in e for reason in down)] == []


def test_merchant_follows_progress_by_size_and_colour(server, browser):
    factory = FactoryFactory()
    line = SewingLineFactory(factory=factory)
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT, name="Curve")
    order = OrderFactory(merchant=merchant, version__factory=factory, total_quantity=60)
    OrderLineFactory(order=order, size="M", colour="Black", quantity=60)
    OrderShipmentFactory(order=order, tracking_no="SF0001", quantity=0)
    floor = build_floor(factory, line, order=order, version=order.version, bundles=2)
    person(merchant, Role.MERCHANT_BUYER, "buyer")

    for index, (name, viewport) in enumerate((("phone", PHONE), ("wall", WALL))):
        visit = Visit(browser, server, "buyer", viewport)
        visit.page.goto(f"{server.url}/dashboards/tracking/?refresh=2")
        cell = f'[data-order="{order.number}"] tbody td'
        visit.text_becomes(cell, f"{20 * index}/60")

        record(floor, floor.bundles[index], floor.first)
        record(floor, floor.bundles[index], floor.last)  # the bundle is sewn

        visit.text_becomes(cell, f"{20 * (index + 1)}/60")
        assert "SF0001" in visit.page.content()
        visit.shot(f"merchant-tracking-{name}")
        assert visit.errors == []


def test_district_report_follows_the_cluster(server, browser):
    district = DistrictFactory(
        organization=OrganizationFactory(kind=OrgKind.DISTRICT, name="Lusong")
    )
    factory = FactoryFactory(
        organization__name="Open Knit", district=district, shares_with_district=True
    )
    line = SewingLineFactory(factory=factory)
    floor = build_floor(factory, line, bundles=2)
    person(district.organization, Role.DISTRICT_OFFICIAL, "official")

    for index, (name, viewport) in enumerate((("phone", PHONE), ("wall", WALL))):
        visit = Visit(browser, server, "official", viewport)
        visit.page.goto(f"{server.url}/dashboards/district/?refresh=2")
        output = "#district-factories tbody td"
        visit.text_becomes(output, str(20 * index))

        record(floor, floor.bundles[index], floor.last)

        visit.text_becomes(output, str(20 * (index + 1)))
        visit.shot(f"district-report-{name}")
        assert visit.errors == []
