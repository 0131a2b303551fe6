"""Idempotency-Key: a retried POST replays the first response and creates nothing new."""

import pytest
from rest_framework.test import APIClient

from core.models import IdempotencyRecord
from core.roles import OrgKind, Role
from factories.models import SewingLine
from tests.factories import FactoryFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client():
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="f1"))
    owner = UserFactory(username="owner1")
    MembershipFactory(user=owner, organization=factory.organization, role=Role.FACTORY_OWNER)
    client = APIClient()
    client.force_login(owner)
    return client


def test_the_same_post_twice_creates_one_object(owner_client):
    body = {"code": "L1", "name": "Line 1"}
    first = owner_client.post("/api/v1/lines/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = owner_client.post("/api/v1/lines/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert SewingLine.objects.count() == 1


def test_the_same_key_with_another_body_is_422_and_creates_nothing(owner_client):
    owner_client.post(
        "/api/v1/lines/",
        {"code": "L1", "name": "Line 1"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    reused = owner_client.post(
        "/api/v1/lines/",
        {"code": "L2", "name": "Line 2"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert list(SewingLine.objects.values_list("code", flat=True)) == ["L1"]


def test_a_failed_post_leaves_the_key_free_for_a_corrected_retry(owner_client):
    bad = owner_client.post(
        "/api/v1/lines/", {"code": "", "name": "Line 1"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert bad.status_code == 400
    assert IdempotencyRecord.objects.count() == 0
    good = owner_client.post(
        "/api/v1/lines/",
        {"code": "", "name": "Line 1"} | {"code": "L1"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )
    assert good.status_code == 201
    assert SewingLine.objects.count() == 1


def test_posts_without_a_key_are_not_deduplicated(owner_client):
    owner_client.post("/api/v1/lines/", {"code": "L1", "name": "Line 1"}, format="json")
    duplicate = owner_client.post("/api/v1/lines/", {"code": "L1", "name": "Line 1"}, format="json")
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate"
    assert SewingLine.objects.count() == 1
