"""Writes of the production plan: re-planning a factory, moving a work order, line balances."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from celery import shared_task
from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_updates_record
from core.errors import DomainError, NotAllowed
from core.realtime import notify
from factories.calendar import line_capacity
from factories.clock import factory_today
from factories.models import Factory, SewingLine, Worker, WorkerSkill
from production import scheduling
from production.balancing import Operation, Operator, balance
from production.models import (
    LineBalance,
    OperationRecord,
    ScheduleEntry,
    WorkOrder,
    WorkOrderOperation,
)
from production.selectors.plan import booked_minutes_by_line_day

PLANNED_STATUSES = (WorkOrder.Status.PLANNED, WorkOrder.Status.CUTTING, WorkOrder.Status.SEWING)
MIN_HORIZON_DAYS = 60
MAX_HORIZON_DAYS = 730


def remaining_loads(factory: Factory, work_orders) -> dict[int, float]:
    """SAM minutes still to sew per work order: Σ SAM × cut pieces less the pieces recorded."""
    ids = [wo.pk for wo in work_orders]
    sam_per_garment = dict(
        WorkOrderOperation.objects.filter(factory=factory, work_order_id__in=ids)
        .values("work_order_id")
        .annotate(total=Sum("sam"))
        .values_list("work_order_id", "total")
    )
    done = dict(
        OperationRecord.objects.filter(
            factory=factory, work_order_id__in=ids, is_rework=False, voided_at__isnull=True
        )
        .values("work_order_id")
        .annotate(
            minutes=Sum(
                ExpressionWrapper(
                    (F("good_pieces") + F("defective_pieces")) * F("operation__sam"),
                    output_field=DecimalField(max_digits=16, decimal_places=3),
                )
            )
        )
        .values_list("work_order_id", "minutes")
    )
    loads = {}
    for wo in work_orders:
        per_garment = sam_per_garment.get(wo.pk) or wo.sam_per_garment or Decimal("0")
        total = float(per_garment) * wo.cut_quantity
        loads[wo.pk] = max(0.0, total - float(done.get(wo.pk) or 0))
    return loads


def _line_styles(factory: Factory, lines) -> dict[int, str]:
    """The style each line is sewing now (a next order of another style pays a changeover)."""
    current = (
        WorkOrder.objects.filter(factory=factory, status=WorkOrder.Status.SEWING, line__in=lines)
        .order_by("line_id", "-pk")
        .values_list("line_id", "version__style_id")
    )
    return {line_id: str(style_id) for line_id, style_id in current}


def _planning_inputs(factory: Factory, pin_override: tuple[int, int, date | None] | None = None):
    """Everything a re-plan reads: the active lines, the open work orders, the planners' pins
    (with `pin_override` = (work order id, line id, start) standing in for one of them, for a
    trial) and the jobs and options the planner takes."""
    lines = list(SewingLine.objects.filter(factory=factory, is_active=True))
    work_orders = list(
        WorkOrder.objects.filter(factory=factory, status__in=PLANNED_STATUSES).select_related(
            "version"
        )
    )
    pins = {
        entry.work_order_id: (entry.pinned_line_id, entry.pinned_start)
        for entry in ScheduleEntry.objects.filter(factory=factory).only(
            "work_order_id", "pinned_line_id", "pinned_start"
        )
    }
    if pin_override is not None:
        pins[pin_override[0]] = pin_override[1:]
    loads = remaining_loads(factory, work_orders)
    jobs = [
        scheduling.Job(
            key=wo.pk,
            load=loads[wo.pk],
            due=wo.due_date,
            priority=wo.priority,
            style=str(wo.version.style_id),
            pinned_line=pins.get(wo.pk, (None, None))[0],
            not_before=pins.get(wo.pk, (None, None))[1],
        )
        for wo in work_orders
    ]
    return lines, work_orders, pins, jobs, {"line_styles": _line_styles(factory, lines)}


@transaction.atomic
def schedule_replan(
    *, factory: Factory, today: date | None = None, changeover_minutes: int | None = None
) -> scheduling.Plan:
    """Plan every open work order of the factory onto its active lines, from today."""
    today = today or factory_today(factory)
    lines, work_orders, pins, jobs, options = _planning_inputs(factory)
    if changeover_minutes is not None:
        options["changeover_minutes"] = changeover_minutes
    plan = _plan_within_horizon(factory, lines, jobs, today, options)
    _store(factory, work_orders, plan, pins)
    notify(
        factory.pk,
        "schedule_replanned",
        {"work_orders": len(work_orders), "late": len(plan.late), "unplaced": len(plan.unplaced)},
    )
    return plan


def _plan_within_horizon(factory, lines, jobs, today, options) -> scheduling.Plan:
    if not lines:
        return scheduling.Plan(bookings={}, unplaced=[job.key for job in jobs], sequence=[])
    total_load = sum(job.load for job in jobs)
    capacity = line_capacity(
        factory=factory, start=today, end=today + timedelta(days=13), lines=lines
    )
    per_day = max(1, sum(sum(days.values()) for days in capacity.values()) / 14)
    latest_pin = max((job.not_before for job in jobs if job.not_before), default=today)
    horizon = max(
        MIN_HORIZON_DAYS, int(total_load / per_day * 1.5) + 30, (latest_pin - today).days + 30
    )
    while True:
        horizon = min(horizon, MAX_HORIZON_DAYS)
        capacity = line_capacity(
            factory=factory, start=today, end=today + timedelta(days=horizon), lines=lines
        )
        plan = scheduling.plan(jobs, capacity, **options)
        if not plan.unplaced or horizon >= MAX_HORIZON_DAYS:
            return plan
        horizon *= 2


def _store(factory, work_orders, plan: scheduling.Plan, pins) -> None:
    position = {key: n for n, key in enumerate(plan.sequence)}
    entries = []
    line_of = {}
    for wo in work_orders:
        booking = plan.bookings.get(wo.pk)
        pinned_line_id, pinned_start = pins.get(wo.pk, (None, None))
        entry = ScheduleEntry(
            factory=factory,
            work_order=wo,
            sequence=position.get(wo.pk, 0),
            pinned_line_id=pinned_line_id,
            pinned_start=pinned_start,
            planned_at=timezone.now(),
        )
        if booking is None:
            entry.is_unplaced = True
            entry.load_minutes = 0
        else:
            entry.line_id = booking.line
            entry.start_date = booking.start
            entry.finish_date = booking.finish
            entry.load_minutes = int(round(sum(booking.days.values())))
            entry.changeover_minutes = booking.changeover_minutes
            entry.late_days = booking.late_days
            entry.daily_minutes = {day.isoformat(): n for day, n in sorted(booking.days.items())}
            line_of[wo.pk] = booking.line
        entries.append(entry)
    ScheduleEntry.objects.filter(factory=factory).exclude(
        work_order_id__in=[wo.pk for wo in work_orders]
    ).delete()
    ScheduleEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["factory", "work_order"],
        update_fields=[
            "line",
            "sequence",
            "start_date",
            "finish_date",
            "load_minutes",
            "changeover_minutes",
            "late_days",
            "daily_minutes",
            "is_unplaced",
            "planned_at",
        ],
        batch_size=500,
    )
    changed = [wo for wo in work_orders if wo.pk in line_of and wo.line_id != line_of[wo.pk]]
    for wo in changed:
        wo.line_id = line_of[wo.pk]
    WorkOrder.objects.bulk_update(changed, ["line"], batch_size=500)


def _refuse_unless_planned(entry: ScheduleEntry) -> None:
    """A plan entry whose work order was cancelled or finished since the last re-plan is gone
    at the next one: moving or unpinning it is refused, nothing written."""
    status = (
        WorkOrder.objects.filter(pk=entry.work_order_id).values_list("status", flat=True).first()
    )
    if status not in PLANNED_STATUSES:
        raise NotAllowed(
            _("This work order is no longer planned (cancelled or finished)."),
            errors={"work_order": [_("No longer planned.")]},
        )


@dataclass(frozen=True)
class Overload:
    """A work order a move would make later than the current pins plan it (or leave unplaced):
    its line has not the capacity for the load before the due date."""

    work_order_id: int
    number: str
    late_days_before: int | None  # None: it did not fit the horizon
    late_days_after: int | None

    def describe(self) -> str:
        if self.late_days_after is None:
            return _("%(number)s would no longer fit the plan") % {"number": self.number}
        return _("%(number)s would finish %(after)d days after its due date (now %(before)d)") % {
            "number": self.number,
            "after": self.late_days_after,
            "before": self.late_days_before or 0,
        }


def schedule_move_check(
    *, entry: ScheduleEntry, line_id: int, start: date | None
) -> list[Overload]:
    """What a move would overload: re-plan with and without it (the same planner, the lines'
    capacity from the factory calendar, shifts and line-day plans against the work's remaining
    SAM load) and list the work orders that would end later than their due date by more days
    than now, or not fit at all. Writes nothing."""
    factory = entry.factory
    today = factory_today(factory)
    lines, work_orders, _pins, jobs, options = _planning_inputs(factory)
    before = _plan_within_horizon(factory, lines, jobs, today, dict(options))
    lines, work_orders, _pins, jobs, options = _planning_inputs(
        factory, pin_override=(entry.work_order_id, line_id, start)
    )
    after = _plan_within_horizon(factory, lines, jobs, today, dict(options))

    def late(plan, key):
        booking = plan.bookings.get(key)
        return None if booking is None else booking.late_days

    overloads = []
    for wo in sorted(work_orders, key=lambda w: w.number):
        was, will = late(before, wo.pk), late(after, wo.pk)
        worse = (will is None and was is not None) or (
            will is not None and was is not None and will > was
        )
        if worse:
            overloads.append(Overload(wo.pk, wo.number, was, will))
    return overloads


@transaction.atomic
def schedule_move(
    *,
    entry: ScheduleEntry,
    line: SewingLine | int,
    start: date | None,
    by=None,
    confirm: bool = False,
) -> ScheduleEntry:
    """Pin a work order to a line (and a not-before date, which also puts it before the work
    due after that date) and re-plan what follows.

    A move the line has no capacity for — one that makes any work order later past its due
    date, or leaves one unplaced — is refused (code "overload", nothing written) unless
    `confirm`; a confirmed overload is saved with the overloads in the audit entry's note."""
    factory = entry.factory
    _refuse_unless_planned(entry)
    line_id = line.pk if isinstance(line, SewingLine) else line
    target = SewingLine.objects.filter(factory=factory, pk=line_id, is_active=True).first()
    if target is None:
        raise DomainError(
            _("Choose an active line of this factory."), errors={"line": [_("Unknown line.")]}
        )
    if start is not None and start < factory_today(factory):
        raise DomainError(
            _("A work order cannot be moved into the past."),
            errors={"start": [_("Pick today or a later date.")]},
        )
    # Serialise moves and placements of one factory: each checks the capacity the other books.
    Factory.objects.select_for_update(no_key=True).filter(pk=factory.pk).first()
    overloads = schedule_move_check(entry=entry, line_id=target.pk, start=start)
    details = [item.describe() for item in overloads]
    if overloads and not confirm:
        raise DomainError(
            _("%(line)s has not the capacity to take this move in time: %(details)s.")
            % {"line": target.name, "details": "; ".join(details)},
            code="overload",
            errors={"line": details},
            status_code=409,
        )
    before = ScheduleEntry.objects.get(pk=entry.pk)
    ScheduleEntry.objects.filter(pk=entry.pk).update(pinned_line=target, pinned_start=start)
    after = ScheduleEntry.objects.get(pk=entry.pk)
    note = ""
    if overloads:
        note = str(_("Moved although it overloads: %(details)s")) % {"details": "; ".join(details)}
    audit_updates_record(
        changed=[(before, after)], fields=["pinned_line", "pinned_start"], by=by, note=note
    )
    schedule_replan(factory=factory)
    return ScheduleEntry.objects.select_related("work_order", "line").get(pk=entry.pk)


