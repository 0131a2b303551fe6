"""Merchants and suppliers never see a factory's wage figures: its rate per minute (what piece
rates are priced from) or the piece rates of its routing, in the API, on pages or in exports."""

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.roles import OrgKind, Role
from tests.factories import (
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    UserFactory,
    released_version,
)

pytestmark = pytest.mark.django_db

RATE = Decimal("0.4321")  # distinctive: found nowhere else on a page
PIECE_RATE = "0.2880"


@pytest.fixture
def world():
    factory = FactoryFactory(
        organization=OrganizationFactory(code="f1", name="Factory One"), rate_per_minute=RATE
    )
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT, code="m1")
    supplier = OrganizationFactory(kind=OrgKind.SUPPLIER, code="s1")
    PartnershipFactory(factory=factory, partner=merchant)
    PartnershipFactory(factory=factory, partner=supplier)
    version = released_version(factory=factory, number="ST-1")
    return factory, merchant, supplier, version


def logged_in(client, org, role):
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=role)
    client.force_login(user)
    return client


def partner(world, kind):
    factory, merchant, supplier, _version = world
    if kind == "merchant":
        return merchant, Role.MERCHANT_BUYER
    return supplier, Role.SUPPLIER_SALES


@pytest.mark.parametrize("kind", ["merchant", "supplier"])
def test_a_partner_reads_the_factory_profile_without_its_rate_per_minute(world, kind):
    factory = world[0]
    api = logged_in(APIClient(), *partner(world, kind))

    listed = api.get("/api/v1/factories/")
    shown = api.get(f"/api/v1/factories/{factory.pk}/")

    assert [row["code"] for row in listed.json()["results"]] == ["f1"]
    assert "rate_per_minute" not in listed.json()["results"][0]
    assert shown.status_code == 200
    assert "rate_per_minute" not in shown.json()
    assert str(RATE) not in shown.content.decode()


def test_the_factory_itself_reads_its_rate_per_minute(world):
    factory = world[0]
    api = logged_in(APIClient(), factory.organization, Role.FACTORY_OWNER)

    shown = api.get(f"/api/v1/factories/{factory.pk}/")

    assert shown.json()["rate_per_minute"] == str(RATE)


def test_a_merchant_reads_a_tech_pack_without_its_piece_rates(world):
    version = world[3]
    api = logged_in(APIClient(), *partner(world, "merchant"))

    shown = api.get(f"/api/v1/style-versions/{version.pk}/")

    assert shown.status_code == 200
    assert "operations" not in shown.json()
    assert "piece_rate" not in shown.content.decode()


def test_a_merchant_cannot_export_the_tech_pack_workbook(world):
    version = world[3]
    api = logged_in(APIClient(), *partner(world, "merchant"))

    response = api.get(f"/api/v1/style-versions/{version.pk}/workbook/")

    assert response.status_code == 403


def test_the_tech_pack_page_shows_a_merchant_no_piece_rate(world):
    version = world[3]
    client = logged_in(Client(), *partner(world, "merchant"))

    page = client.get(f"/orders/tech-packs/{version.pk}/")

    assert page.status_code == 200
    assert PIECE_RATE not in page.content.decode()
    assert str(RATE) not in page.content.decode()


def test_the_order_form_shows_a_merchant_no_wage_figure(world):
    version = world[3]
    client = logged_in(Client(), *partner(world, "merchant"))

    page = client.get(f"/orders/new/?version={version.pk}")

    assert page.status_code == 200
    assert PIECE_RATE not in page.content.decode()
    assert str(RATE) not in page.content.decode()
