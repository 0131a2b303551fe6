"""The shop-floor API: the phone's messages, and roles."""

import pytest

from core.roles import Role
from production.models import OperationRecord
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(api, floor, role):
    user = UserFactory()
    MembershipFactory(user=user, organization=floor.factory.organization, role=role)
    api.force_login(user)
    return api


def scan_body(floor, **extra):
    return {
        "bundle": f"SLB:{floor.bundles[0].pk}",
        "operation": floor.operations[0].code,
        "badge": floor.workers[0].badge_id,
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