@transaction.atomic
def schedule_unpin(*, entry: ScheduleEntry, by=None) -> ScheduleEntry:
    """Let the planner choose the line and date again."""
    _refuse_unless_planned(entry)
    before = ScheduleEntry.objects.get(pk=entry.pk)
    ScheduleEntry.objects.filter(pk=entry.pk).update(pinned_line=None, pinned_start=None)
    after = ScheduleEntry.objects.get(pk=entry.pk)
    audit_updates_record(changed=[(before, after)], fields=["pinned_line", "pinned_start"], by=by)
    schedule_replan(factory=entry.factory)
    return ScheduleEntry.objects.get(pk=entry.pk)


# --- placing new work orders ----------------------------------------------------------------
PLACE_HORIZON_DAYS = 120


@transaction.atomic
def schedule_place(*, factory: Factory, work_orders: Sequence[WorkOrder]) -> list[ScheduleEntry]:
    """Put work orders the plan does not know yet (just converted) onto the line where they
    finish earliest, in the capacity the current plan leaves free, without moving anything
    already planned. The same planner as a re-plan; a later re-plan may re-sequence them."""
    # Two conversions placing at once would book the same free minutes: one after the other.
    Factory.objects.select_for_update(no_key=True).filter(pk=factory.pk).first()
    known = set(
        ScheduleEntry.objects.filter(
            factory=factory, work_order_id__in=[wo.pk for wo in work_orders]
        ).values_list("work_order_id", flat=True)
    )
    new = list(
        WorkOrder.objects.filter(
            factory=factory,
            pk__in=[wo.pk for wo in work_orders if wo.pk not in known],
            status__in=PLANNED_STATUSES,
        ).select_related("version")
    )
    if not new:
        return []
    lines = list(SewingLine.objects.filter(factory=factory, is_active=True))
    today = factory_today(factory)
    loads = remaining_loads(factory, new)
    jobs = [
        scheduling.Job(
            key=wo.pk,
            load=loads[wo.pk],
            due=wo.due_date,
            priority=wo.priority,
            style=str(wo.version.style_id),
        )
        for wo in new
    ]
    booked = booked_minutes_by_line_day(factory)
    last_style = {
        line_id: str(style_id)
        for line_id, style_id in ScheduleEntry.objects.filter(factory=factory, line__in=lines)
        .order_by("line_id", "finish_date", "sequence")
        .values_list("line_id", "work_order__version__style_id")
    }
    horizon = PLACE_HORIZON_DAYS
    while True:
        capacity = line_capacity(
            factory=factory, start=today, end=today + timedelta(days=horizon), lines=lines
        )
        free = {
            line: {day: max(0, n - booked.get(line, {}).get(day, 0)) for day, n in days.items()}
            for line, days in capacity.items()
        }
        plan = scheduling.plan(jobs, free, line_styles=last_style)
        if not plan.unplaced or horizon >= MAX_HORIZON_DAYS or not lines:
            break
        horizon = min(horizon * 2, MAX_HORIZON_DAYS)
    next_sequence = (
        ScheduleEntry.objects.filter(factory=factory).aggregate(n=Max("sequence"))["n"] or 0
    ) + 1
    position = {key: next_sequence + n for n, key in enumerate(plan.sequence)}
    created = []
    for wo in new:
        booking = plan.bookings.get(wo.pk)
        entry = ScheduleEntry(factory=factory, work_order=wo, sequence=position.get(wo.pk, 0))
        if booking is None:
            entry.is_unplaced = True
        else:
            entry.line_id = booking.line
            entry.start_date = booking.start
            entry.finish_date = booking.finish
            entry.load_minutes = int(round(sum(booking.days.values())))
            entry.changeover_minutes = booking.changeover_minutes
            entry.late_days = booking.late_days
            entry.daily_minutes = {day.isoformat(): n for day, n in sorted(booking.days.items())}
            WorkOrder.objects.filter(pk=wo.pk).update(line_id=booking.line)
        entry.save()  # one by one, so that the audit log records each placement
        created.append(entry)
    notify(
        factory.pk,
        "schedule_placed",
        {"work_orders": [entry.work_order_id for entry in created if entry.line_id]},
    )
    return created


