"""The cancellation gate, end to end through the orders API and page: the factory cancels an
accepted, converted order; production cancels its work orders and frees their reservations,
their bundles can no longer be recorded, and the merchant's webhook hears of it. Once cutting
has started the cancellation is refused and nothing is written."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import NotAllowed
from core.models import AuditEntry
from inventory.models import Reservation
from orders.models import Order, WebhookDelivery
from production.models import Bundle, CutPlan, Lay, WorkOrder
from production.services import operation_record_create
from tests.factories import (
    WebhookEndpointFactory,
    WorkerFactory,
)
from tests.inventory.conftest import converted_with_reservation

pytestmark = pytest.mark.django_db


@pytest.fixture
def converted(factory, accepted_order, planner, merchant):
    """An accepted order converted into a work order with 60 m of a 100 m roll reserved, and a
    webhook endpoint of its merchant."""
    work_order, _lot = converted_with_reservation(
        factory=factory, order=accepted_order, by=planner, supplier_code="s9"
    )
    WebhookEndpointFactory(merchant=merchant)
    return work_order


def cancelled_state(order, work_order):
    return (
        Order.objects.get(pk=order.pk).status,
        WorkOrder.objects.get(pk=work_order.pk).status,
        list(Reservation.objects.filter(work_order=work_order).values_list("status", "quantity")),
    )


def test_the_factory_cancels_a_converted_order_through_the_api(
    api, accepted_order, converted, planner, factory
):
    api.force_login(planner)

    response = api.post(
        f"/api/v1/orders/{accepted_order.pk}/cancel/", {"reason": "Merchant withdrew"}
    )

    assert response.status_code == 200
    assert cancelled_state(accepted_order, converted) == (
        "cancelled",
        "cancelled",
        [("released", Decimal("60.000"))],
    )
    delivery = WebhookDelivery.objects.order_by("pk").last()
    body = json.loads(delivery.body)
    assert (delivery.event_type, body["data"]["order"]["status"]) == (
        "order.status_changed",
        "cancelled",
    )
    with pytest.raises(NotAllowed) as refused:
        operation_record_create(
            factory=factory,
            bundle=Bundle.objects.filter(work_order=converted).first(),
            operation=converted.operations.first(),
            worker=WorkerFactory(factory=factory),
            source="manual",
            reason="x",
        )
    assert refused.value.code == "work_order_cancelled"


def test_the_factory_cancels_a_converted_order_on_its_page(
    client, accepted_order, converted, planner
):
    client.force_login(planner)

    client.post(
        reverse("orders:detail", args=[accepted_order.pk]),
        {"action": "cancel", "reason": "Merchant withdrew"},
    )

    assert cancelled_state(accepted_order, converted) == (
        "cancelled",
        "cancelled",
        [("released", Decimal("60.000"))],
    )


def test_cancelling_after_cutting_started_is_refused_through_the_api_and_changes_nothing(
    api, accepted_order, converted, planner
):
    Lay.objects.filter(cut_plan__in=CutPlan.objects.filter(work_order=converted)).update(
        status=Lay.Status.CUT
    )
    before = cancelled_state(accepted_order, converted)
    api.force_login(planner)
    deliveries, entries = WebhookDelivery.objects.count(), AuditEntry.objects.count()

    response = api.post(f"/api/v1/orders/{accepted_order.pk}/cancel/", {"reason": "Too late"})

    assert (response.status_code, response.json()["code"]) == (409, "cutting_started")
    assert before == ("in_production", "planned", [("active", Decimal("60.000"))])
    assert cancelled_state(accepted_order, converted) == before
    assert (WebhookDelivery.objects.count(), AuditEntry.objects.count()) == (deliveries, entries)
