"""Poison records: what real devices send that used to stop the ingest. Each one is stored or
becomes a dead letter with its reason, and the good records of the same batch are stored once."""

import time as clock
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from django.db import connection, transaction

from core import rls
from devices import ingest
from devices.ingest import Incoming, ingest_messages, topic_for
from devices.models import DeadLetter, TelemetryRecord
from devices.partitions import partition_name
from tests.devices.conftest import message

pytestmark = pytest.mark.django_db


def raw(device, body: bytes, channel="telemetry") -> Incoming:
    return Incoming(topic_for(device.factory.code, device.code, channel), body)


def stored_sequences() -> list[int]:
    return list(TelemetryRecord.objects.order_by("sequence").values_list("sequence", flat=True))


def letters() -> list[tuple[str, str]]:
    return list(DeadLetter.objects.order_by("pk").values_list("reason", "detail"))


# --- timestamps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "name"), [(1, "seconds"), (1_000, "milliseconds"), (1_000_000, "microseconds")]
)
def test_an_integer_ts_is_read_as_seconds_milliseconds_or_microseconds_by_magnitude(
    plant, scale, name
):
    _factory, _station, machine = plant
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    ingest_messages([message(machine, seq=1, ts=int(moment.timestamp()) * scale)])
    assert TelemetryRecord.objects.get().time == moment


