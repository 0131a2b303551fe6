"""Modbus TCP polling against real (simulated) pymodbus servers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from devices.modbus import _previous_totals, poll_due_devices
from devices.models import Device, TelemetryRecord
from devices.services import register_map_save
from simulation.modbus_machines import MODEL, REGISTER_MAP, VENDOR, MachinesInBackground
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db
PORTS = [15030, 15031]
DEAD_PORT = 15039


@pytest.fixture
def machines(plant):
    factory, _station, _machine = plant
    _previous_totals.clear()
    register_map = register_map_save(
        factory=factory, vendor=VENDOR, model_name=MODEL, registers=REGISTER_MAP
    )
    devices = [
        DeviceFactory(
            factory=factory,
            code=f"mb-{port}",
            protocol="modbus_tcp",
            register_map=register_map,
            modbus_host="127.0.0.1",
            modbus_port=port,
            poll_seconds=1,
        )
        for port in [*PORTS, DEAD_PORT]
    ]
    with MachinesInBackground(PORTS):
        yield devices


def test_answering_devices_are_read_and_stored_while_a_silent_one_backs_off(machines):
    answering, silent = machines[:2], machines[2]
    outcome = poll_due_devices()
    assert (outcome["polled"], outcome["answered"], outcome["failed"]) == (3, 2, 1)
    records = TelemetryRecord.objects.order_by("device_id")
    assert [r.device_id for r in records] == [d.pk for d in answering]
    assert records[0].kind == "modbus.sample"
    assert set(records[0].data) >= {"state", "stitches_total", "run_s_total"}
    silent.refresh_from_db()
    assert (silent.is_online, silent.poll_failures) == (False, 1)
    assert silent.next_poll_at >= timezone.now() + timedelta(seconds=1)
    assert all(Device.objects.get(pk=d.pk).is_online for d in answering)


def test_a_device_in_back_off_is_not_polled_until_it_is_due(machines):
    poll_due_devices()
    Device.objects.filter(pk__in=[d.pk for d in machines[:2]]).update(next_poll_at=None)
    outcome = poll_due_devices()
    assert (outcome["polled"], outcome["answered"]) == (2, 2)


def test_the_second_poll_reports_the_increase_of_running_totals(machines):
    poll_due_devices()
    Device.objects.update(next_poll_at=None)
    poll_due_devices()
    latest = TelemetryRecord.objects.filter(device=machines[0]).order_by("-sequence").first()
    assert (
        latest.data["stitches"]
        == latest.data["stitches_total"]
        - (TelemetryRecord.objects.filter(device=machines[0]).order_by("sequence").first()).data[
            "stitches_total"
        ]
    )
