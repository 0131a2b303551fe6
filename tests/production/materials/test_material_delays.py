"""Production days lost to material: a planned work order past its need date with a material
short is observed (hourly, and at a release over the shortage); its release closes the delay
with the factory working days lost, each short material with the cause inventory gives it.

The clock (Asia/Shanghai) runs through one week: the need date is Monday 2026-03-02."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.errors import DomainError
from inventory import services as inventory
from inventory.selectors import overdue_purchase_orders, shortage_causes
from production.models import MaterialDelay, WorkOrder
from production.selectors import material_delays
from production.services import work_order_release
from production.services.release import material_delays_observe
from tests.factories import MaterialFactory, MaterialRequirementFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 3, 2)


def at(day: int, hour: int = 10):
    """A frozen moment on the factory's clock, March 2026."""
    return time_machine.travel(dt.datetime(2026, 3, day, hour, tzinfo=SHANGHAI), tick=False)


def needs(work_order, material, quantity="50"):
    return MaterialRequirementFactory(
        work_order=work_order,
        material_code=material.code,
        quantity=Decimal(quantity),
        need_date=MONDAY,
    )


def order_material(factory, supplier, material, by, quantity="50", need_date=MONDAY):
    order = inventory.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[
            {
                "material": material,
                "quantity": Decimal(quantity),
                "need_date": need_date,
                "unit_price": Decimal("20"),
            }
        ],
        by=by,
    )
    inventory.purchase_order_send(order=order, by=by)
    return order


def receive(order, bin, code, quantity, by, *, passes=True, close=False):
    lots = inventory.purchase_line_receive(
        line=order.lines.get(),
        bin=bin,
        lots=[{"code": code, "quantity": quantity, "dye_lot": "D1"}],
        by=by,
        close=close,
    )
    for lot in lots:
        inventory.fabric_inspection_record(
            lot=lot,
            inspected_metres="10",
            width_cm="145",
            defects={} if passes else {"4": 40},
            by=by,
        )
    return lots


def window(first_day: int, last_day: int):
    start = dt.datetime(2026, 3, first_day, tzinfo=SHANGHAI)
    return start, dt.datetime(2026, 3, last_day + 1, tzinfo=SHANGHAI)


def test_a_late_purchase_order_holds_the_work_order_and_its_release_counts_the_days(
    factory, supplier, fabric, bin_a, clerk, manager, work_order
):
    # Given the work order needs 50 m on Monday and the fabric's order is still on its way
    needs(work_order, fabric)
    with at(1):
        po = order_material(factory, supplier, fabric, clerk)
    # When the hourly observation runs on Wednesday, and the fabric arrives on Thursday
    with at(4):
        assert material_delays_observe(factory=factory) == 1
        assert material_delays_observe(factory=factory) == 0  # safe to run again
        waiting = material_delays(factory, *window(2, 4))
    with at(5):
        receive(po, bin_a, "R1", "50", clerk)
        work_order_release(work_order=work_order, by=manager)
        released = material_delays(factory, *window(2, 5))
    # Then on Wednesday Monday and Tuesday were lost so far; the release on Thursday lost three
    assert (waiting["days_lost"], waiting["ongoing"], waiting["rows"][0]["ongoing"]) == (2, 1, True)
    delay = MaterialDelay.objects.get()
    assert (delay.need_date, delay.released_on, delay.days_lost, delay.cause, delay.detail) == (
        MONDAY,
        dt.date(2026, 3, 5),
        3,
        "late_po",
        po.number,
    )
    assert (released["days_lost"], released["work_orders"], released["ongoing"]) == (3, 1, 0)
    assert released["rows"][0]["materials"] == [
        {
            "code": fabric.code,
            "cause": "late_po",
            "cause_label": "Late purchase order",
            "detail": po.number,
        }
    ]
    assert released["by_cause"] == [
        {"cause": "late_po", "label": "Late purchase order", "materials": 1}
    ]


