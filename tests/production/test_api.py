"""The shop-floor API: the phone's messages, and roles."""

import pytest

from core.roles import Role
from production.models import OperationRecord
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(api, floor, role):
    """The API as a member with `role`; a worker is the holder of the first badge."""
    user = UserFactory()
    MembershipFactory(user=user, organization=floor.factory.organization, role=role)
    if role == Role.WORKER:
        floor.workers[0].user = user
        floor.workers[0].save(update_fields=["user"])
    api.force_login(user)
    return api


def scan_body(floor, **extra):
    return {
        "bundle": f"SLB:{floor.bundles[0].pk}",
        "operation": floor.operations[0].code,
        "badge": floor.workers[0].badge_id,
        "reason": "entered for the line",  # a supervisor records for a worker with a reason
        **extra,
    }


def test_a_scan_through_the_api_records_the_bundle(api, floor):
    client = client_for(api, floor, Role.SUPERVISOR)
    response = client.post("/api/v1/operation-records/", scan_body(floor), format="json")
    assert (response.status_code, response.json()["good_pieces"]) == (201, 20)


def test_an_unknown_badge_answers_a_message_the_phone_shows_and_writes_nothing(api, floor):
    client = client_for(api, floor, Role.SUPERVISOR)
    response = client.post(
        "/api/v1/operation-records/", scan_body(floor, badge="nobody"), format="json"
    )
    body = response.json()
    assert (response.status_code, body["code"], list(body["errors"])) == (
        400,
        "invalid_worker",
        ["worker"],
    )
    assert OperationRecord.objects.count() == 0


def test_a_double_scan_is_a_conflict(api, floor):
    client = client_for(api, floor, Role.SUPERVISOR)
    client.post("/api/v1/operation-records/", scan_body(floor), format="json")
    response = client.post("/api/v1/operation-records/", scan_body(floor), format="json")
    assert (response.status_code, OperationRecord.objects.count()) == (409, 1)


def test_a_worker_may_scan_but_not_enter_by_hand(api, floor):
    client = client_for(api, floor, Role.WORKER)
    manual = client.post(
        "/api/v1/operation-records/",
        scan_body(floor, source="manual", reason="forgot"),
        format="json",
    )
    scanned = client.post("/api/v1/operation-records/", scan_body(floor), format="json")
    assert (manual.status_code, scanned.status_code) == (400, 201)


def test_void_needs_a_reason(api, floor):
    client = client_for(api, floor, Role.SUPERVISOR)
    record_id = client.post("/api/v1/operation-records/", scan_body(floor), format="json").json()[
        "id"
    ]
    refused = client.post(f"/api/v1/operation-records/{record_id}/void/", {}, format="json")
    voided = client.post(
        f"/api/v1/operation-records/{record_id}/void/", {"reason": "wrong bundle"}, format="json"
    )
    assert (refused.status_code, voided.status_code, voided.json()["void_reason"]) == (
        400,
        200,
        "wrong bundle",
    )


def test_the_aql_plan_endpoint_reads_the_standard(api, floor):
    client = client_for(api, floor, Role.QC_INSPECTOR)
    response = client.get("/api/v1/final-audits/plan/?lot_size=3000&aql=2.5")
    body = response.json()
    assert (body["code_letter"], body["sample_size"], body["accept"], body["reject"]) == (
        "K",
        125,
        7,
        8,
    )


def test_a_worker_scanning_another_workers_badge_is_refused_and_nothing_is_written(api, floor):
    # given worker A signed in (the holder of the first badge)
    client = client_for(api, floor, Role.WORKER)

    # when A scans with worker B's badge
    response = client.post(
        "/api/v1/operation-records/",
        scan_body(floor, badge=floor.workers[1].badge_id),
        format="json",
    )

    # then it is refused, and nothing is recorded
    assert response.status_code == 403
    assert response.json()["code"] == "not_own_badge"
    assert OperationRecord.objects.count() == 0


def test_a_supervisor_records_for_a_worker_with_a_reason_and_the_audit_keeps_it(api, floor):
    from tests.audit_trail import entries_of

    client = client_for(api, floor, Role.SUPERVISOR)

    response = client.post(
        "/api/v1/operation-records/",
        scan_body(floor, badge=floor.workers[1].badge_id, source="manual", reason="badge lost"),
        format="json",
    )

    assert response.status_code == 201
    record = OperationRecord.objects.get()
    assert (record.worker, record.reason) == (floor.workers[1], "badge lost")
    (created,) = entries_of(record)
    assert created.changes["reason"] == ["None", "badge lost"]
    assert created.actor == record.recorded_by


def test_a_supervisor_recording_for_a_worker_without_a_reason_is_refused(api, floor):
    client = client_for(api, floor, Role.SUPERVISOR)

    response = client.post(
        "/api/v1/operation-records/",
        scan_body(floor, badge=floor.workers[1].badge_id, reason=""),
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert OperationRecord.objects.count() == 0
