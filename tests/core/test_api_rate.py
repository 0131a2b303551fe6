"""The API rate limit: per token, the acting organization's own rate where one is set, and a
429 that says when to retry."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core.roles import OrgKind, Role
from core.services import api_token_create
from tests.factories import FactoryFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"organization": "2/min"},
    }
    settings.API_RATE_BY_ORGANIZATION = {"fast": "4/min"}
    cache.clear()
    yield
    cache.clear()


def token_client(code: str) -> APIClient:
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code=code))
    user = UserFactory(username=f"{code}-owner")
    MembershipFactory(user=user, organization=factory.organization, role=Role.FACTORY_OWNER)
    _token, key = api_token_create(
        organization=factory.organization, name="erp", scope="read", by=user
    )
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")


def test_an_organization_with_its_own_rate_gets_it_and_the_others_the_default(rates):
    # given a factory with its own rate (4/min) and one on the default (2/min)
    fast, slow = token_client("fast"), token_client("slow")
    # when each sends five requests at once
    fast_statuses = [fast.get("/api/v1/lines/").status_code for _ in range(5)]
    slow_answers = [slow.get("/api/v1/lines/") for _ in range(5)]
    # then each is refused past its own budget, with the error body and a Retry-After
    assert fast_statuses == [200, 200, 200, 200, 429]
    assert [a.status_code for a in slow_answers] == [200, 200, 429, 429, 429]
    refused = slow_answers[2]
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_each_token_of_an_organization_has_its_own_budget(rates):
    first = token_client("two-tokens")
    owner = UserFactory(username="second-owner")
    from core.models import Organization

    org = Organization.objects.get(code="two-tokens")
    MembershipFactory(user=owner, organization=org, role=Role.FACTORY_OWNER)
    _token, key = api_token_create(organization=org, name="second", scope="read", by=owner)
    second = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert [first.get("/api/v1/lines/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/lines/").status_code == 200