def test_the_working_days_skip_the_factory_s_day_off(
    factory, supplier, fabric, bin_a, clerk, manager, work_order
):
    needs(work_order, fabric)
    with at(5):  # Thursday
        material_delays_observe(factory=factory)
    with at(9):  # the next Monday: Monday to Saturday lost (a six-day week); Sunday is not
        assert material_delays(factory, *window(2, 9))["days_lost"] == 6


def test_a_release_over_the_shortage_records_and_closes_the_delay(
    factory, fabric, manager, work_order
):
    # Given nothing was observed before, no purchase order exists
    needs(work_order, fabric)
    # When the manager releases it anyway on Tuesday with a reason
    with at(3):
        work_order_release(work_order=work_order, by=manager, override_reason="Cut what we have")
    # Then Monday was lost to a material nobody ordered
    delay = MaterialDelay.objects.get()
    assert (delay.released_on, delay.days_lost, delay.cause) == (dt.date(2026, 3, 3), 1, "no_po")


def test_a_refused_release_writes_no_delay(factory, fabric, manager, work_order):
    needs(work_order, fabric)
    with at(3), pytest.raises(DomainError):
        work_order_release(work_order=work_order, by=manager)
    assert (MaterialDelay.objects.count(), WorkOrder.objects.get().status) == (0, "planned")


def test_nothing_is_lost_before_the_need_date_passes(factory, fabric, work_order):
    needs(work_order, fabric)
    with at(2, 23):  # Monday evening: still the need date
        assert material_delays_observe(factory=factory) == 0
    assert material_delays(factory, *window(2, 2))["days_lost"] == 0


def test_a_cancelled_work_order_stops_counting(factory, fabric, work_order):
    needs(work_order, fabric)
    with at(4):
        material_delays_observe(factory=factory)
    WorkOrder.objects.filter(pk=work_order.pk).update(status=WorkOrder.Status.CANCELLED)
    with at(6):
        assert material_delays(factory, *window(2, 6))["work_orders"] == 0


def test_causes_failed_inspection_then_short_receipt_then_late_then_no_po(
    factory, supplier, bin_a, clerk
):
    # Given four fabrics: one roll failed inspection, one line short-closed, one line late,
    # one never ordered
    failed, short, late, none = (
        MaterialFactory(factory=factory, code=code)
        for code in ("FAB-FAIL", "FAB-SHORT", "FAB-LATE", "FAB-NONE")
    )
    with at(1):
        po_failed = order_material(factory, supplier, failed, clerk)
        receive(po_failed, bin_a, "RF", "50", clerk, passes=False)
        po_short = order_material(factory, supplier, short, clerk)
        receive(po_short, bin_a, "RS", "30", clerk, close=True)
        po_late = order_material(factory, supplier, late, clerk)
    # When inventory is asked why each was short for Monday's need
    with at(4):
        causes = shortage_causes(
            factory, codes=[f.code for f in (failed, short, late, none)], need_date=MONDAY
        )
    # Then
    assert causes == {
        "FAB-FAIL": ("failed_inspection", "RF"),
        "FAB-SHORT": ("short_receipt", po_short.number),
        "FAB-LATE": ("late_po", po_late.number),
        "FAB-NONE": ("no_po", ""),
    }


def test_overdue_purchase_orders_are_open_lines_past_their_expected_date(
    factory, supplier, fabric, bin_a, clerk
):
    with at(1):
        late = order_material(factory, supplier, fabric, clerk, need_date=MONDAY)
        order_material(factory, supplier, fabric, clerk, need_date=dt.date(2026, 3, 10))
        done = order_material(factory, supplier, fabric, clerk, need_date=MONDAY)
        receive(done, bin_a, "R9", "50", clerk)
    with at(4):
        rows = overdue_purchase_orders(factory, today=dt.date(2026, 3, 4))
    assert [(r["number"], r["days_overdue"], r["materials"][0]["open"]) for r in rows] == [
        (late.number, 2, Decimal("50"))
    ]
