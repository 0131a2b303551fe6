"""Per-minute rollups and the alarm rules (open → acknowledged → cleared)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection

from core import rls
from core.errors import NotAllowed
from devices.alarms import alarms_evaluate
from devices.ingest import ingest_messages
from devices.models import (
    Alarm,
    Device,
    FailedRollupMinute,
    MinuteRollup,
    TelemetryPolicy,
    TelemetryRecord,
)
from devices.partitions import partitions_ensure
from devices.rollups import rollup_minutes
from devices.services import alarm_acknowledge, alarm_clear, alarm_clear_condition
from devices.tasks import rollups_refresh
from tests.audit_trail import moves_of
from tests.devices.conftest import message
from tests.factories import ShiftFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db

MINUTE = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def test_a_minute_rollup_sums_the_samples_and_counts_the_hangers(plant):
    factory, station, machine = plant
    ingest_messages(
        [
            message(machine, seq=1, ts=ms(MINUTE), run_s=20, idle_s=5, stitches=900, trims=2),
            message(machine, seq=2, ts=ms(MINUTE + timedelta(seconds=30)), run_s=25, stop_s=5),
            message(machine, seq=3, ts=ms(MINUTE + timedelta(minutes=1)), run_s=60),
            message(station, "events", seq=1, ts=ms(MINUTE), type="station.arrive", hanger="H1"),
            message(
                station, "events", seq=2, ts=ms(MINUTE), type="station.leave", hanger="H0", good=10
            ),
        ]
    )
    rollup_minutes(factory_id=factory.pk, minutes=[MINUTE])
    rows = {row.device_id: row for row in MinuteRollup.objects.filter(minute=MINUTE)}
    sewing, hangers = rows[machine.pk], rows[station.pk]
    assert (sewing.running_seconds, sewing.idle_seconds, sewing.stopped_seconds) == (45, 5, 5)
    assert (sewing.stitches, sewing.trims) == (900, 2)
    assert (hangers.arrivals, hangers.departures, hangers.pieces, hangers.events) == (1, 1, 10, 2)


def test_rebuilding_a_minute_twice_gives_the_same_rows(plant):
    factory, _station, machine = plant
    ingest_messages([message(machine, seq=1, ts=ms(MINUTE), run_s=30)])
    rollup_minutes(factory_id=factory.pk, minutes=[MINUTE])
    rollup_minutes(factory_id=factory.pk, minutes=[MINUTE])
    assert list(MinuteRollup.objects.values_list("running_seconds", flat=True)) == [30]


def stored(device, seq: int, kind: str = "sewing.sample", **data) -> None:
    """A record as the ingest stored it (written here directly, so these tests hold whatever
    range the ingest accepts: rollups must sum whatever is in the table)."""
    partitions_ensure(days_back=1, days_ahead=0)
    TelemetryRecord.objects.create(
        factory=device.factory,
        device=device,
        sequence=seq,
        time=MINUTE + timedelta(seconds=seq),
        received_at=MINUTE + timedelta(seconds=seq),
        kind=kind,
        data=data,
    )


@pytest.mark.postgres
def test_a_counter_beyond_32_bits_is_summed_and_every_device_keeps_its_row(plant):
    factory, station, machine = plant
    stored(machine, 1, run_s=30, stitches=3_000_000_000)
    stored(station, 1, "station.arrive", hanger="H1")
    rollup_minutes(factory_id=factory.pk, minutes=[MINUTE])
    rows = {row.device_id: row for row in MinuteRollup.objects.filter(minute=MINUTE)}
    assert (rows[machine.pk].stitches, rows[machine.pk].running_seconds) == (3_000_000_000, 30)
    assert rows[station.pk].arrivals == 1
    assert not FailedRollupMinute.objects.exists()


def test_sums_beyond_the_columns_range_are_clamped_not_refused(plant):
    factory, _station, machine = plant
    for seq in (1, 2, 3):
        stored(machine, seq, stitches=2**62)
    rollup_minutes(factory_id=factory.pk, minutes=[MINUTE])
    assert MinuteRollup.objects.get(device=machine).stitches == 2**63 - 1


def refuse_rows_of(device) -> None:
    """The database refuses the device's rollup rows (a check constraint standing for any
    refusal: a value, a lock, a disk): real PostgreSQL, nothing mocked. DDL is the owner's."""
    with rls.owner(), connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE devices_minuterollup ADD CONSTRAINT refuse_one_device "
            f"CHECK (device_id <> {int(device.pk)})"
        )


