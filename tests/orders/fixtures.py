"""Fixtures of a merchant order at one factory: its merchant, buyer, planner and tech pack,
used by tests of orders/ and of production's conversion and order doors."""

import datetime as dt

import pytest

from core.roles import OrgKind, Role
from core.services import api_token_create
from orders.services import order_accept, order_create
from tests.factories import (
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    UserFactory,
    released_version,
)


@pytest.fixture
def factory(db):
    return FactoryFactory(organization=OrganizationFactory(code="f1", name="Factory One"))


@pytest.fixture
def merchant(factory):
    org = OrganizationFactory(kind=OrgKind.MERCHANT, code="m1", name="Merchant One")
    PartnershipFactory(factory=factory, partner=org)
    return org


@pytest.fixture
def buyer(merchant):
    user = UserFactory(username="buyer")
    MembershipFactory(user=user, organization=merchant, role=Role.MERCHANT_BUYER)
    return user


@pytest.fixture
def planner(factory):
    user = UserFactory(username="planner")
    MembershipFactory(user=user, organization=factory.organization, role=Role.PLANNER)
    return user


@pytest.fixture
def version(factory):
    return released_version(factory=factory, number="ST-1")


@pytest.fixture
def place_order(factory, merchant, version, buyer):
    def place(quantities=None, **overrides):
        grid = quantities or {("Black", "S"): 30, ("Black", "M"): 45, ("Red", "L"): 25}
        kwargs = {
            "merchant": merchant,
            "factory": factory,
            "version": version,
            "quantities": [{"colour": c, "size": s, "quantity": q} for (c, s), q in grid.items()],
            "requested_date": dt.date.today() + dt.timedelta(days=40),
            "ship_to": "Changsha, Hunan",
            "unit_price": "58.50",
            "by": buyer,
        }
        kwargs.update(overrides)
        return order_create(**kwargs)

    return place


@pytest.fixture
def accepted_order(place_order, planner, factory):
    return order_accept(order=place_order(), by=planner, acting=factory.organization)


@pytest.fixture
def merchant_api(api, merchant, buyer):
    """The API as the merchant's shop system: a write token of its own."""
    _token, key = api_token_create(organization=merchant, name="shop", scope="write", by=buyer)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api