@shared_task(acks_late=True, ignore_result=True, max_retries=3)
def work_orders_place(factory_id: int, work_order_ids: list[int]) -> int:
    """Place just-converted work orders on the plan (queued after the conversion commits)."""
    factory = Factory.objects.filter(pk=factory_id).first()
    if factory is None:
        return 0
    work_orders = list(WorkOrder.objects.filter(factory=factory, pk__in=work_order_ids))
    return len(schedule_place(factory=factory, work_orders=work_orders))


# --- line balancing --------------------------------------------------------------------------
def balance_inputs(
    work_order: WorkOrder, line: SewingLine, *, pace: dict[int, float] | None = None
):
    """The balancer's operations and operators: the work order's routing and the line's active
    workers with their skills (efficiency scaled by `pace[worker]` when re-balancing)."""
    operations = [
        Operation(
            key=op.pk, sam=float(op.sam), code=op.code, name=op.name, machine_type=op.machine_type
        )
        for op in WorkOrderOperation.objects.filter(
            factory_id=work_order.factory_id, work_order=work_order
        ).order_by("sequence")
    ]
    workers = list(Worker.objects.filter(factory_id=line.factory_id, line=line, is_active=True))
    skills: dict[int, dict[str, float]] = {w.pk: {} for w in workers}
    for skill in WorkerSkill.objects.filter(factory_id=line.factory_id, worker__in=workers):
        factor = (pace or {}).get(skill.worker_id, 1.0)
        for name in (skill.operation, skill.machine_type):
            if name:
                skills[skill.worker_id][name] = float(skill.efficiency) * factor
    operators = [Operator(key=w.pk, skills=skills[w.pk]) for w in workers]
    return operations, operators


