"""Demo data of the shop floor: shifts, skills, calendar, day plans, defect codes (`seed`); once
the stores are stocked (`seed_floor`), the work orders in production released to cutting, a plan
for them, a line balance, operation records and inspections (idempotent)."""

import contextlib
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core.errors import DomainError
from core.models import User
from factories.models import CalendarDay, LineDayPlan, SewingLine, Shift, Worker, WorkerSkill
from inventory.models import Material
from inventory.services import material_reserve
from production import services
from production.models import (
    Bundle,
    Inspection,
    LineBalance,
    OperationRecord,
    WorkOrder,
    WorkOrderOperation,
)
from production.services.release import material_requirements

MACHINES = ["平车", "拷边机", "绷缝机", "手工", "整烫"]
# Chinese public holidays and make-up working days around the demo's season.
HOLIDAYS = [
    (dt.date(2027, 1, 1), "元旦"),
    *[(dt.date(2027, 2, 5) + dt.timedelta(days=n), "春节") for n in range(8)],
    *[(dt.date(2027, 4, 3) + dt.timedelta(days=n), "清明节") for n in range(3)],
    *[(dt.date(2027, 5, 1) + dt.timedelta(days=n), "劳动节") for n in range(5)],
]


def seed(world) -> None:
    for factory in world.factories:
        _floor_calendar(factory)
        services.defect_codes_ensure(factory=factory)


def seed_floor(world) -> None:
    """After the stores are stocked: the work orders in production released to cutting (their
    materials reserved first), their first bundles scanned, a line balance and quality."""
    factory = world.factory
    if not WorkOrder.objects.filter(factory=factory).exists():
        return
    _records(factory)
    services.schedule_replan(factory=factory)
    _balance_and_quality(factory)


def release_with_materials(work_order, *, by, colour: str = "") -> None:
    """Reserve what the work order needs (its fabric in `colour` when given), then release it
    to cutting; what is still short is released on the planner's stated reason (the override
    inventory logs), as a planner does when the trims are on the truck."""
    materials = {m.code: m for m in Material.objects.filter(factory_id=work_order.factory_id)}
    for code, quantity in material_requirements(work_order):
        material = materials.get(code)
        if material is not None:
            fabric = material.kind == Material.Kind.FABRIC
            material_reserve(
                work_order=work_order,
                material=material,
                quantity=quantity,
                by=by,
                colour=colour if fabric else "",
            )
    try:
        services.work_order_release(work_order=work_order, by=by)
    except DomainError as error:
        if error.code != "materials_short":
            raise
        services.work_order_release(
            work_order=work_order, by=by, override_reason="辅料已发货在途，先行裁剪"
        )


def _floor_calendar(factory) -> None:
    day, _ = Shift.objects.get_or_create(
        factory=factory,
        code="D",
        defaults={
            "name": "白班",
            "starts_at": dt.time(7, 30),
            "ends_at": dt.time(17, 30),
            "break_minutes": 90,
            "is_default": True,
        },
    )
    SewingLine.objects.filter(factory=factory, shift__isnull=True).update(shift=day)
    for date, note in HOLIDAYS:
        CalendarDay.objects.get_or_create(
            factory=factory, date=date, defaults={"kind": CalendarDay.Kind.HOLIDAY, "note": note}
        )
    today = timezone.localdate()
    # Peak season: two hours' overtime on the next four weekdays.
    for n in range(1, 6):
        date = today + dt.timedelta(days=n)
        if date.weekday() < 5:
            CalendarDay.objects.get_or_create(
                factory=factory,
                date=date,
                defaults={
                    "kind": CalendarDay.Kind.WORKDAY,
                    "overtime_minutes": 120,
                    "note": "旺季加班",
                },
            )
    lines = list(SewingLine.objects.filter(factory=factory))
    for line in lines[:1]:
        # A few operators on leave next week.
        for n in range(7, 10):
            LineDayPlan.objects.get_or_create(
                factory=factory,
                line=line,
                date=today + dt.timedelta(days=n),
                defaults={"headcount": max(1, line.planned_headcount - 4)},
            )
    skills = []
    existing = set(WorkerSkill.objects.filter(factory=factory).values_list("worker_id", flat=True))
    for n, worker in enumerate(Worker.objects.filter(factory=factory).order_by("employee_no")):
        if worker.pk in existing:
            continue
        primary = MACHINES[n % len(MACHINES)]
        second = MACHINES[(n + 2) % len(MACHINES)]
        skills += [
            WorkerSkill(
                factory=factory,
                worker=worker,
                machine_type=primary,
                grade=worker.grade,
                efficiency=Decimal("0.70") + Decimal(n % 7) * Decimal("0.05"),
            ),
            WorkerSkill(
                factory=factory,
                worker=worker,
                machine_type=second,
                grade=1,
                efficiency=Decimal("0.60"),
            ),
        ]
    WorkerSkill.objects.bulk_create(skills)