def accept_rows_again() -> None:
    with rls.owner(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
        cursor.execute("ALTER TABLE devices_minuterollup DROP CONSTRAINT refuse_one_device")


def a_minute_of_two_devices(factory, station, machine) -> None:
    ingest_messages(
        [
            message(machine, seq=1, ts=ms(MINUTE), run_s=40),
            message(station, "events", seq=1, ts=ms(MINUTE), type="station.arrive", hanger="H1"),
        ]
    )


@pytest.mark.postgres
def test_a_device_whose_row_is_refused_costs_no_other_device_its_row(plant):
    factory, station, machine = plant
    a_minute_of_two_devices(factory, station, machine)
    refuse_rows_of(machine)
    written = rollup_minutes(factory_id=factory.pk, minutes=[MINUTE])
    assert written == 1
    assert list(MinuteRollup.objects.values_list("device_id", "arrivals")) == [(station.pk, 1)]
    failure = FailedRollupMinute.objects.get()
    assert (failure.factory_id, failure.minute, failure.attempts) == (factory.pk, MINUTE, 1)
    assert f"device {machine.pk}:" in failure.detail


@pytest.mark.postgres
def test_a_minute_that_failed_is_filled_by_the_next_refresh(plant):
    factory, station, machine = plant
    a_minute_of_two_devices(factory, station, machine)
    refuse_rows_of(machine)
    rollup_minutes(factory_id=factory.pk, minutes=[MINUTE])
    accept_rows_again()
    rollups_refresh(window_seconds=0)  # no new data: only the failed minute is rebuilt
    rows = dict(MinuteRollup.objects.filter(minute=MINUTE).values_list("device_id", "events"))
    assert MinuteRollup.objects.get(device=machine, minute=MINUTE).running_seconds == 40
    assert rows == {machine.pk: 0, station.pk: 1}
    assert not FailedRollupMinute.objects.exists()


def test_a_device_silent_too_long_raises_one_offline_alarm_and_its_return_clears_it(plant):
    factory, _station, machine = plant
    now = datetime.now(UTC)
    Device.objects.filter(pk=machine.pk).update(
        last_seen_at=now - timedelta(minutes=30), is_online=True
    )
    alarms_evaluate(factory_id=factory.pk, now=now)
    alarms_evaluate(factory_id=factory.pk, now=now)
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.state, alarm.device) == ("device_offline", "open", machine)
    assert Device.objects.get(pk=machine.pk).is_online is False
    Device.objects.filter(pk=machine.pk).update(last_seen_at=now)
    alarms_evaluate(factory_id=factory.pk, now=now)
    assert Alarm.objects.get().state == Alarm.State.CLEARED


def test_a_retired_devices_misconfiguration_alarm_is_cleared(plant):
    factory, _station, machine = plant
    Device.objects.filter(pk=machine.pk).update(
        poll_status="misconfigured", is_active=False, last_seen_at=datetime.now(UTC)
    )
    Alarm.objects.create(
        factory=factory,
        kind=Alarm.Kind.DEVICE_MISCONFIGURED,
        subject=f"device:{machine.pk}",
        device=machine,
        message="exception response 2",
        opened_at=datetime.now(UTC),
    )
    alarms_evaluate(factory_id=factory.pk)
    assert Alarm.objects.get().state == Alarm.State.CLEARED


def test_a_misconfigured_devices_alarm_stays_open_while_it_is_misconfigured(plant):
    factory, _station, machine = plant
    Device.objects.filter(pk=machine.pk).update(
        poll_status="misconfigured", is_online=True, last_seen_at=datetime.now(UTC)
    )
    Alarm.objects.create(
        factory=factory,
        kind=Alarm.Kind.DEVICE_MISCONFIGURED,
        subject=f"device:{machine.pk}",
        device=machine,
        message="exception response 2",
        opened_at=datetime.now(UTC),
    )
    alarms_evaluate(factory_id=factory.pk)
    assert list(Alarm.objects.values_list("kind", "state")) == [("device_misconfigured", "open")]