@transaction.atomic
def line_balance_create(
    *, work_order: WorkOrder, line: SewingLine, pace: dict[int, float] | None = None, by=None
):
    """Balance the work order on the line and keep it as the current balance."""
    if line.factory_id != work_order.factory_id:
        raise DomainError(
            _("Choose a line of this factory."), errors={"line": [_("Unknown line.")]}
        )
    operations, operators = balance_inputs(work_order, line, pace=pace)
    if not operations or not operators:
        raise DomainError(
            _("A balance needs the work order's operations and the line's workers."),
            code="nothing_to_balance",
        )
    result = balance(operations, operators)
    LineBalance.objects.filter(factory_id=work_order.factory_id, work_order=work_order).update(
        is_current=False
    )
    created = LineBalance.objects.create(
        factory_id=work_order.factory_id,
        work_order=work_order,
        line=line,
        cycle_time=Decimal(str(round(result.cycle_time, 3))),
        efficiency=Decimal(str(round(result.efficiency, 3))),
        output_per_hour=Decimal(str(round(result.output_per_hour, 1))),
        bottleneck_id=result.bottleneck,
        assignments=[
            {
                "operation": a.operation,
                "worker": a.operator,
                "share": round(a.share, 4),
                "minutes": round(a.minutes, 4),
            }
            for a in result.assignments
        ],
        loads={str(k): round(v, 4) for k, v in result.loads.items()},
        is_current=True,
    )
    notify(work_order.factory_id, "line_balanced", {"work_order": work_order.pk, "line": line.pk})
    return created