def _records(factory) -> None:
    """The first work orders still planned, released (materials reserved, then checked), and
    their bundles moving through their first operations, as scanned. Once released they are
    planned no more, so a second run finds nothing to do."""
    now = timezone.now()
    planner = User.objects.get(username=f"{factory.code}-planner")
    work_orders = list(
        WorkOrder.objects.filter(factory=factory, status=WorkOrder.Status.PLANNED).order_by(
            "due_date"
        )[:3]
    )
    for wo in work_orders:
        release_with_materials(wo, by=planner)
    for w, wo in enumerate(work_orders):
        workers = list(
            Worker.objects.filter(
                factory=factory, line=wo.line or SewingLine.objects.filter(factory=factory).first()
            ).order_by("employee_no")
        ) or list(Worker.objects.filter(factory=factory)[:20])
        operations = list(WorkOrderOperation.objects.filter(factory=factory, work_order=wo))
        bundles = list(Bundle.objects.filter(factory=factory, work_order=wo).order_by("number"))
        for b, bundle in enumerate(bundles[: 12 - 3 * w]):
            depth = max(1, len(operations) - b - 2 * w)
            for o, operation in enumerate(operations[:depth]):
                worker = workers[(o * 3 + b) % len(workers)]
                defective = 1 if (b + o) % 11 == 5 else 0
                try:
                    services.operation_record_create(
                        factory=factory,
                        bundle=bundle,
                        operation=operation,
                        worker=worker,
                        source=OperationRecord.Source.DEVICE
                        if o % 2
                        else OperationRecord.Source.SCAN,
                        defective_pieces=defective,
                        recorded_at=now - dt.timedelta(minutes=20 * (len(bundles) - b) + 3 * o),
                        external_event_id=f"demo-{bundle.pk}-{operation.pk}",
                    )
                except DomainError:
                    continue


def _balance_and_quality(factory) -> None:
    wo = (
        WorkOrder.objects.filter(factory=factory, status=WorkOrder.Status.SEWING)
        .order_by("due_date")
        .first()
    )
    if wo is None:
        return
    line = wo.line or SewingLine.objects.filter(factory=factory).first()
    if not LineBalance.objects.filter(factory=factory, work_order=wo).exists():
        with contextlib.suppress(DomainError):
            services.line_balance_create(work_order=wo, line=line)
    if Inspection.objects.filter(factory=factory, bundle__work_order=wo).exists():
        return
    records = list(
        OperationRecord.objects.filter(factory=factory, work_order=wo, is_rework=False)
        .select_related("bundle", "operation")
        .order_by("pk")[:6]
    )
    for n, record in enumerate(records):
        defects = []
        if n % 2:
            defects = [
                {
                    "code": f"D0{1 + n % 7}",
                    "count": 1 + n % 2,
                    "operation": record.operation_id,
                    "rework_pieces": 1,
                }
            ]
        try:
            services.inspection_record(
                factory=factory,
                kind=Inspection.Kind.END_OF_LINE if n % 3 else Inspection.Kind.INLINE,
                bundle=record.bundle,
                operation=record.operation if not n % 3 else None,
                worker=record.worker if not n % 3 else None,
                checked_pieces=min(10, record.bundle.quantity),
                result=Inspection.Result.REWORK if defects else Inspection.Result.PASS,
                defects=defects,
            )
        except DomainError:
            continue
    if wo.quantity >= 2:
        services.final_audit_record(
            work_order=wo, lot_size=wo.quantity, major_found=1, minor_found=2, notes="演示"
        )
