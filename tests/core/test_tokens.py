"""API tokens: shown once, stored hashed, scoped read/write, expiring, revocable."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ApiToken
from core.roles import OrgKind, Role
from core.services import api_token_create, api_token_revoke
from factories.models import SewingLine
from tests.factories import FactoryFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def factory_with_owner():
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="f1"))
    owner = UserFactory(username="owner1")
    MembershipFactory(user=owner, organization=factory.organization, role=Role.FACTORY_OWNER)
    return factory, owner


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_the_key_is_stored_only_as_a_hash(factory_with_owner):
    factory, owner = factory_with_owner
    token, key = api_token_create(
        organization=factory.organization, name="ERP", scope="read", by=owner
    )
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == ApiToken.hash_key(key)
    assert key.startswith(f"sl_{stored.prefix}_")


def test_the_key_is_shown_once_by_the_api(factory_with_owner):
    factory, owner = factory_with_owner
    client = APIClient()
    client.force_login(owner)
    created = client.post("/api/v1/tokens/", {"name": "Shop", "scope": "write"}, format="json")
    listed = client.get(f"/api/v1/tokens/{created.json()['id']}/")
    assert created.status_code == 201
    assert created.json()["key"].startswith("sl_")
    assert listed.json()["key"] is None


def test_a_read_token_reads_but_cannot_write(factory_with_owner):
    factory, owner = factory_with_owner
    _token, key = api_token_create(
        organization=factory.organization, name="BI", scope="read", by=owner
    )
    client = client_with(key)
    read = client.get("/api/v1/lines/")
    write = client.post("/api/v1/lines/", {"code": "L9", "name": "Line 9"}, format="json")
    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["code"] == "permission_denied"
    assert SewingLine.objects.count() == 0


def test_a_write_token_writes_for_its_own_factory(factory_with_owner):
    factory, owner = factory_with_owner
    _token, key = api_token_create(
        organization=factory.organization, name="ERP", scope="write", by=owner
    )
    response = client_with(key).post(
        "/api/v1/lines/", {"code": "L9", "name": "Line 9"}, format="json"
    )
    assert response.status_code == 201
    assert SewingLine.objects.get().factory_id == factory.pk


def test_an_expired_token_is_refused_with_401(factory_with_owner):
    factory, owner = factory_with_owner
    token, key = api_token_create(
        organization=factory.organization,
        name="Old",
        scope="read",
        by=owner,
        expires_at=timezone.now() + timedelta(minutes=1),
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client_with(key).get("/api/v1/lines/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_token_is_refused_with_401(factory_with_owner):
    factory, owner = factory_with_owner
    token, key = api_token_create(
        organization=factory.organization, name="Gone", scope="write", by=owner
    )
    api_token_revoke(token=token, by=owner)
    response = client_with(key).get("/api/v1/lines/")
    assert response.status_code == 401


def test_a_wrong_key_with_a_real_prefix_is_refused(factory_with_owner):
    factory, owner = factory_with_owner
    token, _key = api_token_create(
        organization=factory.organization, name="ERP", scope="read", by=owner
    )
    response = client_with(f"sl_{token.prefix}_not-the-secret").get("/api/v1/lines/")
    assert response.status_code == 401


def test_using_a_token_records_the_last_used_time(factory_with_owner):
    factory, owner = factory_with_owner
    token, key = api_token_create(
        organization=factory.organization, name="ERP", scope="read", by=owner
    )
    client_with(key).get("/api/v1/lines/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_a_token_cannot_act_as_a_role_its_organization_lacks(factory_with_owner):
    factory, owner = factory_with_owner
    client = APIClient()
    client.force_login(owner)
    response = client.post(
        "/api/v1/tokens/",
        {"name": "x", "scope": "read", "role": Role.MERCHANT_BUYER},
        format="json",
    )
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0
