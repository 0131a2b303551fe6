"""People of an organization: added by username, roles checked, a last owner always remains."""

import pytest
from rest_framework.test import APIClient

from core.models import Membership
from core.roles import OrgKind, Role
from tests.factories import FactoryFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="f1"))
    user = UserFactory(username="boss")
    membership = MembershipFactory(
        user=user, organization=factory.organization, role=Role.FACTORY_OWNER
    )
    client = APIClient()
    client.force_login(user)
    return client, membership


def test_an_owner_adds_an_existing_user_with_a_factory_role(owner):
    client, membership = owner
    UserFactory(username="li")
    response = client.post(
        "/api/v1/memberships/", {"username": "li", "role": "planner"}, format="json"
    )
    assert response.status_code == 201
    assert Membership.objects.get(user__username="li").organization == membership.organization


def test_a_merchant_role_cannot_be_given_in_a_factory(owner):
    client, _membership = owner
    UserFactory(username="li")
    response = client.post(
        "/api/v1/memberships/", {"username": "li", "role": "merchant_buyer"}, format="json"
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user__username="li").exists()


def test_the_last_owner_cannot_be_deactivated(owner):
    client, membership = owner
    response = client.post(f"/api/v1/memberships/{membership.pk}/deactivate/")
    assert response.status_code == 409
    membership.refresh_from_db()
    assert membership.is_active


def test_changing_a_role_is_checked_against_the_organization_kind(owner):
    client, _membership = owner
    worker = MembershipFactory(
        user=UserFactory(username="w"), organization=_membership.organization, role=Role.WORKER
    )
    bad = client.patch(
        f"/api/v1/memberships/{worker.pk}/", {"role": "district_official"}, format="json"
    )
    good = client.patch(f"/api/v1/memberships/{worker.pk}/", {"role": "supervisor"}, format="json")
    assert bad.status_code == 400
    assert good.status_code == 200
    worker.refresh_from_db()
    assert worker.role == Role.SUPERVISOR
