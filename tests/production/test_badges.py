"""Badge numbers have one format everywhere (factories.badges): "B0041", "b41" and "B000041" are
one badge at the scan page, the API, a hanger event and the worker list; it is stored and shown
as "B000041"."""

import orjson
import pytest
from django.urls import reverse

from core.roles import Role
from devices.ingest import Incoming, ingest_messages, topic_for
from devices.tasks import station_events_hand_off
from factories.badges import badge_normalise, worker_by_badge
from factories.models import Worker
from production.models import OperationRecord
from tests.devices.conftest import now_ms
from tests.factories import DeviceFactory, WorkerFactory
from tests.production.conftest import build_floor
from tests.production.test_api import client_for
from tests.production.test_pages import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("B0041", "B000041"),
        ("B000041", "B000041"),
        ("b41", "B000041"),
        (" B 0041 ", "B000041"),
        ("Ｂ００４１", "B000041"),  # a Chinese keyboard's full-width characters
        ("0041", "000041"),
        ("QC-7", "QC-000007"),
        ("B1234567", "B1234567"),  # longer than six digits: left as it is
        ("NO-SUCH-BADGE", "NO-SUCH-BADGE"),
        ("", ""),
    ],
)
def test_a_badge_is_normalised_to_the_one_format(written, canonical):
    assert badge_normalise(written) == canonical


@pytest.fixture
def floor(db):
    floor = build_floor(tag="g")
    floor.worker = WorkerFactory(factory=floor.factory, line=floor.line, badge_id="B000041")
    return floor


def test_both_forms_find_the_worker_and_another_factorys_badge_does_not(floor):
    stranger = build_floor(tag="s")
    WorkerFactory(factory=stranger.factory, badge_id="B000042")
    workers = Worker.objects.filter(factory=floor.factory)

    found = [worker_by_badge(workers, badge) for badge in ("B0041", "B000041", "b41", "B0042")]

    assert found == [floor.worker, floor.worker, floor.worker, None]


def test_a_badge_stored_in_an_old_form_is_found_by_the_canonical_one(floor):
    old = WorkerFactory(factory=floor.factory, badge_id="B0077")  # before the one format

    assert worker_by_badge(Worker.objects.filter(factory=floor.factory), "B000077") == old


def test_two_old_rows_of_one_badge_are_never_guessed_between(floor):
    # Two rows written before the one format, neither canonical: which one is meant is unknown.
    WorkerFactory(factory=floor.factory, badge_id="B0077")
    WorkerFactory(factory=floor.factory, badge_id="b077")

    assert worker_by_badge(Worker.objects.filter(factory=floor.factory), "B77") is None


def test_the_scan_page_records_under_the_short_form_of_a_badge(client, floor):
    login(client, floor, Role.SUPERVISOR)

    client.post(
        reverse("production:record-manual"),
        {
            "bundle": f"SLB:{floor.bundles[0].pk}",
            "badge": "B0041",
            "operation": "OP1",
            "reason": "entered for the line",
        },
    )

    assert OperationRecord.objects.get().worker == floor.worker


def test_the_api_records_under_the_short_form_of_a_badge(api, floor):
    client = client_for(api, floor, Role.SUPERVISOR)

    response = client.post(
        "/api/v1/operation-records/",
        {
            "bundle": f"SLB:{floor.bundles[0].pk}",
            "operation": "OP1",
            "badge": "b41",
            "reason": "entered for the line",
        },
        format="json",
    )

    assert (response.status_code, response.json()["worker"]) == (201, floor.worker.pk)


def test_a_hanger_event_with_the_short_form_of_a_badge_is_recorded(
    floor, django_capture_on_commit_callbacks
):
    DeviceFactory(
        factory=floor.factory,
        code="st-1",
        kind="hanging_station",
        station=floor.stations[0],
        line=floor.line,
    )
    body = {
        "seq": 1,
        "ts": now_ms(),
        "type": "station.leave",
        "hanger": "H1",
        "bundle": floor.bundles[0].pk,
        "operation": "OP1",
        "badge": "B0041",
    }
    with django_capture_on_commit_callbacks(execute=False):
        result = ingest_messages(
            [Incoming(topic_for(floor.factory.code, "st-1", "events"), orjson.dumps(body))]
        )

    station_events_hand_off(result.station_record_ids)

    assert OperationRecord.objects.get().worker == floor.worker


def test_the_inspection_page_takes_the_short_form_of_the_operators_badge(client, floor):
    login(client, floor, Role.QC_INSPECTOR)

    client.post(
        reverse("production:inspect"),
        {
            "kind": "inline",
            "result": "pass",
            "bundle": f"SLB:{floor.bundles[0].pk}",
            "badge": "B0041",
            "checked_pieces": "5",
        },
    )

    from production.models import Inspection

    assert Inspection.objects.get().worker == floor.worker


def test_a_worker_is_stored_with_the_canonical_badge_and_a_second_form_is_refused(api, floor):
    client = client_for(api, floor, Role.FACTORY_MANAGER)
    body = {"employee_no": "E9", "name": "王芳", "badge_id": "b77"}

    created = client.post("/api/v1/workers/", body, format="json")
    again = client.post(
        "/api/v1/workers/", {**body, "employee_no": "E10", "badge_id": "B0077"}, format="json"
    )

    assert (created.status_code, created.json()["badge_id"]) == (201, "B000077")
    assert (again.status_code, again.json()["code"]) == (409, "duplicate")
    assert again.json()["errors"]["badge_id"] == ["Already used by another worker in this factory."]
    assert Worker.objects.filter(factory=floor.factory, employee_no="E10").count() == 0
