"""devices' figures: machine utilisation and hangers waiting per station, from the minute
rollups."""

from datetime import UTC, datetime, timedelta

import pytest

from devices import selectors
from devices.models import MinuteRollup
from tests.factories import DeviceFactory, StationFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 2, tzinfo=UTC)


def minute(device, offset, **values):
    return MinuteRollup.objects.create(
        factory=device.factory,
        device=device,
        station=device.station,
        minute=START + timedelta(minutes=offset),
        **values,
    )


def test_utilisation_is_running_time_over_reported_time():
    device = DeviceFactory()
    minute(device, 0, running_seconds=45, idle_seconds=15)
    minute(device, 1, running_seconds=15, stopped_seconds=45)
    minute(device, 90, running_seconds=60)  # outside the window

    assert selectors.machine_utilisation(device.factory, START, START + timedelta(hours=1)) == 50.0
    assert selectors.utilisation(0, 0, 0) is None


def test_the_station_with_the_most_hangers_waiting_is_the_bottleneck():
    station = StationFactory(code="A")
    first = DeviceFactory(factory=station.factory, station=station)
    second = DeviceFactory(
        factory=station.factory, station=StationFactory(line=station.line, code="B")
    )
    minute(first, 0, arrivals=4, departures=3)
    minute(second, 0, arrivals=6, departures=2)
    minute(second, -5, arrivals=9)  # before the moment asked about

    wip = selectors.station_wip(first.factory, START)

    assert [(s["station"], s["wip"]) for s in wip["stations"]] == [("A", 1), ("B", 4)]
    assert wip["bottleneck"]["station"] == "B"


def test_no_hanger_waiting_means_no_bottleneck():
    station = StationFactory()
    device = DeviceFactory(factory=station.factory, station=station)
    minute(device, 0, arrivals=2, departures=2)

    assert selectors.station_wip(device.factory, START)["bottleneck"] is None
