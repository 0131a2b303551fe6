"""The factory-floor simulator carries real bundles through real stations into production's
records, in-process or from `manage.py simulate`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from devices.ingest import ingest_messages
from devices.models import DeadLetter, Device, StationHandoff, TelemetryRecord
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


def test_a_few_hangers_ride_the_rail_so_bundles_finish_within_seconds(connected_floor):
    # given three bundles of three operations and a rail for two hangers (2 events a second)
    simulation = FactorySimulation(connected_floor.factory, rate=2)
    assert (simulation.rail_size, len(simulation.hangers), len(simulation.queue)) == (2, 2, 1)
    first_two = {hanger.bundle_id for hanger in simulation.hangers}
    # when six seconds pass: the two hangers' 2 × 3 operations × (arrive, leave) = 12 events
    seconds = [simulation._hanger_events(2) for _second in range(6)]
    # then both finished every operation and the third bundle got on the rail
    leaves = [
        r
        for events in seconds
        for records in events.values()
        for r in records
        if r["type"] == "station.leave"
    ]
    assert len(leaves) == 6
    assert {r["bundle"] for r in leaves} == first_two
    assert len(simulation.queue) == 0
    assert [h.bundle_id for h in simulation.hangers] == [
        b.pk for b in connected_floor.bundles if b.pk not in first_two
    ]


def _two_seconds(floor):
    simulation = FactorySimulation(floor.factory, rate=10)
    return simulation.tick() + simulation.tick()  # three arrivals, then three departures


def test_deliver_retries_a_locked_database_and_stores_each_record_once(
    connected_floor, django_capture_on_commit_callbacks
):
    # given an ingest whose first write finds the database locked
    from django.db import OperationalError

    from simulation.factory_floor import deliver

    messages = _two_seconds(connected_floor)
    calls, sleeps = [], []

    def ingest(batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return ingest_messages(batch)

    # when the simulator delivers the two seconds
    with django_capture_on_commit_callbacks(execute=True):
        delivery = deliver(connected_floor.factory, messages, ingest=ingest, sleep=sleeps.append)
    # then it waited once, stored every record once and recorded each departure once
    assert (delivery.failures, sleeps, calls) == (1, [0.2], [len(messages), len(messages)])
    assert delivery.result.inserted == 6
    assert TelemetryRecord.objects.filter(factory=connected_floor.factory).count() == 6
    assert OperationRecord.objects.filter(factory=connected_floor.factory).count() == 3
    assert DeadLetter.objects.count() == 0


def test_deliver_after_a_hand_off_failed_past_the_commit_records_each_operation_once(
    connected_floor, django_capture_on_commit_callbacks
):
    # given an ingest that stores the batch, then fails in the hand-off after its commit
    from django.db import OperationalError

    from simulation.factory_floor import deliver, hand_offs_repeat

    messages = _two_seconds(connected_floor)
    calls = []

    def ingest(batch):
        calls.append(len(batch))
        with django_capture_on_commit_callbacks(execute=False):
            result = ingest_messages(batch)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return result

    # when the simulator delivers the two seconds
    delivery = deliver(connected_floor.factory, messages, ingest=ingest, sleep=lambda s: None)
    # then the batch was not ingested again (no duplicates) and the hand-offs ran once each
    assert (delivery.failures, delivery.result, calls) == (1, None, [len(messages)])
    assert TelemetryRecord.objects.filter(factory=connected_floor.factory).count() == 6
    assert OperationRecord.objects.filter(factory=connected_floor.factory).count() == 3
    assert DeadLetter.objects.count() == 0
    # and running the hand-offs once more records nothing new
    assert hand_offs_repeat(connected_floor.factory, messages) == (6, 0)  # 3 arrive, 3 leave
    assert OperationRecord.objects.filter(factory=connected_floor.factory).count() == 3


def test_deliver_gives_up_after_its_attempts_and_stores_nothing(connected_floor):
    from django.db import OperationalError

    from simulation.factory_floor import deliver

    messages = _two_seconds(connected_floor)
    sleeps = []

    def ingest(batch):
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError):
        deliver(connected_floor.factory, messages, ingest=ingest, sleep=sleeps.append, attempts=4)
    assert sleeps == [0.2, 0.4, 0.8]
    assert TelemetryRecord.objects.count() == 0
