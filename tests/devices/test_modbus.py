"""Modbus TCP polling against real (simulated) pymodbus servers."""

import asyncio
import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from devices.modbus import due_targets, poll_due_devices, read_devices, record_outcomes
from devices.models import Alarm, Device, TelemetryRecord
from devices.services import register_map_save
from simulation.modbus_machines import MODEL, REGISTER_MAP, VENDOR, MachinesInBackground
from tests.devices.mqtt_support import database_url
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db
PORTS = [15030, 15031]
DEAD_PORT = 15039


@pytest.fixture
def machines(plant):
    factory, _station, _machine = plant
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


# A map that asks the simulated machine for registers it does not have: the machine answers
# with an exception response (illegal data address).
WRONG_MAP = [{"metric": "stitches_total", "address": 500, "type": "uint32", "table": "holding"}]


def misread_device(factory, port):
    return DeviceFactory(
        factory=factory,
        code="mb-wrong",
        protocol="modbus_tcp",
        register_map=register_map_save(
            factory=factory, vendor=VENDOR, model_name="wrong", registers=WRONG_MAP
        ),
        modbus_host="127.0.0.1",
        modbus_port=port,
        poll_seconds=1,
    )


def test_an_exception_response_marks_the_device_misconfigured_with_its_own_alarm(machines):
    device = misread_device(machines[0].factory, PORTS[0])
    outcome = poll_due_devices(device_ids=[device.pk])
    device.refresh_from_db()
    assert (outcome["polled"], outcome["answered"], outcome["failed"]) == (1, 0, 1)
    assert (device.poll_status, device.is_online, device.poll_failures) == (
        "misconfigured",
        True,
        1,
    )
    assert "exception response 2" in device.poll_error
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.state, alarm.device) == ("device_misconfigured", "open", device)


def test_a_refused_connection_stays_offline_and_raises_no_misconfiguration(machines):
    silent = machines[2]
    poll_due_devices(device_ids=[silent.pk])
    silent.refresh_from_db()
    assert (silent.poll_status, silent.is_online) == ("offline", False)
    assert not Alarm.objects.exists()


def test_a_device_that_accepts_the_connection_but_never_answers_is_offline(machines, settings):
    settings.DEVICES = {"MODBUS_TIMEOUT_SECONDS": 0.2}
    mute = socket.create_server(("127.0.0.1", 0))  # a real TCP peer that reads nothing
    device = machines[2]
    Device.objects.filter(pk=device.pk).update(modbus_port=mute.getsockname()[1])
    try:
        outcome = poll_due_devices(device_ids=[device.pk])
    finally:
        mute.close()
    device.refresh_from_db()
    assert (outcome["polled"], outcome["failed"]) == (1, 1)
    assert (device.poll_status, device.is_online) == ("offline", False)
    assert not Alarm.objects.exists()


def test_a_repaired_register_map_clears_the_misconfiguration_alarm(machines):
    device = misread_device(machines[0].factory, PORTS[0])
    poll_due_devices(device_ids=[device.pk])
    device.register_map.registers = machines[0].register_map.registers
    device.register_map.save()
    Device.objects.filter(pk=device.pk).update(next_poll_at=None)
    poll_due_devices(device_ids=[device.pk])
    device.refresh_from_db()
    assert (device.poll_status, device.poll_error) == ("ok", "")
    assert Alarm.objects.get().state == Alarm.State.CLEARED


def test_a_one_second_device_is_polled_at_every_tick_of_the_one_second_beat(machines):
    device = machines[0]
    start = timezone.now().replace(microsecond=0) + timedelta(seconds=1)
    polled = []
    with time_machine.travel(start, tick=True) as traveller:
        for tick in range(5):
            # The beat's ticks: one a second (a tick may come a little early, and reading the
            # device takes time while the clock runs).
            traveller.move_to(start + timedelta(seconds=tick, milliseconds=-20 * (tick % 2)))
            polled.append(poll_due_devices(device_ids=[device.pk])["answered"])
    assert polled == [1, 1, 1, 1, 1]
    assert TelemetryRecord.objects.filter(device=device).count() == 5


def test_a_device_is_not_polled_twice_within_its_period(machines):
    device = machines[0]
    Device.objects.filter(pk=device.pk).update(poll_seconds=5)
    start = timezone.now().replace(microsecond=0) + timedelta(seconds=1)
    with time_machine.travel(start, tick=False) as traveller:
        first = poll_due_devices(device_ids=[device.pk])["polled"]
        traveller.move_to(start + timedelta(seconds=4))
        early = poll_due_devices(device_ids=[device.pk])["polled"]
        traveller.move_to(start + timedelta(seconds=5))
        due = poll_due_devices(device_ids=[device.pk])["polled"]
    assert (first, early, due) == (1, 0, 1)


def test_a_reading_older_than_the_stored_totals_adds_no_increase(machines):
    device = machines[0]
    poll_due_devices(device_ids=[device.pk])  # the stored totals
    Device.objects.filter(pk=device.pk).update(next_poll_at=None)
    targets = due_targets(device_ids=[device.pk])
    older = asyncio.run(read_devices(targets, 1.0))
    newer = asyncio.run(read_devices(targets, 1.0))
    record_outcomes(newer)  # of two concurrent polls, the slower one finishes first
    record_outcomes(older)
    device.refresh_from_db()
    records = TelemetryRecord.objects.filter(device=device).order_by("id")
    assert ["stitches" in record.data for record in records] == [False, True, False]
    assert device.modbus_totals_at == newer[0].read_at
    assert device.modbus_totals["stitches_total"] == newer[0].metrics["stitches_total"]


# A worker process polling one device until it has read it `polls` times (the beat's task,
# in a loop: the device is due every second).
POLLER = """
import django
django.setup()
from devices.modbus import poll_due_devices
answered = 0
while answered < {polls}:
    answered += poll_due_devices(device_ids=[{device}])["answered"]
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_polling_processes_count_each_increase_of_the_running_totals_once(machines):
    device = machines[0]
    poll_due_devices(device_ids=[device.pk])  # the base reading, before both pollers start
    base = Device.objects.get(pk=device.pk).modbus_totals
    env = {**os.environ, "DATABASE_URL": database_url()}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    pollers = [
        subprocess.Popen(
            [sys.executable, "-c", POLLER.format(polls=3, device=device.pk)],
            cwd=settings.BASE_DIR,
            env=env,
        )
        for _ in range(2)
    ]
    assert [poller.wait(120) for poller in pollers] == [0, 0]
    final = Device.objects.get(pk=device.pk).modbus_totals
    records = TelemetryRecord.objects.filter(device=device)
    assert records.count() == 7
    for counter in ("stitches", "run_s"):
        increase = final[f"{counter}_total"] - base[f"{counter}_total"]
        assert increase > 0
        assert sum(r.data.get(counter, 0) for r in records) == increase
