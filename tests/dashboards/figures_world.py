"""A fixed world for "same figure, same value": one factory in Shanghai, two work orders with
operation records over a week and a half, a QC inspection, a machine's minute rollups, an
open pay period, a merchant's order with a shipment, and an MRP shortage.

Every event happens through the real services at its own (frozen) time, so the rollups are
rebuilt through `core.realtime` exactly as on the floor. The hand-computed figures are in
`EXPECTED` (now = Wednesday 2026-12-09 15:30 in Shanghai):

    records (local)        work order  operation  worker  good  defective  finished
    Fri 12-04 10:00        WO-2        S1 (last)  W1      10    0          10
    Mon 12-07 10:00        WO-1        OP1        W1      20    0
    Mon 12-07 11:00        WO-1        OP2 (last) W2      18    2          18
    Tue 12-08 10:00        WO-1        OP1        W1      20    0
    Tue 12-08 14:00        WO-1        OP2        W2      20    0          20
    Tue 12-08 15:00        WO-1        OP2 rework W2       2               2
    Wed 12-09 09:00        WO-1        OP1        W1      19    1
    Wed 12-09 10:00        WO-1        OP2        W2      19    0          19

    month (12-01..12-09): 69 garments, 7 operator-days → 9.9 a person-day; today 19 / 2 = 9.5
    week (12-07..12-09): 59 garments; the last 12 hours: 19
    QC: one end-of-line inspection on 12-08, 20 checked, 1 defect → qualified 95.0 %, DHU 5.0
    earned 69 SAM minutes of 7 × 480 available → capacity utilisation 2.1 %
    wages (rate 0.20 on WO-1, 0.30 on WO-2, own defects deducted at the rate): 26.00 yuan over
    7 operator-days → 3.71 a day
    machine: 80 s running of 120 s reported → 66.7 %; 5 hangers arrived, 3 left → WIP 2
    WO-1: 59.5 of 60 SAM minutes done (99 %), pace 19.83 a day → expected Thu 12-10
    WO-2: 10 of 30 (33 %), pace 10 a day → expected Fri 12-11, due 12-05: at risk
    order SO-1 (WO-1): M 40/40, L 19/20 → 59 finished (98 %), 60 cut, 20 shipped on time
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import time_machine

from core.roles import OrgKind, Role
from dashboards import services
from devices.models import MinuteRollup
from inventory.models import MaterialShortage, MrpRun
from orders.models import Order
from production.models import Inspection, Lay
from production.services import defect_codes_ensure, inspection_record, operation_record_create
from tests.factories import (
    BundleFactory,
    CutPlanFactory,
    DeviceFactory,
    DistrictFactory,
    FactoryFactory,
    LayFactory,
    MarkerFactory,
    MembershipFactory,
    OrderEventFactory,
    OrderFactory,
    OrderLineFactory,
    OrderShipmentFactory,
    OrganizationFactory,
    PayPeriodFactory,
    SewingLineFactory,
    ShiftFactory,
    StationFactory,
    UserFactory,
    WorkerFactory,
    WorkOrderFactory,
    WorkOrderLineFactory,
    WorkOrderOperationFactory,
    released,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 9, 15, 30, tzinfo=SHANGHAI)
MONTH = (date(2026, 12, 1), date(2026, 12, 9))
WEEK = (date(2026, 12, 7), date(2026, 12, 9))

EXPECTED = {
    "month_output": 69,
    "week_output": 59,
    "twelve_hour_output": 19,
    "month_per_person_day": 9.9,
    "today_per_person_day": 9.5,
    "qualified_rate": 95.0,
    "dhu": 5.0,
    "capacity_utilisation": 2.1,
    "wages": Decimal("26.00"),
    "average_daily_wage": Decimal("3.71"),
    "machine_utilisation": 66.7,
    "station_wip": 2,
    "wo1": {"finished": 59, "percent": 99, "expected_finish": date(2026, 12, 10)},
    "wo2": {"finished": 10, "percent": 33, "expected_finish": date(2026, 12, 11)},
    "order": {"finished": 59, "percent_finished": 98, "cut": 60, "shipped": 20},
    "matrix": [
        {"colour": "Black", "cells": [{"ordered": 40, "done": 40}, {"ordered": 20, "done": 19}]}
    ],
}


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def person(organization, role) -> object:
    user = UserFactory()
    MembershipFactory(user=user, organization=organization, role=role)
    return user


def _work_order(factory, line, *, order=None, version=None, number, quantity, due, bundles):
    extra = {"version": version} if version else {"version__factory": factory}
    work_order = WorkOrderFactory(
        factory=factory,
        line=line,
        order=order,
        number=number,
        quantity=quantity,
        cut_quantity=quantity,
        due_date=due,
        sam_per_garment=Decimal("1.000"),
        **extra,
    )
    lay = LayFactory(
        marker=MarkerFactory(cut_plan=CutPlanFactory(work_order=work_order)),
        colour=bundles[0][1],
        status=Lay.Status.CUT,
    )
    made = [
        BundleFactory(lay=lay, size=size, colour=colour, quantity=pieces)
        for size, colour, pieces in bundles
    ]
    released(work_order)  # the material gate: nothing is recorded before the release
    return work_order, made


def build(capture) -> SimpleNamespace:
    """The world, built event by event at each event's time. `capture` is pytest-django's
    django_capture_on_commit_callbacks: the notifications run after each event's commit."""
    w = SimpleNamespace()
    district = DistrictFactory(organization=OrganizationFactory(kind=OrgKind.DISTRICT))
    w.factory = factory = FactoryFactory(
        organization__name="Lusong Garments", district=district, shares_with_district=True
    )
    shift = ShiftFactory(factory=factory, starts_at="08:00", ends_at="16:00", break_minutes=0)
    w.line = line = SewingLineFactory(
        factory=factory, name="Line 1", shift=shift, planned_headcount=10, efficiency="1.00"
    )
    w.station = StationFactory(line=line, code="ST-1")
    w.device = DeviceFactory(factory=factory, station=w.station, line=line)
    w1, w2 = WorkerFactory(line=line), WorkerFactory(line=line)
    w.owner = person(factory.organization, Role.FACTORY_OWNER)
    w.official = person(district.organization, Role.DISTRICT_OFFICIAL)
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT, name="Curve")
    w.buyer = person(merchant, Role.MERCHANT_BUYER)
    defect_codes_ensure(factory=factory)

    w.order = OrderFactory(
        merchant=merchant,
        version__factory=factory,
        number="SO-1",
        total_quantity=60,
        shipped_quantity=20,
        status=Order.Status.IN_PRODUCTION,
        requested_date=date(2026, 12, 12),
        promised_date=date(2026, 12, 10),
    )
    OrderLineFactory(order=w.order, size="M", colour="Black", quantity=40)
    OrderLineFactory(order=w.order, size="L", colour="Black", quantity=20)
    w.wo1, (b1, b2, b3) = _work_order(
        factory,
        line,
        order=w.order,
        version=w.order.version,
        number="WO-1",
        quantity=60,
        due=date(2026, 12, 18),
        bundles=[("M", "Black", 20), ("M", "Black", 20), ("L", "Black", 20)],
    )
    for size, pieces in (("M", 40), ("L", 20)):
        WorkOrderLineFactory(
            work_order=w.wo1,
            size=size,
            colour="Black",
            ordered_quantity=pieces,
            cut_quantity=pieces,
        )
    op1, op2 = (
        WorkOrderOperationFactory(
            work_order=w.wo1, sequence=n, code=f"OP{n}", sam="0.500", piece_rate="0.2000"
        )
        for n in (1, 2)
    )
    w.wo2, (red,) = _work_order(
        factory, line, number="WO-2", quantity=30, due=date(2026, 12, 5), bundles=[("S", "Red", 10)]
    )
    s1 = WorkOrderOperationFactory(
        work_order=w.wo2, sequence=1, code="S1", sam="1.000", piece_rate="0.3000"
    )
    w.period = PayPeriodFactory(
        factory=factory, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
    )

    def record(when, bundle, operation, worker, **pieces):
        with time_machine.travel(when, tick=False), capture(execute=True):
            operation_record_create(
                factory=factory,
                bundle=bundle,
                operation=operation,
                worker=worker,
                source="scan",
                **pieces,
            )

    with time_machine.travel(at(12, 2, 10), tick=False):
        OrderEventFactory(order=w.order, from_status="draft", to_status="placed")
    record(at(12, 4, 10), red, s1, w1)
    record(at(12, 7, 10), b1, op1, w1)
    record(at(12, 7, 11), b1, op2, w2, good_pieces=18, defective_pieces=2)
    record(at(12, 8, 10), b2, op1, w1)
    record(at(12, 8, 14), b2, op2, w2)
    record(at(12, 8, 15), b1, op2, w2, is_rework=True)
    with time_machine.travel(at(12, 8, 16), tick=False), capture(execute=True):
        inspection_record(
            factory=factory,
            kind=Inspection.Kind.END_OF_LINE,
            bundle=b1,
            checked_pieces=20,
            result=Inspection.Result.PASS,
            defects=[{"code": "D01", "count": 1, "operation": op2.pk}],
        )
    record(at(12, 9, 9), b3, op1, w1, good_pieces=19, defective_pieces=1)
    record(at(12, 9, 10), b3, op2, w2, good_pieces=19)
    with time_machine.travel(at(12, 9, 9, 30), tick=False):
        OrderEventFactory(order=w.order, from_status="in_production", to_status="shipped")
        OrderShipmentFactory(
            order=w.order, quantity=20, tracking_no="SF123", shipped_at=at(12, 9, 9, 30)
        )
    for minute, seconds, counts in (
        (0, {"running_seconds": 50, "idle_seconds": 10}, {"arrivals": 3, "departures": 2}),
        (1, {"running_seconds": 30, "stopped_seconds": 30}, {"arrivals": 2, "departures": 1}),
    ):
        MinuteRollup.objects.create(
            factory=factory,
            device=w.device,
            station=w.station,
            minute=at(12, 9, 10, minute).astimezone(UTC),
            **seconds,
            **counts,
        )
    run = MrpRun.objects.create(factory=factory)
    MaterialShortage.objects.create(
        factory=factory,
        run=run,
        work_order=w.wo1,
        material_code="FAB-1",
        required="40.000",
        from_stock="27.500",
        short="12.500",
        need_date=date(2026, 12, 12),
    )
    with time_machine.travel(NOW, tick=False):
        # Devices' minute rollups and orders' events announce nothing in this world: the
        # periodic catch-up's work, done once for the days they touch.
        services.machine_hour_rebuild(factory_id=factory.pk, hour=at(12, 9, 10))
        for day in (2, 9):
            services.day_rebuild(factory_id=factory.pk, day=date(2026, 12, day))
    return w