def test_a_microsecond_ts_keeps_its_microseconds(plant):
    _factory, _station, machine = plant
    micros = int(clock.time() * 1_000_000) // 1_000_000 * 1_000_000 - 60_000_000 + 123_456
    ingest_messages([message(machine, seq=1, ts=micros)])
    stored = TelemetryRecord.objects.get().time
    assert (stored.microsecond, int(stored.timestamp())) == (123_456, micros // 1_000_000)


def test_a_float_ts_in_seconds_is_stored(plant):
    _factory, _station, machine = plant
    seconds = int(clock.time()) - 60 + 0.25
    result = ingest_messages([message(machine, seq=1, ts=seconds)])
    assert result.inserted == 1
    assert TelemetryRecord.objects.get().time.timestamp() == seconds


def test_a_float_ts_in_milliseconds_is_stored(plant):
    _factory, _station, machine = plant
    millis = (int(clock.time()) - 60) * 1000 + 0.5
    ingest_messages([message(machine, seq=1, ts=millis)])
    assert TelemetryRecord.objects.get().time.timestamp() == millis / 1000


@pytest.mark.parametrize(
    ("ts", "reason", "detail"),
    [
        (10**18, "time_out_of_range", "ts 1000000000000000000"),
        (-(10**16), "time_out_of_range", "ts -10000000000000000"),
        (1e300, "time_out_of_range", "ts 1e+300"),
        ("9999-12-31T23:59:59-14:00", "time_out_of_range", "ts 9999-12-31T23:59:59-14:00"),
        ("yesterday", "invalid", "ts is not a time"),
        ("2026-01-01T00:00:00", "invalid", "ts has no time zone"),
        (True, "invalid", "ts must be a number or a time, not bool"),
        ([1], "invalid", "ts must be a number or a time, not list"),
        (None, "invalid", "ts missing"),
    ],
)
def test_a_ts_that_is_no_usable_time_is_dead_lettered_with_its_reason(plant, ts, reason, detail):
    _factory, _station, machine = plant
    result = ingest_messages(
        [message(machine, seq=1), message(machine, seq=2, ts=ts), message(machine, seq=3)]
    )
    assert (result.inserted, stored_sequences()) == (2, [1, 3])
    assert letters() == [(reason, detail)]


# --- ranges --------------------------------------------------------------------------------


def test_a_seq_beyond_bigint_is_dead_lettered_as_out_of_range(plant):
    _factory, _station, machine = plant
    result = ingest_messages(
        [message(machine, seq=1), message(machine, seq=2**63), message(machine, seq=2)]
    )
    assert (result.inserted, stored_sequences()) == (2, [1, 2])
    assert letters() == [("out_of_range", f"seq {2**63} is outside 0..2^63-1")]


def test_the_largest_bigint_seq_is_stored(plant):
    _factory, _station, machine = plant
    ingest_messages([message(machine, seq=2**63 - 1)])
    assert stored_sequences() == [2**63 - 1]


@pytest.mark.parametrize(
    ("field", "value", "detail"),
    [
        ("stitches", 2**31, f"stitches {2**31} is outside 0..{2**31 - 1}"),
        ("stitches", -1, f"stitches -1 is outside 0..{2**31 - 1}"),
        ("run_s", 1.5e300, f"run_s 1.5e+300 is outside 0..{2**31 - 1}"),
        ("trims", 2**64 + 1.0, f"trims {float(2**64 + 1)!r} is outside 0..{2**31 - 1}"),
    ],
)
def test_a_counter_outside_its_limits_is_dead_lettered_as_out_of_range(plant, field, value, detail):
    _factory, _station, machine = plant
    ingest_messages([message(machine, seq=1, **{field: value}), message(machine, seq=2)])
    assert stored_sequences() == [2]
    assert letters() == [("out_of_range", detail)]


def test_a_counter_that_is_not_a_number_is_invalid(plant):
    _factory, _station, machine = plant
    ingest_messages([message(machine, seq=1, stitches="NaN")])
    assert (stored_sequences(), letters()) == ([], [("invalid", "stitches must be a number")])


def test_the_largest_counter_is_stored(plant):
    _factory, _station, machine = plant
    ingest_messages([message(machine, seq=1, stitches=2**31 - 1)])
    assert TelemetryRecord.objects.get().data["stitches"] == 2**31 - 1


def test_pieces_of_a_station_leave_are_range_checked(plant):
    _factory, station, _machine = plant
    leave = {"type": "station.leave", "hanger": "H1", "good": 2**40}
    ingest_messages([message(station, channel="events", seq=1, **leave)])
    assert (stored_sequences(), [r for r, _d in letters()]) == ([], ["out_of_range"])


# --- NUL -----------------------------------------------------------------------------------


def test_nul_padding_at_the_end_of_a_string_is_stripped(plant):
    _factory, _station, machine = plant
    result = ingest_messages([message(machine, seq=1, fw="2.4.1\x00\x00\x00", tags=["a\x00"])])
    assert result.inserted == 1
    assert TelemetryRecord.objects.get().data == {"run_s": 10, "fw": "2.4.1", "tags": ["a"]}


def test_a_nul_inside_a_string_is_dead_lettered_and_the_batch_goes_on(plant):
    _factory, _station, machine = plant
    result = ingest_messages(
        [message(machine, seq=1), message(machine, seq=2, fw="2.4\x001"), message(machine, seq=3)]
    )
    assert (result.inserted, stored_sequences()) == (2, [1, 3])
    assert letters() == [("invalid", "NUL character inside fw")]


def test_a_nul_in_a_key_is_dead_lettered(plant):
    _factory, _station, machine = plant
    ingest_messages([message(machine, seq=1, **{"f\x00w": 1})])
    assert (stored_sequences(), letters()) == ([], [("invalid", "NUL character inside a key")])


def test_a_nul_in_a_gateway_child_code_is_dead_lettered_not_raised(plant):
    factory, _station, _machine = plant
    from tests.factories import DeviceFactory

    DeviceFactory(factory=factory, code="gw-1", kind="gateway")
    records = [{"device": "st\x00-1", "seq": 1, "ts": int(clock.time() * 1000), "type": "online"}]
    ingest_messages(
        [Incoming(topic_for(factory.code, "gw-1", "status"), orjson.dumps({"records": records}))]
    )
    assert letters() == [("not_behind_gateway", "st\\0-1")]


# --- anything else ---------------------------------------------------------------------------


def test_data_nested_deeper_than_can_be_stored_is_dead_lettered(plant):
    _factory, _station, machine = plant
    body = b'{"seq":1,"ts":%d,"type":"sewing.sample","run_s":1,"x":%s1%s}' % (
        int(clock.time() * 1000),
        b"[" * 400,
        b"]" * 400,
    )
    ingest_messages([raw(machine, body), message(machine, seq=2)])
    assert stored_sequences() == [2]
    assert [reason for reason, _detail in letters()] == ["invalid"]


def test_an_exception_while_decoding_makes_the_message_undecodable(plant, monkeypatch):
    _factory, _station, machine = plant

    def explode(*args):
        raise ZeroDivisionError("boom")

    good = message(machine, seq=1)
    monkeypatch.setattr(ingest, "_record_row", explode)
    result = ingest_messages([good])
    assert result.inserted == 0
    letter = DeadLetter.objects.get()
    assert (letter.reason, letter.detail, bytes(letter.payload)) == (
        "undecodable",
        "ZeroDivisionError: boom",
        good.payload,
    )


@pytest.mark.postgres
def test_a_record_the_database_refuses_in_copy_is_dead_lettered_and_the_rest_stored_once(plant):
    # Given a constraint the ingest's checks know nothing about
    _factory, _station, machine = plant
    with rls.owner(), connection.cursor() as cursor:  # DDL is the owner's
        cursor.execute(
            "ALTER TABLE devices_telemetryrecord ADD CONSTRAINT no_13 CHECK (sequence <> 13)"
        )
    # When a batch holds a record that breaks it
    batch = [message(machine, seq=n) for n in (11, 12, 13, 14)]
    result = ingest_messages(batch)
    # Then that record is a "refused" dead letter with the database's message, the others are
    # stored once
    assert (result.inserted, stored_sequences()) == (3, [11, 12, 14])
    letter = DeadLetter.objects.get()
    assert letter.reason == "refused"
    assert letter.detail.startswith("refused by the database: new row for relation")
    assert orjson.loads(bytes(letter.payload))["seq"] == 13
    # and sending the batch again stores nothing twice
    again = ingest_messages(batch)
    assert (again.inserted, again.duplicates, stored_sequences()) == (0, 3, [11, 12, 14])


# --- partitions ----------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_rolled_back_batch_does_not_leave_its_new_partition_marked_as_existing(plant):
    # Given a day whose partition does not exist
    _factory, _station, machine = plant
    day = datetime.now(UTC) - timedelta(days=6)
    with rls.owner(), connection.cursor() as cursor:  # DDL is the owner's
        cursor.execute(f'DROP TABLE IF EXISTS "{partition_name(day.date())}"')
    ingest._known_partition_days.clear()
    ts = int(day.timestamp() * 1000)

    # When a batch creates it and its transaction is rolled back
    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        assert ingest_messages([message(machine, seq=1, ts=ts)]).inserted == 1
        raise RolledBack

    # Then a later record of that day is stored
    result = ingest_messages([message(machine, seq=2, ts=ts)])
    assert (result.inserted, stored_sequences()) == (1, [2])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_committed_batch_remembers_the_days_of_its_partitions(plant):
    _factory, _station, machine = plant
    ingest._known_partition_days.clear()
    day = datetime.now(UTC) - timedelta(days=2)
    ingest_messages([message(machine, seq=1, ts=int(day.timestamp() * 1000))])
    assert ingest._known_partition_days == {day.date()}
