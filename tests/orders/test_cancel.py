"""Cancelling an order cancels its work orders through production, frees their stock
reservations through inventory, and leaves the audit trail; after cutting it changes nothing."""

from decimal import Decimal

import pytest

from core.errors import NotAllowed
from core.models import AuditEntry
from inventory.models import Reservation
from inventory.services.reservations import lot_available
from orders.models import Order
from orders.services import order_cancel
from production.models import CutPlan, Lay, WorkOrder
from tests.audit_trail import entries_of, moves_of
from tests.inventory.conftest import converted_with_reservation


@pytest.fixture
def reserved(factory, accepted_order, planner):
    """The order converted, and 60 of a 100 m roll reserved for its work order."""
    return converted_with_reservation(
        factory=factory, order=accepted_order, by=planner, supplier_code="s1"
    )


def state(order, work_order, lot):
    return (
        Order.objects.get(pk=order.pk).status,
        WorkOrder.objects.get(pk=work_order.pk).status,
        list(Reservation.objects.filter(work_order=work_order).values_list("status", "quantity")),
        lot_available(lot),
    )


def test_cancelling_an_order_releases_its_reservations_and_audits_each_move(
    accepted_order, reserved, planner, factory
):
    work_order, lot = reserved
    assert lot_available(lot) == Decimal("40")

    order_cancel(
        order=accepted_order, reason="Fabric lost", by=planner, acting=factory.organization
    )

    assert state(accepted_order, work_order, lot) == (
        "cancelled",
        "cancelled",
        [("released", Decimal("60.000"))],
        Decimal("100"),
    )
    assert moves_of(accepted_order) == [
        ("draft", "placed"),
        ("placed", "accepted"),
        ("accepted", "in_production"),
        ("in_production", "cancelled"),
    ]
    assert moves_of(work_order) == [("planned", "cancelled")]
    cancel_entry = entries_of(work_order).get(action=AuditEntry.Action.UPDATE)
    assert (cancel_entry.actor_id, cancel_entry.additional_data) == (
        planner.pk,
        {"note": "Fabric lost"},
    )
    assert moves_of(Reservation.objects.get(work_order=work_order)) == [("active", "released")]


def test_cancelling_after_cutting_started_is_refused_and_changes_nothing(
    accepted_order, reserved, planner, factory
):
    work_order, lot = reserved
    Lay.objects.filter(cut_plan__in=CutPlan.objects.filter(work_order=work_order)).update(
        status=Lay.Status.CUT
    )
    before = state(accepted_order, work_order, lot)
    entries = AuditEntry.objects.count()

    with pytest.raises(NotAllowed) as refused:
        order_cancel(order=accepted_order, reason="x", by=planner, acting=factory.organization)

    assert refused.value.code == "cutting_started"
    assert before == ("in_production", "planned", [("active", Decimal("60.000"))], Decimal("40"))
    assert state(accepted_order, work_order, lot) == before
    assert AuditEntry.objects.count() == entries


def test_a_work_order_in_sewing_is_not_cancelled_with_its_order(
    accepted_order, reserved, planner, factory
):
    work_order, lot = reserved
    WorkOrder.objects.filter(pk=work_order.pk).update(status=WorkOrder.Status.SEWING)
    before = state(accepted_order, work_order, lot)

    with pytest.raises(NotAllowed) as refused:
        order_cancel(order=accepted_order, reason="x", by=planner, acting=factory.organization)

    assert refused.value.code == "invalid_transition"
    assert state(accepted_order, work_order, lot) == before