# --- measured efficiency ---------------------------------------------------------------------
MAX_GAP_MINUTES = 60  # a longer pause between two records is a break, not work
MIN_MEASURED_MINUTES = 60


def worker_skills_measure(*, factory: Factory, days: int = 7) -> int:
    """Measure each worker's efficiency per machine type from their operation records.

    The time a record took is the gap since the same worker's previous record that day (capped
    at an hour: longer is a break); efficiency = earned SAM minutes ÷ those minutes. A machine
    type with at least an hour measured updates (or creates) the worker's skill for it.
    Returns the number of skills written."""
    today = factory_today(factory)
    rows = (
        OperationRecord.objects.filter(
            factory=factory,
            voided_at__isnull=True,
            is_rework=False,
            work_date__gte=today - timedelta(days=days),
        )
        .order_by("worker_id", "recorded_at")
        .values_list(
            "worker_id",
            "work_date",
            "recorded_at",
            "good_pieces",
            "defective_pieces",
            "operation__sam",
            "operation__machine_type",
        )
    )
    earned: dict[tuple[int, str], float] = {}
    spent: dict[tuple[int, str], float] = {}
    previous = None
    for worker, day, at, good, defective, sam, machine in rows.iterator(chunk_size=5000):
        if previous is not None and previous[:2] == (worker, day):
            gap = (at - previous[2]).total_seconds() / 60
            if 0 < gap <= MAX_GAP_MINUTES and machine:
                key = (worker, machine)
                earned[key] = earned.get(key, 0.0) + (good + defective) * float(sam)
                spent[key] = spent.get(key, 0.0) + gap
        previous = (worker, day, at)
    now = timezone.now()
    written = 0
    for (worker, machine), minutes in spent.items():
        if minutes < MIN_MEASURED_MINUTES:
            continue
        efficiency = Decimal(
            str(round(min(2.0, max(0.05, earned[(worker, machine)] / minutes)), 2))
        )
        WorkerSkill.objects.update_or_create(
            factory=factory,
            worker_id=worker,
            operation="",
            machine_type=machine,
            defaults={"efficiency": efficiency, "measured_at": now},
        )
        written += 1
    return written
