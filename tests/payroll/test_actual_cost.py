"""Actual cost per work order and margin per merchant order, exact on a small world.

Work order WO1 (102 to cut, size M) on line L1, of an order of 100 pieces at ¥45:
  material  fabric issued 120 m, 10 m returned at ¥18.50, thread 5 cones at ¥2.00
            = 2220.00 − 185.00 + 10.00 = 2045.00
  wages     operator A: 100 good × ¥0.35; operator B: 100 good × ¥0.20 − 2 own defective ×
            ¥0.20 × 1.00 (rework deduction) = 35.00 + 20.00 − 0.40 = 54.60
  machine   L1 ran 3600 s (a station's machine) + 4800 s (a machine on the line) = 8400 s on
            the day; WO1 earned 100 × 1.0 + 100 × 0.5 = 150 of the line's 200 earned minutes
            (WO2 earned 50): 8400 × 150 ÷ 200 = 6300 s = 1.75 h × ¥30 = 52.50
  total     2045.00 + 54.60 + 52.50 = 2152.10; per garment 2152.10 ÷ 102 = 21.10 (21.0990…)
Its pre-cost (size M, ¥18.50 fabric and ¥2.00 thread at moving average, SAM 2.4 × ¥0.35,
overhead 10 %): material 1.25 × 1.03 × 18.5 + 0.05 × 1.03 × 2 = 23.92, labour 0.84,
overhead 2.48, total 27.24 a garment; × 102 = 2778.48.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client

from core.roles import Role
from devices.models import MinuteRollup
from inventory.models import StockMove
from orders.models import Order
from payroll.costing import order_margins, work_order_actual_cost, work_order_actual_costs
from production.models import OperationRecord
from tests.factories import (
    BinFactory,
    BundleFactory,
    DeviceFactory,
    FactoryFactory,
    LayFactory,
    LotFactory,
    MaterialFactory,
    MembershipFactory,
    OrderFactory,
    OrganizationFactory,
    PartnershipFactory,
    SewingLineFactory,
    StationFactory,
    UserFactory,
    WorkerFactory,
    WorkOrderFactory,
    WorkOrderLineFactory,
    WorkOrderOperationFactory,
    released_version,
)

D = Decimal
DAY = date(2026, 3, 10)
TEN_LOCAL = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


LAYS = {}


def _record(work_order, operation, line, good, defective=0, worker=None):
    if work_order.pk not in LAYS:
        LAYS[work_order.pk] = LayFactory(marker__cut_plan__work_order=work_order)
    bundle = BundleFactory(lay=LAYS[work_order.pk], work_order=work_order)
    return OperationRecord.objects.create(
        factory=work_order.factory,
        bundle=bundle,
        operation=operation,
        work_order=work_order,
        worker=worker or WorkerFactory(factory=work_order.factory, line=line),
        line=line,
        recorded_at=TEN_LOCAL,
        work_date=DAY,
        good_pieces=good,
        defective_pieces=defective,
        source="scan",
    )


def _move(kind, lot, quantity, cost, work_order):
    bin = BinFactory(warehouse__factory=work_order.factory)
    side = {"from_bin": bin} if kind == StockMove.Kind.ISSUE else {"to_bin": bin}
    return StockMove.objects.create(
        **side,
        factory=work_order.factory,
        kind=kind,
        material=lot.material,
        lot=lot,
        quantity=D(quantity),
        unit_cost=D(cost),
        work_order=work_order,
    )


@pytest.fixture
def world(db):
    LAYS.clear()
    factory = FactoryFactory(
        organization=OrganizationFactory(code="fx"),
        machine_hour_rate=D("30.00"),
        overhead_pct=D("10.00"),
    )
    line = SewingLineFactory(factory=factory, code="L1")
    other_line = SewingLineFactory(factory=factory, code="L2")
    version = released_version(factory=factory, number="AC-1")
    version.operations.update(sam=D("0.800"))
    fabric = MaterialFactory(factory=factory, code=f"FAB-{version.pk}", average_cost=D("18.5"))
    thread = MaterialFactory(factory=factory, code=f"THR-{version.pk}", average_cost=D("2"))
    order = OrderFactory(version=version, unit_price=D("45.00"), total_quantity=100)
    wo1 = WorkOrderFactory(version=version, order=order, line=line, quantity=100, cut_quantity=102)
    WorkOrderLineFactory(work_order=wo1, size="M", ordered_quantity=100, cut_quantity=102)
    op1 = WorkOrderOperationFactory(work_order=wo1, sam=D("1.000"), piece_rate=D("0.3500"))
    op2 = WorkOrderOperationFactory(work_order=wo1, sam=D("0.500"), piece_rate=D("0.2000"))
    _record(wo1, op1, line, good=100)
    _record(wo1, op2, line, good=100, defective=2)
    wo2 = WorkOrderFactory(version=version, line=line)
    _record(wo2, WorkOrderOperationFactory(work_order=wo2, sam=D("1.000")), line, good=50)

    fabric_lot = LotFactory(material=fabric)
    _move(StockMove.Kind.ISSUE, fabric_lot, "120", "18.5000", wo1)
    _move(StockMove.Kind.RETURN, fabric_lot, "10", "18.5000", wo1)
    _move(StockMove.Kind.ISSUE, LotFactory(material=thread), "5", "2.0000", wo1)

    station = StationFactory(line=line)
    for device, seconds in (
        (DeviceFactory(factory=factory, station=station), 3600),
        (DeviceFactory(factory=factory, line=line), 4800),
        (DeviceFactory(factory=factory, line=other_line), 1000),
    ):
        MinuteRollup.objects.create(
            factory=factory,
            device=device,
            station=device.station,
            minute=TEN_LOCAL,
            running_seconds=seconds,
        )
    return {"factory": factory, "order": order, "wo1": wo1, "wo2": wo2}


def test_the_actual_cost_of_a_work_order(world):
    cost = work_order_actual_cost(world["wo1"])

    assert (cost.material, cost.wages, cost.machine_hours, cost.machine) == (
        D("2045.00"),
        D("54.60"),
        D("1.75"),
        D("52.50"),
    )
    assert (cost.total, cost.pieces, cost.per_garment) == (D("2152.10"), 102, D("21.10"))
    assert (cost.pre_cost, cost.variance) == (D("2778.48"), D("-626.38"))


def test_voided_records_cost_no_wages(world):
    OperationRecord.objects.filter(work_order=world["wo1"], defective_pieces=2).update(
        voided_at=TEN_LOCAL
    )

    assert work_order_actual_cost(world["wo1"]).wages == D("35.00")


def test_the_machine_time_of_a_line_day_is_shared_by_earned_minutes(world):
    costs = work_order_actual_costs(world["factory"], [world["wo1"], world["wo2"]])

    # WO2 earned 50 of 200 minutes: 8400 × 50 ÷ 200 = 2100 s = 0.5833 h × 30 = 17.50
    assert (costs[world["wo2"].pk].machine, costs[world["wo1"].pk].machine) == (
        D("17.50"),
        D("52.50"),
    )


def test_an_order_in_production_margins_on_its_expected_cost(world):
    (margin,) = order_margins(world["factory"], [world["order"]])

    # The pre-cost (2778.48) is above the cost so far (2152.10): the expected cost is the former.
    assert (margin.revenue, margin.revenue_basis, margin.cost) == (
        D("4500.00"),
        "expected",
        D("2778.48"),
    )
    # 4500.00 − 2778.48 = 1721.52; ÷ 4500 = 38.26 %
    assert (margin.margin, margin.margin_pct) == (D("1721.52"), D("38.26"))


def test_a_partly_shipped_order_margin_stays_expected(world):
    Order.objects.filter(pk=world["order"].pk).update(
        shipped_quantity=60, status=Order.Status.PARTLY_SHIPPED
    )
    world["order"].refresh_from_db()

    (margin,) = order_margins(world["factory"], [world["order"]])

    assert (margin.revenue, margin.revenue_basis, margin.margin) == (
        D("4500.00"),
        "expected",
        D("1721.52"),
    )


def test_a_fully_shipped_order_margins_on_shipped_pieces_and_actual_cost(world):
    Order.objects.filter(pk=world["order"].pk).update(
        shipped_quantity=100, status=Order.Status.SHIPPED
    )
    world["order"].refresh_from_db()

    (margin,) = order_margins(world["factory"], [world["order"]])

    # 100 × 45 = 4500.00; 4500.00 − 2152.10 = 2347.90; ÷ 4500 = 52.18 %
    assert (
        margin.revenue,
        margin.revenue_basis,
        margin.cost,
        margin.margin,
        margin.margin_pct,
    ) == (
        D("4500.00"),
        "shipped",
        D("2152.10"),
        D("2347.90"),
        D("52.18"),
    )


def _login(world, role):
    user = UserFactory(username=f"u-{role}")
    MembershipFactory(user=user, organization=world["factory"].organization, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_the_costing_page_and_the_work_order_cost_page(world):
    client = _login(world, Role.PLANNER)

    listing = client.get("/payroll/costing/").content.decode()
    detail = client.get(f"/payroll/costing/work-orders/{world['wo1'].pk}/").content.decode()

    assert "2778.48" in listing and "1721.52" in listing and "2152.10" in listing
    assert "2152.10" in detail and "21.10" in detail and "2778.48" in detail


def test_the_costing_export_is_a_workbook(world):
    response = _login(world, Role.PLANNER).get("/payroll/costing/costing.xlsx")

    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_the_owner_sets_the_cost_settings(world):
    client = _login(world, Role.FACTORY_OWNER)

    response = client.post(
        "/payroll/costing/settings/", {"overhead_pct": "12.5", "machine_hour_rate": "40"}
    )

    world["factory"].refresh_from_db()
    assert response.status_code == 302
    assert (world["factory"].overhead_pct, world["factory"].machine_hour_rate) == (
        D("12.50"),
        D("40.00"),
    )


def test_invalid_cost_settings_write_nothing(world):
    client = _login(world, Role.FACTORY_OWNER)

    response = client.post(
        "/payroll/costing/settings/", {"overhead_pct": "-1", "machine_hour_rate": "abc"}
    )

    world["factory"].refresh_from_db()
    assert response.status_code == 200
    assert set(response.context["settings_form"].errors) == {"overhead_pct", "machine_hour_rate"}
    assert (world["factory"].overhead_pct, world["factory"].machine_hour_rate) == (
        D("10.00"),
        D("30.00"),
    )


def test_a_planner_cannot_change_the_cost_settings(world):
    response = _login(world, Role.PLANNER).post(
        "/payroll/costing/settings/", {"overhead_pct": "50", "machine_hour_rate": "1"}
    )

    world["factory"].refresh_from_db()
    assert response.status_code == 403
    assert world["factory"].overhead_pct == D("10.00")


def test_the_work_order_cost_api(world):
    client = _login(world, Role.FACTORY_MANAGER)

    body = client.get(f"/api/v1/work-order-costs/{world['wo1'].pk}/").json()
    margin = client.get(f"/api/v1/order-margins/{world['order'].pk}/").json()

    assert (body["total"], body["per_garment"], body["machine"]) == ("2152.10", "21.10", "52.50")
    assert (margin["margin"], margin["margin_pct"], margin["revenue_basis"]) == (
        "1721.52",
        "38.26",
        "expected",
    )


def test_the_merchant_of_the_order_reaches_no_cost(world):
    merchant = world["order"].merchant
    PartnershipFactory(factory=world["factory"], partner=merchant)
    buyer = UserFactory(username="buyer-x")
    MembershipFactory(user=buyer, organization=merchant, role=Role.MERCHANT_BUYER)
    client = Client()
    client.force_login(buyer)

    assert client.get(f"/api/v1/order-margins/{world['order'].pk}/").status_code == 403
    assert client.get("/api/v1/work-order-costs/").status_code == 403
    assert client.get("/payroll/costing/").status_code == 403
    order_page = client.get(f"/api/v1/orders/{world['order'].pk}/").content.decode()
    assert "cost" not in order_page and "margin" not in order_page


def test_the_work_order_page_links_its_cost_for_planners_only(world):
    wo = world["wo1"]
    link = f"/payroll/costing/work-orders/{wo.pk}/"

    planner_page = _login(world, Role.PLANNER).get(f"/production/work-orders/{wo.pk}/")
    supervisor_page = _login(world, Role.SUPERVISOR).get(f"/production/work-orders/{wo.pk}/")

    assert link in planner_page.content.decode()
    assert link not in supervisor_page.content.decode()


def test_the_owner_sets_the_cost_settings_through_the_api_and_a_bad_one_writes_nothing(world):
    client = _login(world, Role.FACTORY_OWNER)
    url = f"/api/v1/factories/{world['factory'].pk}/"

    good = client.patch(
        url, {"overhead_pct": "8.00", "machine_hour_rate": "25.00"}, "application/json"
    )
    bad = client.patch(url, {"overhead_pct": "-3"}, "application/json")

    world["factory"].refresh_from_db()
    assert (good.status_code, good.json()["machine_hour_rate"]) == (200, "25.00")
    assert bad.status_code == 400 and "overhead_pct" in bad.json()["errors"]
    assert world["factory"].overhead_pct == D("8.00")
