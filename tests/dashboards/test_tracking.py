"""Merchant tracking: the merchant's own orders at every factory, progress by size × colour
and shipments; never another merchant's orders."""

import pytest
from django.urls import reverse

from core.roles import OrgKind, Role
from dashboards import sources
from tests.factories import (
    BundleFactory,
    CutPlanFactory,
    FactoryFactory,
    LayFactory,
    MarkerFactory,
    MembershipFactory,
    OrderFactory,
    OrderLineFactory,
    OrderShipmentFactory,
    OrganizationFactory,
    UserFactory,
    WorkOrderFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant():
    return OrganizationFactory(kind=OrgKind.MERCHANT, name="Curve")


@pytest.fixture
def order(merchant):
    order = OrderFactory(merchant=merchant, number="SO-1", total_quantity=100)
    OrderLineFactory(order=order, size="M", colour="Black", quantity=60)
    OrderLineFactory(order=order, size="L", colour="Black", quantity=40)
    work_order = WorkOrderFactory(factory=order.factory, version=order.version, order=order)
    lay = LayFactory(
        marker=MarkerFactory(cut_plan=CutPlanFactory(work_order=work_order)), colour="Black"
    )
    BundleFactory(lay=lay, size="M", colour="Black", quantity=20, status="sewn")
    BundleFactory(lay=lay, size="M", colour="Black", quantity=20, status="in_sewing")
    BundleFactory(lay=lay, size="L", colour="Black", quantity=20, status="packed")
    OrderShipmentFactory(order=order, carrier="SF Express", tracking_no="SF123", quantity=20)
    return order


def test_progress_by_size_and_colour(merchant, order):
    [tracked] = sources.merchant_orders(merchant=merchant)

    assert tracked["sizes"] == ["M", "L"]
    assert tracked["matrix"] == [
        {"colour": "Black", "cells": [{"ordered": 60, "done": 20}, {"ordered": 40, "done": 20}]}
    ]
    assert (tracked["completed"], tracked["progress"]) == (40, 40)
    assert tracked["shipments"][0]["tracking_number"] == "SF123"


def test_another_merchants_orders_are_not_listed(order):
    other = OrganizationFactory(kind=OrgKind.MERCHANT)
    own = OrderFactory(merchant=other, version__factory=FactoryFactory())

    assert [o["number"] for o in sources.merchant_orders(merchant=other)] == [own.number]


def test_the_page_shows_the_tracking_number(client, merchant, order):
    user = UserFactory()
    MembershipFactory(user=user, organization=merchant, role=Role.MERCHANT_BUYER)
    client.force_login(user)

    response = client.get(reverse("dashboards:tracking"))

    assert response.status_code == 200
    assert "SF123" in response.content.decode()
