import time as clock

import orjson
import pytest

from devices.ingest import Incoming, directory, topic_for
from tests.factories import DeviceFactory, FactoryFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def _fresh_directory():
    directory.clear()
    yield
    directory.clear()


@pytest.fixture
def plant(db):
    """A factory "plant-a" with a station device and a sewing machine."""
    factory = FactoryFactory(organization=OrganizationFactory(code="plant-a"))
    station = DeviceFactory(factory=factory, code="st-1", kind="hanging_station")
    machine = DeviceFactory(factory=factory, code="sm-1", kind="sewing_machine")
    return factory, station, machine


def now_ms() -> int:
    return int(clock.time() * 1000)


def message(device, channel="telemetry", **record) -> Incoming:
    body = {"seq": 1, "ts": now_ms(), "type": "sewing.sample", "run_s": 10, **record}
    return Incoming(topic_for(device.factory.code, device.code, channel), orjson.dumps(body))
