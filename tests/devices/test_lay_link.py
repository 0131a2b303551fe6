"""Cutter and spreader events name their lay (id or the cut ticket's "SLL:<id>"); after ingest
they are linked to it through production's service. An unknown lay stores the event unlinked."""

import orjson
import pytest

from devices.ingest import Incoming, ingest_messages, topic_for
from devices.models import DeadLetter, TelemetryRecord
from devices.tasks import lay_events_hand_off
from production.models import LayEvent
from production.selectors import lay_events
from tests.devices.conftest import now_ms
from tests.factories import DeviceFactory, LayFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cutting(db):
    lay = LayFactory()
    factory = lay.factory
    cutter = DeviceFactory(factory=factory, code="cutter-1", kind="cutter")
    spreader = DeviceFactory(factory=factory, code="spreader-1", kind="spreader")
    return lay, cutter, spreader


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """Ingest, then the hand-off the ingest queues after its commit, run here."""

    def run(messages):
        with django_capture_on_commit_callbacks(execute=False):
            result = ingest_messages(messages)
        lay_events_hand_off(result.lay_record_ids)
        return result

    return run


def event(device, seq, kind, ts=None, **record):
    body = {"seq": seq, "ts": ts or now_ms(), "type": kind, **record}
    return Incoming(topic_for(device.factory.code, device.code, "events"), orjson.dumps(body))


def test_a_cutter_job_is_linked_to_its_lay_and_shown_as_one_job(cutting, ingest):
    lay, cutter, _spreader = cutting
    start = now_ms() - 60_000

    ingest(
        [
            event(cutter, 1, "cutter.start", ts=start, lay=f"SLL:{lay.pk}", plies=51),
            event(cutter, 2, "cutter.end", ts=start + 30_000, lay=lay.pk, plies=51, metres=132.6),
        ]
    )

    jobs = lay_events(lay)
    assert [(j["machine"], j["device"], j["plies"], str(j["metres"])) for j in jobs] == [
        ("cutter", "cutter-1", 51, "132.60")
    ]
    assert (jobs[0]["ended"] - jobs[0]["started"]).total_seconds() == 30


def test_spreader_events_are_stored_and_linked(cutting, ingest):
    lay, _cutter, spreader = cutting

    result = ingest([event(spreader, 1, "spreader.start", lay=str(lay.pk), plies=0)])

    assert (result.inserted, result.dead_letters) == (1, 0)
    assert list(LayEvent.objects.values_list("lay_id", "kind", "device_code")) == [
        (lay.pk, "spreader.start", "spreader-1")
    ]


def test_an_unknown_lay_keeps_the_event_and_links_nothing(cutting, ingest):
    lay, cutter, _spreader = cutting

    result = ingest([event(cutter, 1, "cutter.start", lay="SLL:999999", plies=10)])

    assert (result.inserted, result.dead_letters, LayEvent.objects.count()) == (1, 0, 0)
    assert TelemetryRecord.objects.get().data["lay"] == "SLL:999999"


def test_a_lay_of_another_factory_is_not_linked(cutting, ingest):
    _lay, cutter, _spreader = cutting
    other = LayFactory()

    ingest([event(cutter, 1, "cutter.start", lay=other.pk)])

    assert (TelemetryRecord.objects.count(), LayEvent.objects.count()) == (1, 0)


def test_handing_off_twice_links_once(cutting, ingest):
    lay, cutter, _spreader = cutting

    result = ingest([event(cutter, 1, "cutter.end", lay=lay.pk, plies=51, metres=10)])
    lay_events_hand_off(result.lay_record_ids)

    assert LayEvent.objects.count() == 1


def test_a_cutter_event_without_a_lay_is_a_dead_letter(cutting, ingest):
    _lay, cutter, _spreader = cutting

    result = ingest([event(cutter, 1, "cutter.start", cut_order="CUT-1")])

    letter = DeadLetter.objects.get()
    assert (result.inserted, letter.reason, letter.detail) == (
        0,
        "invalid",
        "lay is required (an id or text)",
    )
