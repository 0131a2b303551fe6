"""The ingest entry point: validation, dead letters, idempotency, batched gateway form."""

import orjson
import pytest

from devices.ingest import Incoming, ingest_messages, topic_for
from devices.models import DeadLetter, Device, TelemetryRecord
from tests.devices.conftest import message, now_ms
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def test_a_sample_is_stored_with_its_sequence_and_marks_the_device_online(plant):
    _factory, _station, machine = plant
    result = ingest_messages([message(machine, seq=7, run_s=42, stitches=3100)])
    record = TelemetryRecord.objects.get()
    assert (result.inserted, record.device_id, record.sequence) == (1, machine.pk, 7)
    assert record.data == {"run_s": 42, "stitches": 3100}
    assert Device.objects.get(pk=machine.pk).is_online is True


def test_a_redelivered_message_makes_no_second_row(plant):
    _factory, _station, machine = plant
    again = message(machine, seq=3, ts=now_ms())
    ingest_messages([again])
    result = ingest_messages([again])
    assert (result.inserted, result.duplicates) == (0, 1)
    assert TelemetryRecord.objects.count() == 1
    assert DeadLetter.objects.get().reason == DeadLetter.Reason.DUPLICATE


def test_the_same_record_twice_in_one_batch_is_stored_once(plant):
    _factory, _station, machine = plant
    twice = message(machine, seq=5)
    result = ingest_messages([twice, twice])
    assert (result.inserted, result.duplicates, TelemetryRecord.objects.count()) == (1, 1, 1)


@pytest.mark.parametrize(
    ("topic_device", "payload", "reason"),
    [
        ("sm-1", b"{not json", DeadLetter.Reason.MALFORMED),
        ("nobody", b'{"seq":1,"ts":1,"type":"sewing.sample","run_s":1}', "unknown_device"),
        ("sm-1", b'{"seq":-1,"ts":TS,"type":"sewing.sample","run_s":1}', "out_of_range"),
        ("sm-1", b'{"seq":1,"ts":TS,"type":"teleport","run_s":1}', "invalid"),
        ("sm-1", b'{"seq":1,"ts":1000,"type":"sewing.sample","run_s":1}', "time_out_of_range"),
        ("sm-1", b'{"seq":1,"ts":TS,"type":"sewing.sample"}', "invalid"),
    ],
)
def test_a_bad_message_goes_to_the_dead_letters_and_the_good_ones_around_it_arrive(
    plant, topic_device, payload, reason
):
    factory, _station, machine = plant
    bad = Incoming(
        topic_for(factory.code, topic_device, "telemetry"),
        payload.replace(b"TS", str(now_ms()).encode()),
    )
    result = ingest_messages([message(machine, seq=1), bad, message(machine, seq=2)])
    assert result.inserted == 2
    assert list(
        TelemetryRecord.objects.order_by("sequence").values_list("sequence", flat=True)
    ) == [
        1,
        2,
    ]
    assert list(DeadLetter.objects.values_list("reason", flat=True)) == [reason]


def test_an_unknown_factory_in_the_topic_is_dead_lettered_without_a_factory(plant):
    _factory, _station, machine = plant
    bad = Incoming(topic_for("elsewhere", machine.code, "telemetry"), b"{}")
    ingest_messages([bad])
    letter = DeadLetter.objects.get()
    assert (letter.reason, letter.factory_id) == (DeadLetter.Reason.WRONG_FACTORY, None)
    assert TelemetryRecord.objects.count() == 0


def test_an_oversize_payload_is_dead_lettered(plant, settings):
    settings.DEVICES = {"MAX_PAYLOAD_BYTES": 100}
    _factory, _station, machine = plant
    ingest_messages([message(machine, seq=1, note="x" * 200)])
    assert DeadLetter.objects.get().reason == DeadLetter.Reason.OVERSIZE
    assert TelemetryRecord.objects.count() == 0


def test_a_gateway_batch_stores_each_record_of_its_children(plant):
    factory, station, machine = plant
    gateway = DeviceFactory(factory=factory, code="gw-1", kind="hanging_controller")
    Device.objects.filter(pk__in=[station.pk, machine.pk]).update(gateway=gateway)
    ts = now_ms()
    records = [
        {"device": "st-1", "seq": n, "ts": ts, "type": "station.arrive", "hanger": f"H{n}"}
        for n in range(1, 51)
    ]
    payload = orjson.dumps({"records": records})
    result = ingest_messages([Incoming(topic_for(factory.code, "gw-1", "events"), payload)])
    assert result.inserted == 50
    assert set(TelemetryRecord.objects.values_list("device_id", flat=True)) == {station.pk}
    assert len(result.station_record_ids) == 50


def test_a_gateway_cannot_report_for_a_device_not_behind_it(plant):
    factory, station, _machine = plant
    DeviceFactory(factory=factory, code="gw-1", kind="gateway")
    payload = orjson.dumps(
        {"records": [{"device": "st-1", "seq": 1, "ts": now_ms(), "type": "heartbeat"}]}
    )
    ingest_messages([Incoming(topic_for(factory.code, "gw-1", "status"), payload)])
    assert TelemetryRecord.objects.count() == 0
    assert DeadLetter.objects.get().reason == DeadLetter.Reason.NOT_BEHIND_GATEWAY
