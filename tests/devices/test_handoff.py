"""Hanger events become production operation records, once per event."""

import orjson
import pytest

from devices.ingest import Incoming, ingest_messages, topic_for
from devices.models import MinuteRollup, StationHandoff
from devices.rollups import minute_floor, rollup_minutes
from devices.tasks import station_events_hand_off
from production.models import OperationRecord
from tests.devices.conftest import now_ms
from tests.factories import DeviceFactory
from tests.production.conftest import build_floor

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor():
    floor = build_floor(tag="h")
    floor.device = DeviceFactory(
        factory=floor.factory,
        code="st-1",
        kind="hanging_station",
        station=floor.stations[0],
        line=floor.line,
    )
    return floor


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """The ingest entry point, then the hand-off task it queues after the commit, run here
    (with a real Celery broker the queued task would run in a worker)."""

    def run(messages):
        with django_capture_on_commit_callbacks(execute=False):
            result = ingest_messages(messages)
        station_events_hand_off(result.station_record_ids)
        return result

    return run


def leave(floor, seq, bundle=0, operation=0, **extra):
    body = {
        "seq": seq,
        "ts": now_ms(),
        "type": "station.leave",
        "hanger": f"H{seq}",
        "bundle": floor.bundles[bundle].pk,
        "operation": floor.operations[operation].code,
        "badge": floor.workers[0].badge_id,
        **extra,
    }
    return Incoming(topic_for(floor.factory.code, "st-1", "events"), orjson.dumps(body))


def test_a_hanger_leaving_a_station_records_the_operation_for_the_badge(floor, ingest):
    ingest([leave(floor, 1, good=19, defect=1)])  # eager Celery hands it off
    record = OperationRecord.objects.get()
    assert (record.bundle, record.operation, record.worker, record.station) == (
        floor.bundles[0],
        floor.operations[0],
        floor.workers[0],
        floor.stations[0],
    )
    assert (record.good_pieces, record.defective_pieces, record.source) == (19, 1, "device")
    assert StationHandoff.objects.get().operation_record == record


def test_handing_the_same_event_off_again_makes_no_second_record(floor, ingest):
    result = ingest([leave(floor, 1)])
    station_events_hand_off(result.station_record_ids)
    station_events_hand_off(result.station_record_ids)
    assert OperationRecord.objects.count() == 1
    assert StationHandoff.objects.count() == 1


def test_a_redelivered_event_makes_no_second_record(floor, ingest):
    message = leave(floor, 1)
    ingest([message])
    ingest([message])
    assert OperationRecord.objects.count() == 1


def test_an_event_production_refuses_is_kept_as_rejected_with_the_reason(floor, ingest):
    ingest([leave(floor, 1, badge="nobody")])
    handoff = StationHandoff.objects.get()
    assert handoff.outcome == StationHandoff.Outcome.REJECTED
    assert "badge" in handoff.detail
    assert OperationRecord.objects.count() == 0


def test_a_hanger_arriving_records_nothing(floor, ingest):
    body = {"seq": 1, "ts": now_ms(), "type": "station.arrive", "hanger": "H1"}
    ingest([Incoming(topic_for(floor.factory.code, "st-1", "events"), orjson.dumps(body))])
    assert (OperationRecord.objects.count(), StationHandoff.objects.count()) == (0, 0)


def test_a_leave_without_good_counts_the_same_pieces_in_rollups_as_in_production(floor, ingest):
    # given a station reports a bundle of 20 leaving, with one defect and no good count
    ingest([leave(floor, 1, defect=1)])
    record = OperationRecord.objects.get()
    # when its minute is rolled up
    minute = minute_floor(record.recorded_at)
    rollup_minutes(factory_id=floor.factory.pk, minutes=[minute])
    # then the rollup counts the good pieces production recorded: the bundle less the defect
    rollup = MinuteRollup.objects.get(device=floor.device, minute=minute)
    assert record.good_pieces == floor.bundles[0].quantity - 1 == 19
    assert rollup.pieces == record.good_pieces
