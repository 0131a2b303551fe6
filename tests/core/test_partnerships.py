"""Factories invite merchants and suppliers; only the invited organization answers."""

import pytest
from rest_framework.test import APIClient

from core.roles import OrgKind, Role
from factories.models import Partnership
from factories.services import is_partner
from tests.factories import FactoryFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(org, role, username):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=org, role=role)
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def setting():
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="f1"))
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT, code="m1")
    return factory, merchant


def test_an_invited_merchant_becomes_a_partner_when_it_accepts(setting):
    factory, merchant = setting
    manager = client_for(factory.organization, Role.FACTORY_MANAGER, "mgr")
    buyer = client_for(merchant, Role.MERCHANT_BUYER, "buyer")
    invitation = manager.post("/api/v1/partnerships/", {"partner_code": "m1"}, format="json")
    assert not is_partner(factory_id=factory.pk, organization=merchant)
    accepted = buyer.post(f"/api/v1/partnerships/{invitation.json()['id']}/accept/")
    assert accepted.status_code == 200
    assert is_partner(factory_id=factory.pk, organization=merchant)


def test_the_factory_cannot_accept_its_own_invitation(setting):
    factory, merchant = setting
    manager = client_for(factory.organization, Role.FACTORY_MANAGER, "mgr")
    invitation = manager.post("/api/v1/partnerships/", {"partner_code": "m1"}, format="json")
    response = manager.post(f"/api/v1/partnerships/{invitation.json()['id']}/accept/")
    assert response.status_code == 403
    assert Partnership.objects.get().status == Partnership.Status.INVITED


def test_inviting_an_unknown_code_writes_nothing(setting):
    factory, _merchant = setting
    manager = client_for(factory.organization, Role.FACTORY_MANAGER, "mgr")
    response = manager.post("/api/v1/partnerships/", {"partner_code": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"partner_code": ["Unknown merchant or supplier."]}
    assert Partnership.objects.count() == 0


def test_the_page_shows_an_unknown_code_next_to_the_field_and_invites_nobody(setting):
    factory, _merchant = setting
    manager = client_for(factory.organization, Role.FACTORY_MANAGER, "mgr")
    response = manager.post(
        "/factories/partners/invite/", {"partner_code": "nope"}, format="multipart"
    )
    assert response.status_code == 200
    assert response.context["invite_form"].errors["partner_code"] == [
        "Unknown merchant or supplier."
    ]
    assert 'value="nope"' in response.content.decode()
    assert Partnership.objects.count() == 0


def test_a_partner_sees_the_factory_profile_and_a_stranger_does_not(setting):
    factory, merchant = setting
    Partnership.objects.create(
        factory=factory, partner=merchant, status=Partnership.Status.ACCEPTED
    )
    stranger = OrganizationFactory(kind=OrgKind.MERCHANT, code="m2")
    buyer = client_for(merchant, Role.MERCHANT_BUYER, "buyer")
    other = client_for(stranger, Role.MERCHANT_BUYER, "other")
    assert [f["code"] for f in buyer.get("/api/v1/factories/").json()["results"]] == ["f1"]
    assert other.get("/api/v1/factories/").json()["results"] == []
    assert other.get(f"/api/v1/factories/{factory.pk}/").status_code == 404
