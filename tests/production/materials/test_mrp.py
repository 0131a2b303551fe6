"""MRP: requirements minus stock minus open purchases by need date (production's netting);
suggestions by supplier with minimum quantities (inventory stores them)."""

import datetime as dt
from decimal import Decimal

import pytest

from core.realtime import listen
from inventory import services
from inventory.models import MaterialShortage, PurchaseOrder, PurchaseSuggestion
from production.models import ScheduleEntry
from production.services import mrp_run
from tests.factories import MaterialFactory
from tests.inventory.conftest import need, receive

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def stock_60(factory, supplier, fabric, bin_a, clerk):
    return receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "60", "D1")],
        by=clerk,
    )


def shortages():
    return sorted(
        (s.work_order.number, s.material_code, s.from_stock, s.from_purchases, s.short)
        for s in MaterialShortage.objects.select_related("work_order")
    )


def test_stock_goes_to_the_earliest_need_first(
    factory, fabric, offer, stock_60, work_order, other_work_order, manager
):
    need(work_order, fabric, 50, days=5)
    need(other_work_order, fabric, 50, days=3)
    mrp_run(factory=factory, by=manager)
    assert shortages() == [("WO-1", fabric.code, Decimal("10"), Decimal("0"), Decimal("40"))]


def test_open_purchases_arriving_in_time_cover_a_need(
    factory, supplier, fabric, offer, work_order, manager
):
    need(work_order, fabric, 100, days=10)
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "70", "need_date": TODAY + dt.timedelta(days=8)}],
        by=manager,
    )
    services.purchase_order_send(order=order, by=manager)
    mrp_run(factory=factory, by=manager)
    assert shortages() == [("WO-1", fabric.code, Decimal("0"), Decimal("70"), Decimal("30"))]


def test_a_purchase_arriving_after_the_need_does_not_cover_it(
    factory, supplier, fabric, offer, work_order, manager
):
    need(work_order, fabric, 100, days=5)
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "70", "need_date": TODAY + dt.timedelta(days=9)}],
        by=manager,
    )
    services.purchase_order_send(order=order, by=manager)
    mrp_run(factory=factory, by=manager)
    assert shortages() == [("WO-1", fabric.code, Decimal("0"), Decimal("0"), Decimal("100"))]
    # …but it is still coming: only the rest is suggested (expedite the late order).
    assert PurchaseSuggestion.objects.get().short_quantity == Decimal("100")
    assert PurchaseSuggestion.objects.get().quantity == Decimal("300")  # the supplier's minimum


def test_reserved_and_issued_material_counts_for_its_own_work_order(
    factory, fabric, offer, stock_60, work_order, other_work_order, bin_a, clerk, manager
):
    _order, (roll,) = stock_60
    need(work_order, fabric, 30, days=5)
    need(other_work_order, fabric, 40, days=1)
    services.reservation_create(lot=roll, work_order=work_order, quantity="30", by=clerk)
    services.stock_issue(lot=roll, bin=bin_a, quantity="20", work_order=work_order, by=clerk)
    mrp_run(factory=factory, by=manager)
    # WO-1: 20 issued + 10 still reserved = covered, although WO-2 needs it earlier.
    # WO-2 gets the free 30 (40 on hand, 10 reserved).
    assert shortages() == [("WO-2", fabric.code, Decimal("30"), Decimal("0"), Decimal("10"))]


def test_suggestions_are_rounded_up_to_the_minimum_and_dated_by_lead_time(
    factory, fabric, offer, work_order, supplier, manager
):
    need(work_order, fabric, 120, days=20)
    mrp_run(factory=factory, by=manager)
    suggestion = PurchaseSuggestion.objects.get()
    assert (
        suggestion.supplier,
        suggestion.quantity,
        suggestion.need_date,
        suggestion.order_by,
    ) == (supplier, Decimal("300"), TODAY + dt.timedelta(days=20), TODAY + dt.timedelta(days=10))


def test_an_unknown_material_code_is_short_in_full(factory, work_order, manager):
    need(work_order, "NO-SUCH", 12)
    mrp_run(factory=factory, by=manager)
    assert shortages() == [("WO-1", "NO-SUCH", Decimal("0"), Decimal("0"), Decimal("12"))]
    assert PurchaseSuggestion.objects.count() == 0


def test_suggestions_become_draft_orders_one_per_supplier(
    factory, fabric, offer, work_order, manager, supplier
):
    button = MaterialFactory(factory=factory, code="BTN-1", kind="trim", unit="pcs")
    from tests.factories import SupplierItemFactory

    SupplierItemFactory(
        factory=factory, material=button, supplier=supplier, minimum_quantity=Decimal("1000")
    )
    need(work_order, fabric, 120)
    need(work_order, button, 600)
    run = mrp_run(factory=factory, by=manager)
    (order,) = services.purchase_suggestions_order(
        factory=factory, suggestions=run.suggestion_rows.all(), by=manager
    )
    assert (order.supplier, order.status) == (supplier, "draft")
    assert sorted((line.material.code, line.quantity) for line in order.lines.all()) == [
        ("BTN-1", Decimal("1000")),
        (fabric.code, Decimal("300")),
    ]
    assert set(run.suggestion_rows.values_list("purchase_order", flat=True)) == {order.pk}


def test_shortages_are_announced(
    factory, fabric, offer, work_order, manager, django_capture_on_commit_callbacks
):
    heard = []
    listener = listen(lambda factory_id, kind, data: heard.append((factory_id, kind, data)))
    try:
        need(work_order, fabric, 10)
        with django_capture_on_commit_callbacks(execute=True):
            mrp_run(factory=factory, by=manager)
    finally:
        from core import realtime

        realtime._listeners.remove(listener)
    (entry,) = [h for h in heard if h[1] == "material_shortage"]
    assert (entry[0], entry[2]["shortages"], entry[2]["materials"]) == (
        factory.pk,
        1,
        [fabric.code],
    )


def test_cancelled_purchase_orders_are_not_supply(
    factory, supplier, fabric, offer, work_order, manager
):
    need(work_order, fabric, 50, days=10)
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "50", "need_date": TODAY}],
        by=manager,
    )
    services.purchase_order_send(order=order, by=manager)
    services.purchase_order_cancel(order=order, by=manager)
    mrp_run(factory=factory, by=manager)
    assert PurchaseOrder.objects.get(pk=order.pk).status == "cancelled"
    assert shortages() == [("WO-1", fabric.code, Decimal("0"), Decimal("0"), Decimal("50"))]


def test_the_scheduled_start_brings_the_need_forward(factory, fabric, offer, work_order, manager):
    need(work_order, fabric, 10, days=20)
    ScheduleEntry.objects.create(
        factory=factory, work_order=work_order, start_date=TODAY + dt.timedelta(days=4)
    )
    mrp_run(factory=factory, by=manager)
    assert MaterialShortage.objects.get().need_date == TODAY + dt.timedelta(days=4)


def test_mrp_runs_through_the_api(api, manager, factory):
    api.force_login(manager)

    response = api.post("/api/v1/mrp-runs/")

    assert (response.status_code, response.json()["work_orders"]) == (201, 0)


def test_a_clerk_reads_runs_but_cannot_run_mrp(api, clerk, factory, manager):
    mrp_run(factory=factory, by=manager)
    api.force_login(clerk)

    listed = api.get("/api/v1/mrp-runs/")
    refused = api.post("/api/v1/mrp-runs/")

    assert (listed.status_code, len(listed.json()["results"])) == (200, 1)
    assert refused.status_code == 403
