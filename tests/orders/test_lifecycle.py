"""Order creation and lifecycle transitions: what is allowed, and that refusals write nothing."""

import datetime as dt

import pytest

from core.errors import DomainError, NotAllowed
from factories.models import Partnership
from orders.models import Order, OrderEvent, OrderLine, OrderShipment, StyleVersion
from orders.services import (
    order_accept,
    order_cancel,
    order_deliver,
    order_reject,
    order_shipment_record,
)
from tests.factories import released_version


def snapshot():
    return (
        list(Order.objects.order_by("pk").values()),
        list(OrderLine.objects.order_by("pk").values()),
        OrderEvent.objects.count(),
        OrderShipment.objects.count(),
    )


def test_an_order_is_placed_with_its_grid_total_and_a_promised_date(place_order, buyer):
    order = place_order()

    assert order.status == Order.Status.PLACED
    assert order.total_quantity == 100
    assert order.amount == order.unit_price * 100
    assert order.promised_date is not None and order.promised_date > dt.date.today()
    assert list(order.events.values_list("from_status", "to_status", "by")) == [
        ("", "draft", buyer.pk),
        ("draft", "placed", buyer.pk),
    ]


@pytest.mark.parametrize(
    ("grid", "field"),
    [
        ({("Black", "S"): -5, ("Black", "M"): 200}, "quantities[0]"),
        ({("Black", "S"): 0, ("Red", "M"): 0}, "quantities"),
        ({("Green", "S"): 100}, "quantities[0]"),
        ({("Black", "5XL"): 100}, "quantities[0]"),
    ],
    ids=["negative", "all-zero", "unknown-colour", "unknown-size"],
)
def test_bad_quantities_are_refused_and_nothing_is_written(place_order, grid, field):
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        place_order(quantities=grid)

    assert field in refused.value.errors
    assert snapshot() == before


def test_below_the_factorys_minimum_is_refused(place_order):
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        place_order(quantities={("Black", "S"): 10})

    assert "quantities" in refused.value.errors
    assert snapshot() == before


def test_a_delivery_date_in_the_past_is_refused(place_order):
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        place_order(requested_date=dt.date.today() - dt.timedelta(days=1))

    assert "requested_date" in refused.value.errors
    assert snapshot() == before


def test_an_unreleased_version_is_refused(place_order, factory):
    draft = released_version(factory=factory, number="DRAFT-1")
    StyleVersion.objects.filter(pk=draft.pk).update(status=StyleVersion.Status.DRAFT)
    draft.refresh_from_db()
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        place_order(version=draft)

    assert "version" in refused.value.errors
    assert snapshot() == before


def test_a_merchant_that_is_not_a_partner_is_refused(place_order, merchant, factory):
    Partnership.objects.filter(factory=factory, partner=merchant).update(status="ended")
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        place_order()

    assert refused.value.code == "not_a_partner"
    assert snapshot() == before


def test_the_factory_accepts_a_placed_order(place_order, planner, factory):
    order = order_accept(order=place_order(), by=planner, acting=factory.organization)

    assert order.status == Order.Status.ACCEPTED
    assert order.events.last().by_organization == factory.organization


def test_the_merchant_cannot_accept_its_own_order(place_order, buyer, merchant):
    order = place_order()
    before = snapshot()

    with pytest.raises(NotAllowed):
        order_accept(order=order, by=buyer, acting=merchant)

    assert snapshot() == before


def test_rejecting_needs_a_reason(place_order, planner, factory):
    order = place_order()
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        order_reject(order=order, reason=" ", by=planner, acting=factory.organization)

    assert "reason" in refused.value.errors
    assert snapshot() == before


def test_a_rejected_order_cannot_be_accepted(place_order, planner, factory):
    order = order_reject(
        order=place_order(), reason="No capacity", by=planner, acting=factory.organization
    )
    before = snapshot()

    with pytest.raises(NotAllowed) as refused:
        order_accept(order=order, by=planner, acting=factory.organization)

    assert refused.value.code == "invalid_transition"
    assert snapshot() == before


def test_the_merchant_cancels_a_placed_order(place_order, buyer, merchant):
    order = order_cancel(order=place_order(), reason="Changed plan", by=buyer, acting=merchant)

    assert order.status == Order.Status.CANCELLED
    assert order.events.last().note == "Changed plan"


def test_the_merchant_cannot_cancel_an_accepted_order(accepted_order, buyer, merchant):
    before = snapshot()

    with pytest.raises(NotAllowed):
        order_cancel(order=accepted_order, reason="x", by=buyer, acting=merchant)

    assert snapshot() == before


def test_the_factory_cannot_cancel_once_cutting_has_started(accepted_order, planner, factory):
    from production.models import CutPlan, Lay
    from production.services import order_convert

    order_convert(order=accepted_order, by=planner)
    Lay.objects.filter(cut_plan__in=CutPlan.objects.all()).update(status=Lay.Status.CUT)
    before = snapshot()

    with pytest.raises(NotAllowed) as refused:
        order_cancel(order=accepted_order, reason="x", by=planner, acting=factory.organization)

    assert refused.value.code == "cutting_started"
    assert snapshot() == before


def test_the_factory_cancels_a_converted_order_before_cutting(accepted_order, planner, factory):
    from production.models import WorkOrder
    from production.services import order_convert

    result = order_convert(order=accepted_order, by=planner)

    order = order_cancel(
        order=accepted_order, reason="Fabric lost", by=planner, acting=factory.organization
    )

    assert order.status == Order.Status.CANCELLED
    assert WorkOrder.objects.get(pk=result.work_order_id).status == WorkOrder.Status.CANCELLED


def test_shipments_move_the_order_to_partly_shipped_then_shipped(accepted_order, planner):
    from production.services import order_convert

    order_convert(order=accepted_order, by=planner)

    order_shipment_record(
        order=accepted_order, carrier="SF", lines={("Black", "S"): 30}, by=planner
    )
    accepted_order.refresh_from_db()
    assert accepted_order.status == Order.Status.PARTLY_SHIPPED
    assert accepted_order.shipped_quantity == 30

    order_shipment_record(
        order=accepted_order,
        carrier="SF",
        lines={("Black", "M"): 45, ("Red", "L"): 25},
        by=planner,
    )
    accepted_order.refresh_from_db()
    assert accepted_order.status == Order.Status.SHIPPED

    delivered = order_deliver(order=accepted_order, by=planner)
    assert delivered.status == Order.Status.DELIVERED


def test_a_shipment_of_a_cell_the_order_lacks_is_refused(accepted_order, planner):
    from production.services import order_convert

    order_convert(order=accepted_order, by=planner)
    before = snapshot()

    with pytest.raises(DomainError):
        order_shipment_record(order=accepted_order, carrier="SF", lines={("Red", "S"): 3})

    assert snapshot() == before


def test_a_placed_order_cannot_ship(place_order, planner):
    order = place_order()
    before = snapshot()

    with pytest.raises(NotAllowed):
        order_shipment_record(order=order, carrier="SF", lines={("Black", "S"): 3})

    assert snapshot() == before