# Tuesday 1 December 2026, 10:00 in Shanghai: inside the default 08:00–17:00 shift.
IN_SHIFT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def stopped_machine(factory, machine, now: datetime) -> None:
    Device.objects.filter(pk=machine.pk).update(last_seen_at=now, is_online=True)
    MinuteRollup.objects.create(
        factory=factory, device=machine, minute=now - timedelta(minutes=3), stopped_seconds=60
    )


def test_a_machine_stopped_during_the_shift_raises_an_alarm(plant):
    factory, _station, machine = plant
    TelemetryPolicy.objects.create(factory=factory, stopped_after_minutes=10)
    stopped_machine(factory, machine, IN_SHIFT)

    alarms_evaluate(factory_id=factory.pk, now=IN_SHIFT)

    assert list(Alarm.objects.values_list("kind", "state")) == [("machine_stopped", "open")]


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 12, 1, 10, 0, tzinfo=UTC),  # 18:00 in Shanghai: after the shift
        datetime(2026, 11, 29, 2, 0, tzinfo=UTC),  # Sunday 10:00: a rest day of the factory
        datetime(2026, 10, 1, 2, 0, tzinfo=UTC),  # National Day 10:00: a statutory holiday
    ],
)
def test_a_stopped_machine_raises_nothing_outside_the_factorys_shifts(plant, now):
    factory, _station, machine = plant
    stopped_machine(factory, machine, now)

    alarms_evaluate(factory_id=factory.pk, now=now)

    assert Alarm.objects.count() == 0


def test_the_shift_window_is_the_factorys_own_shift_across_midnight(plant):
    factory, _station, machine = plant
    ShiftFactory(factory=factory, starts_at=time(22), ends_at=time(6), is_default=True)
    # Wednesday 2 December 2026, 01:00 in Shanghai: the night shift begun on Tuesday.
    now = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    stopped_machine(factory, machine, now)

    alarms_evaluate(factory_id=factory.pk, now=now)

    assert list(Alarm.objects.values_list("kind", flat=True)) == ["machine_stopped"]


def test_a_station_with_too_many_hangers_waiting_raises_a_wip_alarm(plant):
    factory, station_device, _machine = plant
    station = StationFactory(factory=factory)
    Device.objects.filter(pk=station_device.pk).update(station=station)
    TelemetryPolicy.objects.create(factory=factory, wip_threshold=3)
    now = IN_SHIFT
    MinuteRollup.objects.create(
        factory=factory,
        device=station_device,
        station=station,
        minute=now.replace(second=0, microsecond=0),
        arrivals=5,
        departures=1,
    )
    alarms_evaluate(factory_id=factory.pk, now=now)
    alarm = Alarm.objects.get()
    assert (alarm.kind, alarm.station, alarm.value) == ("station_wip", station, 4)


def test_an_alarm_is_acknowledged_then_cleared_and_not_acknowledged_twice(plant):
    factory, _station, machine = plant
    alarm = Alarm.objects.create(
        factory=factory, kind="device_offline", subject="device:1", message="x", opened_at=MINUTE
    )
    user = UserFactory()
    alarm = alarm_acknowledge(alarm=alarm, by=user)
    assert (alarm.state, alarm.acknowledged_by) == ("acknowledged", user)
    with pytest.raises(NotAllowed):
        alarm_acknowledge(alarm=alarm, by=user)
    assert alarm_clear(alarm=alarm, by=user).state == "cleared"


def test_an_alarm_cleared_by_its_condition_is_audited_and_cannot_be_acknowledged(plant):
    factory, _station, machine = plant
    alarm = Alarm.objects.create(
        factory=factory, kind="device_offline", subject="device:1", message="x", opened_at=MINUTE
    )

    cleared = alarm_clear_condition(
        factory_id=factory.pk, kind="device_offline", subject="device:1"
    )

    assert cleared == 1
    assert moves_of(alarm, field="state") == [("open", "cleared")]
    with pytest.raises(NotAllowed) as refused:
        alarm_acknowledge(alarm=alarm, by=UserFactory())
    assert refused.value.code == "invalid_transition"
    assert Alarm.objects.get(pk=alarm.pk).acknowledged_by is None
