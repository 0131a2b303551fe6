"""order_convert: the work order, cut plan, bundles, frozen operations and material needs."""

from decimal import Decimal

import pytest

from core.errors import NotAllowed
from orders.models import Order, OrderEvent
from orders.services import order_accept, order_create
from production.models import (
    Bundle,
    CutPlan,
    Lay,
    Marker,
    MaterialRequirement,
    WorkOrder,
    WorkOrderLine,
    WorkOrderOperation,
)
from production.selectors import order_progress
from production.services import order_convert, orders_convert

SPINE = (WorkOrder, WorkOrderLine, WorkOrderOperation, MaterialRequirement, CutPlan, Marker, Lay)


def counts():
    return {model.__name__: model.objects.count() for model in (*SPINE, Bundle, OrderEvent)}


def test_conversion_creates_the_work_order_and_moves_the_order_into_production(
    accepted_order, planner
):
    result = order_convert(order=accepted_order, by=planner)

    work_order = WorkOrder.objects.get(pk=result.work_order_id)
    accepted_order.refresh_from_db()
    assert result.created is True
    assert work_order.number == f"WO-{accepted_order.number}"
    assert work_order.quantity == 100
    assert work_order.cut_quantity == 31 + 46 + 26  # 2 % over-cut, rounded up per cell
    assert accepted_order.status == Order.Status.IN_PRODUCTION
    assert accepted_order.events.last().to_status == Order.Status.IN_PRODUCTION
    assert accepted_order.events.last().by == planner


def test_work_order_lines_carry_ordered_and_cut_per_size_and_colour(accepted_order, planner):
    result = order_convert(order=accepted_order, by=planner)

    lines = WorkOrderLine.objects.filter(work_order_id=result.work_order_id)
    assert sorted(lines.values_list("colour", "size", "ordered_quantity", "cut_quantity")) == [
        ("Black", "M", 45, 46),
        ("Black", "S", 30, 31),
        ("Red", "L", 25, 26),
    ]


def test_bundles_sum_to_the_cut_per_cell_and_are_numbered_from_one(accepted_order, planner):
    result = order_convert(order=accepted_order, by=planner)

    bundles = Bundle.objects.filter(work_order_id=result.work_order_id).order_by("number")
    assert list(bundles.values_list("number", flat=True)) == list(range(1, bundles.count() + 1))
    per_cell: dict = {}
    for bundle in bundles:
        assert bundle.quantity <= 20
        per_cell[(bundle.colour, bundle.size)] = per_cell.get((bundle.colour, bundle.size), 0) + (
            bundle.quantity
        )
    assert per_cell == {("Black", "S"): 31, ("Black", "M"): 46, ("Red", "L"): 26}


def test_operations_are_frozen_copies_of_the_routing(accepted_order, planner, version):
    result = order_convert(order=accepted_order, by=planner)
    version.operations.update(piece_rate=Decimal("9.9999"))

    operations = WorkOrderOperation.objects.filter(work_order_id=result.work_order_id)
    assert list(operations.values_list("sequence", "sam", "piece_rate")) == [
        (1, Decimal("0.800"), Decimal("0.2880")),
        (2, Decimal("0.800"), Decimal("0.2880")),
        (3, Decimal("0.800"), Decimal("0.2880")),
    ]


def test_material_requirements_are_bom_times_cut_with_wastage(accepted_order, planner, version):
    result = order_convert(order=accepted_order, by=planner)

    thread = MaterialRequirement.objects.get(
        work_order_id=result.work_order_id, material_code=f"THR-{version.pk}"
    )
    # 103 pieces cut × 0.05 cone × 1.03 wastage
    assert thread.quantity == Decimal("5.305")
    assert thread.unit == "cone"
    fabric = MaterialRequirement.objects.get(
        work_order_id=result.work_order_id, material_code=f"FAB-{version.pk}"
    )
    # S 1.20 × 31 + M 1.25 × 46 + L 1.30 × 26 = 128.5 m, × 1.03
    assert fabric.quantity == Decimal("132.355")


