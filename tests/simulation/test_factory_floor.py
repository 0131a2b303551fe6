"""The factory-floor simulator carries real bundles through real stations into production's
records, in-process or from `manage.py simulate`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from devices.ingest import ingest_messages
from devices.models import Device, StationHandoff, TelemetryRecord
from devices.tasks import lay_events_hand_off, station_events_hand_off
from production.models import LayEvent, OperationRecord, WorkOrder
from simulation.factory_floor import FactorySimulation
from tests.factories import DeviceFactory
from tests.production.conftest import build_floor

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected_floor():
    floor = build_floor(tag="sim")
    WorkOrder.objects.filter(pk=floor.work_order.pk).update(status=WorkOrder.Status.SEWING)
    controller = DeviceFactory(
        simulated=True,
        factory=floor.factory,
        code="ctl",
        kind="hanging_controller",
        line=floor.line,
    )
    for index, station in enumerate(floor.stations):
        DeviceFactory(
            simulated=True,
            factory=floor.factory,
            code=f"t-{index}",
            kind="hanging_station",
            line=floor.line,
            station=station,
            operator=floor.workers[index],
            gateway=controller,
        )
    DeviceFactory(factory=floor.factory, code="sm-0", kind="sewing_machine", simulated=True)
    return floor


def test_hangers_move_every_bundle_through_its_operations_into_operation_records(
    connected_floor, django_capture_on_commit_callbacks
):
    floor = connected_floor
    simulation = FactorySimulation(floor.factory, rate=50)
    assert len(simulation.hangers) == 3
    for _second in range(6):
        with django_capture_on_commit_callbacks(execute=False):
            result = ingest_messages(simulation.tick())
        station_events_hand_off(result.station_record_ids)
    records = OperationRecord.objects.filter(factory=floor.factory)
    # 3 bundles × 3 operations, each one arrival and one departure: all done in 18 events.
    assert records.count() == 9
    assert set(records.values_list("source", flat=True)) == {"device"}
    assert {(r.bundle_id, r.operation_id) for r in records} == {
        (b.pk, o.pk) for b in floor.bundles for o in floor.operations
    }
    assert set(StationHandoff.objects.values_list("outcome", flat=True)) == {"recorded"}
    stations = set(records.values_list("station_id", flat=True))
    assert stations == {s.pk for s in floor.stations}


def test_station_events_arrive_as_the_controller_batches_for_its_stations(connected_floor):
    simulation = FactorySimulation(connected_floor.factory, rate=10)
    messages = simulation.tick()
    ingest_messages(messages)
    station_ids = set(Device.objects.filter(kind="hanging_station").values_list("pk", flat=True))
    events = TelemetryRecord.objects.filter(kind__startswith="station.")
    assert events.count() == 3
    assert set(events.values_list("device_id", flat=True)) <= station_ids
    assert all("/devices/ctl/events" in m.topic for m in messages if b"station." in m.payload)


def test_the_simulated_spreader_and_cutter_name_a_real_lay(
    connected_floor, django_capture_on_commit_callbacks
):
    # given a cutter and a spreader on a floor whose work order is being sewn
    for kind in ("cutter", "spreader"):
        DeviceFactory(factory=connected_floor.factory, code=f"{kind}-1", kind=kind, simulated=True)
    simulation = FactorySimulation(connected_floor.factory, rate=10)
    # when the first second's jobs are ingested and handed off
    with django_capture_on_commit_callbacks(execute=False):
        result = ingest_messages(simulation.tick())
    lay_events_hand_off(result.lay_record_ids)
    # then both machines' start and end are linked to the floor's lay
    lay = connected_floor.bundles[0].lay
    assert sorted(LayEvent.objects.values_list("kind", "lay_id", "plies")) == [
        ("cutter.end", lay.pk, lay.plies),
        ("cutter.start", lay.pk, lay.plies),
        ("spreader.end", lay.pk, lay.plies),
        ("spreader.start", lay.pk, lay.plies),
    ]


def test_simulate_feeds_one_second_of_the_floor_into_the_ingest(connected_floor):
    # given a connected floor with three bundles on the rail
    out = StringIO()
    # when `simulate` runs in-process (no broker) for one second
    call_command(
        "simulate",
        factory=connected_floor.factory.code,
        rate=10,
        seconds=1,
        url="",
        no_modbus=True,
        stdout=out,
    )
    # then that second's three arrivals were ingested, as the controller's batch
    records = TelemetryRecord.objects.filter(factory=connected_floor.factory)
    assert records.filter(kind="station.arrive").count() == 3
    assert "in-process" in out.getvalue()
    assert out.getvalue().rstrip().endswith("in 1s")


def test_simulate_refuses_an_unknown_factory_and_ingests_nothing(connected_floor):
    with pytest.raises(CommandError, match="no-such-factory"):
        call_command("simulate", factory="no-such-factory", seconds=1, url="", stdout=StringIO())
    assert TelemetryRecord.objects.count() == 0
