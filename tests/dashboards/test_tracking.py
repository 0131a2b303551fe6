"""Merchant tracking: the merchant's own orders at every factory, progress by size × colour
(garments through the last scanned operation, production's figure) and shipments; never
another merchant's orders."""

import pytest
from django.urls import reverse

from core.roles import OrgKind, Role
from dashboards.selectors import merchant_tracking
from production.services import operation_record_create
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
    WorkerFactory,
    WorkOrderFactory,
    WorkOrderOperationFactory,
    released,
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
    operations = [
        WorkOrderOperationFactory(work_order=work_order, sequence=n, code=f"OP{n}") for n in (1, 2)
    ]
    lay = LayFactory(
        marker=MarkerFactory(cut_plan=CutPlanFactory(work_order=work_order)), colour="Black"
    )
    sewn = BundleFactory(lay=lay, size="M", colour="Black", quantity=20)
    in_sewing = BundleFactory(lay=lay, size="M", colour="Black", quantity=20)
    sewn_too = BundleFactory(lay=lay, size="L", colour="Black", quantity=20)
    released(work_order)
    worker = WorkerFactory(factory=order.factory)
    for bundle, done in ((sewn, operations), (in_sewing, operations[:1]), (sewn_too, operations)):
        for operation in done:
            operation_record_create(
                factory=order.factory,
                bundle=bundle,
                operation=operation,
                worker=worker,
                source="scan",
            )
    OrderShipmentFactory(order=order, carrier="SF Express", tracking_no="SF123", quantity=20)
    return order


def test_progress_by_size_and_colour(merchant, order):
    [progress] = merchant_tracking(merchant)

    assert progress["sizes"] == ["M", "L"]
    assert progress["matrix"] == [
        {"colour": "Black", "cells": [{"ordered": 60, "done": 20}, {"ordered": 40, "done": 20}]}
    ]
    assert (progress["finished"], progress["percent_finished"]) == (40, 40)
    assert progress["shipments"][0]["tracking_number"] == "SF123"


def test_another_merchants_orders_are_not_listed(order):
    other = OrganizationFactory(kind=OrgKind.MERCHANT)
    own = OrderFactory(merchant=other, version__factory=FactoryFactory())

    assert [o["number"] for o in merchant_tracking(other)] == [own.number]


def test_the_page_shows_the_tracking_number(client, merchant, order):
    user = UserFactory()
    MembershipFactory(user=user, organization=merchant, role=Role.MERCHANT_BUYER)
    client.force_login(user)

    response = client.get(reverse("dashboards:tracking"))

    assert response.status_code == 200
    assert "SF123" in response.content.decode()