def test_cut_plan_reports_efficiency_and_fabric(accepted_order, planner):
    result = order_convert(order=accepted_order, by=planner)

    cut_plan = CutPlan.objects.get(work_order_id=result.work_order_id)
    assert cut_plan.ordered_quantity == 100
    assert cut_plan.cut_quantity == 103
    assert cut_plan.efficiency_pct == Decimal("97.09")
    assert (
        result.report["bundles"]
        == Bundle.objects.filter(work_order_id=result.work_order_id).count()
    )
    assert result.report["warnings"] == []
    assert cut_plan.fabric_length_m == sum(lay.fabric_length_m for lay in cut_plan.lays.all())


def test_converting_twice_returns_the_same_work_order_and_writes_nothing(accepted_order, planner):
    first = order_convert(order=accepted_order, by=planner)
    before = counts()

    again = order_convert(order=accepted_order, by=planner)

    assert again.work_order_id == first.work_order_id
    assert again.created is False
    assert again.report == first.report
    assert counts() == before


def test_an_order_that_is_not_accepted_is_refused_and_nothing_is_written(place_order, planner):
    order = place_order()
    before = counts()

    with pytest.raises(NotAllowed) as refused:
        order_convert(order=order, by=planner)

    assert refused.value.code == "not_accepted"
    assert counts() == before
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


def test_a_batch_with_one_unaccepted_order_writes_nothing(accepted_order, place_order, planner):
    unaccepted = place_order()
    before = counts()

    with pytest.raises(NotAllowed):
        orders_convert(orders=[accepted_order, unaccepted], by=planner)

    assert counts() == before


def test_a_size_without_consumption_is_reported_as_a_warning(accepted_order, planner, version):
    fabric = version.bom.get(is_main_fabric=True)
    fabric.consumption = {"S": "1.2", "M": "1.25"}
    fabric.save()

    result = order_convert(order=accepted_order, by=planner)

    assert result.report["warnings"] == [f"FAB-{version.pk} has no consumption for size L."]


def test_a_reorder_reuses_the_first_orders_markers(
    accepted_order, planner, merchant, factory, version, buyer
):
    order_convert(order=accepted_order, by=planner)
    reorder = order_create(
        merchant=merchant,
        factory=factory,
        version=version,
        quantities=[{"colour": "Black", "size": "S", "quantity": 30}]
        + [{"colour": "Black", "size": "M", "quantity": 45}]
        + [{"colour": "Red", "size": "L", "quantity": 25}],
        requested_date=accepted_order.requested_date,
        ship_to="Changsha",
        unit_price="58.50",
        reorder_of=accepted_order,
        by=buyer,
    )
    order_accept(order=reorder, by=planner)

    result = order_convert(order=reorder, by=planner)

    assert result.report["reused_markers"] >= 1
    first_markers = set(
        Marker.objects.filter(cut_plan__work_order__order=accepted_order).values_list(
            "pk", flat=True
        )
    )
    reused = Marker.objects.filter(cut_plan__work_order__order=reorder, reused_from__isnull=False)
    assert set(reused.values_list("reused_from", flat=True)) <= first_markers


def test_another_factory_cannot_convert_the_order(accepted_order, planner):
    from tests.factories import FactoryFactory

    other = FactoryFactory()
    before = counts()

    with pytest.raises(NotAllowed):
        order_convert(order=accepted_order, by=planner, acting=other.organization)

    assert counts() == before


def test_progress_counts_pieces_as_cut_once_their_lay_is_cut(accepted_order, planner):
    order_convert(order=accepted_order, by=planner)
    assert order_progress(accepted_order)["cut"] == 0

    Lay.objects.filter(cut_plan__work_order__order=accepted_order).update(status=Lay.Status.CUT)

    assert order_progress(accepted_order)["cut"] == 103
