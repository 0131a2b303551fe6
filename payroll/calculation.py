"""The wage calculation: operation records → wage lines → wage days → payslips.

The operation records are read once, aggregated by the database (`GROUP BY operator, day,
operation`); everything after that works on those few aggregated rows (a few per operator and
day), in exact Decimal arithmetic, so the numbers are the same on SQLite and PostgreSQL and the
same on every re-run. Nothing here writes: `payroll.services.pay_period_calculate` stores the
result; the operator's self-service page shows an unstored result for today.

Rules (each has a hand-computed test in tests/payroll/test_calculation.py):
  piece pay        good pieces × frozen piece rate × grade multiplier × difficulty multiplier
  rework deduction own defective pieces × piece rate × policy.rework_deduction_ratio
  time pay         minutes of non-piece work × the kind's hourly rate ÷ 60
  efficiency bonus (earned minutes − threshold × piece-work minutes) × bonus per minute,
                   when earned ÷ piece-work minutes exceeds the threshold
  overtime premium day's pay × overtime share of attended minutes × (factor − 1); the factor is
                   the workday's, rest day's or public holiday's as the factory's calendar
                   (factories.calendar) says of the day
  minimum top-up   minimum monthly wage × normal minutes ÷ normal minutes a month (capped at a
                   month, or half for half-monthly periods) − pay without overtime premiums
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from core.errors import DomainError
from factories.calendar import DayKind as CalendarKind
from factories.calendar import calendar_days
from factories.models import Worker
from payroll.models import (
    AttendanceDay,
    PayPolicy,
    PeriodKind,
    RateAdjustment,
    TimeEntry,
    TimeRate,
    WageDay,
)
from production.models import OperationRecord, WorkOrderOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal("1")


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(slots=True)
class Line:
    worker_id: int
    day: date
    operation_id: int
    operation_code: str
    operation_name: str
    records: int
    good_pieces: int
    defective_pieces: int
    piece_rate: Decimal
    multiplier: Decimal
    earned_minutes: Decimal
    amount: Decimal
    deduction: Decimal


@dataclass(slots=True)
class Day:
    worker_id: int
    day: date
    day_kind: str
    good_pieces: int = 0
    defective_pieces: int = 0
    earned_minutes: Decimal = ZERO
    attended_minutes: int = 0
    time_minutes: int = 0
    overtime_minutes: int = 0
    efficiency: Decimal = ZERO
    piece_pay: Decimal = ZERO
    rework_deduction: Decimal = ZERO
    time_pay: Decimal = ZERO
    bonus: Decimal = ZERO
    overtime_premium: Decimal = ZERO
    total: Decimal = ZERO


@dataclass(slots=True)
class Slip:
    worker_id: int
    days_worked: int = 0
    good_pieces: int = 0
    earned_minutes: Decimal = ZERO
    attended_minutes: int = 0
    normal_minutes: int = 0
    piece_pay: Decimal = ZERO
    rework_deduction: Decimal = ZERO
    time_pay: Decimal = ZERO
    bonus: Decimal = ZERO
    overtime_premium: Decimal = ZERO
    adjustments: Decimal = ZERO
    minimum_top_up: Decimal = ZERO
    gross: Decimal = ZERO


@dataclass
class WageResult:
    lines: list[Line] = field(default_factory=list)
    days: list[Day] = field(default_factory=list)
    slips: dict[int, Slip] = field(default_factory=dict)
    records: int = 0

    @property
    def gross_total(self) -> Decimal:
        return sum((slip.gross for slip in self.slips.values()), ZERO)


def policy_for(factory) -> PayPolicy:
    """The factory's pay policy (its defaults when the factory never set one)."""
    policy = PayPolicy.objects.filter(factory=factory).first()
    return policy or PayPolicy(factory=factory)


def period_records(factory, starts_on: date, ends_on: date):
    """The live (not voided) operation records of a factory's days [starts_on, ends_on].

    `work_date` is the record's day in the factory's time zone, kept by production/.
    """
    return OperationRecord.objects.filter(
        factory=factory, work_date__gte=starts_on, work_date__lte=ends_on, voided_at__isnull=True
    )


def aggregate_records(factory, starts_on: date, ends_on: date, worker_ids=None):
    """One pass over the records: (operator, day, operation) → count, good, defective.

    Grouped in the order of production's `oprec_pay_period` index (factory, day, operator,
    operation; it includes the pieces and holds only live records), so PostgreSQL reads the
    index alone, in group order, and sums as it goes: no hash, no sort, no table row.
    """
    records = period_records(factory, starts_on, ends_on)
    if worker_ids is not None:
        records = records.filter(worker_id__in=worker_ids)
    return [
        (worker_id, day, operation_id, count, good, defective)
        for day, worker_id, operation_id, count, good, defective in records.order_by()
        .values_list("work_date", "worker_id", "operation_id")
        .annotate(count=Count("*"), good=Sum("good_pieces"), defective=Sum("defective_pieces"))
    ]


def tune_for_period_aggregate() -> None:
    """Settings for the period's one big aggregate, local to the running transaction: no JIT
    (it costs more than it saves here), memory to group in, and parallel workers priced fairly
    (each returns its partial groups; the default tuple cost makes the planner give them up)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL parallel_tuple_cost = 0.001")


def work_order_records(factory, work_order_ids):
    """The live records of some work orders, aggregated as `aggregate_records` does (any day)."""
    return list(
        OperationRecord.objects.filter(
            factory=factory, work_order_id__in=list(work_order_ids), voided_at__isnull=True
        )
        .order_by()
        .values_list("worker_id", "work_date", "operation_id")
        .annotate(count=Count("*"), good=Sum("good_pieces"), defective=Sum("defective_pieces"))
    )


# The factory calendar's kind of day decides the wage day's kind, and so its overtime factor.
WAGE_DAY_KIND = {
    CalendarKind.WORKDAY: WageDay.DayKind.WORKDAY,
    CalendarKind.REST: WageDay.DayKind.REST_DAY,
    CalendarKind.HOLIDAY: WageDay.DayKind.HOLIDAY,
}


def day_kinds(factory, starts_on: date, ends_on: date) -> dict[date, str]:
    """The wage kind of every day [starts_on, ends_on] from the factory's calendar (its own
    days, China's statutory holidays and 调休, its working week), read in one query: a statutory
    holiday pays the holiday factor (also where the factory works it: the law's premium does not
    depend on the factory's plan), a rest day (a day off in lieu too) the rest-day factor, and
    an adjusted working weekend is an ordinary workday."""
    return {
        day: WageDay.DayKind.HOLIDAY if entry.statutory_holiday else WAGE_DAY_KIND[entry.kind]
        for day, entry in calendar_days(factory, starts_on, ends_on).items()
    }


def overtime_factor(policy: PayPolicy, kind: str) -> Decimal:
    return {
        WageDay.DayKind.WORKDAY: policy.overtime_workday,
        WageDay.DayKind.REST_DAY: policy.overtime_rest_day,
        WageDay.DayKind.HOLIDAY: policy.overtime_holiday,
    }[kind]


def calculate(
    factory,
    starts_on: date,
    ends_on: date,
    *,
    period_kind: str = PeriodKind.MONTHLY,
    worker_ids=None,
    adjustments: dict[int, Decimal] | None = None,
) -> WageResult:
    """Compute every operator's lines, days and payslip for the days [starts_on, ends_on]."""
    policy = policy_for(factory)
    result = WageResult()
    aggregated = aggregate_records(factory, starts_on, ends_on, worker_ids)
    result.records = sum(row[3] for row in aggregated)
    orphans = sum(row[3] for row in aggregated if row[0] is None)
    if orphans:
        raise DomainError(
            _("%(count)d operation records of this period have no operator; assign or void them.")
            % {"count": orphans},
            code="records_without_operator",
        )

    scope = {"factory": factory, "day__gte": starts_on, "day__lte": ends_on}
    if worker_ids is not None:
        scope["worker_id__in"] = worker_ids
    attended = {
        (w, d): m
        for w, d, m in AttendanceDay.objects.filter(**scope).values_list(
            "worker_id", "day", "minutes"
        )
    }
    time_rates = dict(TimeRate.objects.filter(factory=factory).values_list("kind", "hourly_rate"))
    time_work = (
        TimeEntry.objects.filter(**scope)
        .order_by()
        .values_list("worker_id", "day", "kind")
        .annotate(minutes=Sum("minutes"))
    )
    adjustments = adjustments or {}

    days: dict[tuple[int, date], Day] = {}
    kinds = day_kinds(factory, starts_on, ends_on)

    def day_of(worker_id: int, day: date) -> Day:
        entry = days.get((worker_id, day))
        if entry is None:
            entry = days[(worker_id, day)] = Day(worker_id=worker_id, day=day, day_kind=kinds[day])
        return entry

    for line in piece_lines(factory, aggregated, policy):
        result.lines.append(line)
        entry = day_of(line.worker_id, line.day)
        entry.good_pieces += line.good_pieces
        entry.defective_pieces += line.defective_pieces
        entry.earned_minutes += line.earned_minutes
        entry.piece_pay += line.amount
        entry.rework_deduction += line.deduction

    for worker_id, day, kind, minutes in time_work:
        entry = day_of(worker_id, day)
        entry.time_minutes += minutes
        entry.time_pay += q2(Decimal(minutes) * time_rates.get(kind, ZERO) / 60)
    for (worker_id, day), minutes in attended.items():
        day_of(worker_id, day).attended_minutes = minutes

    for entry in days.values():
        _finish_day(entry, policy)

    result.days = sorted(days.values(), key=lambda d: (d.worker_id, d.day))
    result.lines.sort(key=lambda x: (x.worker_id, x.day, x.operation_code, x.operation_id))
    for entry in result.days:
        slip = result.slips.setdefault(entry.worker_id, Slip(worker_id=entry.worker_id))
        slip.days_worked += 1 if (entry.attended_minutes or entry.good_pieces) else 0
        slip.good_pieces += entry.good_pieces
        slip.earned_minutes += entry.earned_minutes
        slip.attended_minutes += entry.attended_minutes
        if entry.day_kind == WageDay.DayKind.WORKDAY:
            slip.normal_minutes += entry.attended_minutes - entry.overtime_minutes
        slip.piece_pay += entry.piece_pay
        slip.rework_deduction += entry.rework_deduction
        slip.time_pay += entry.time_pay
        slip.bonus += entry.bonus
        slip.overtime_premium += entry.overtime_premium
    for worker_id, amount in adjustments.items():
        result.slips.setdefault(worker_id, Slip(worker_id=worker_id)).adjustments += amount
    for slip in result.slips.values():
        _finish_slip(slip, policy, period_kind)
    return result


def piece_lines(factory, aggregated, policy: PayPolicy) -> list[Line]:
    """The piece-pay lines of aggregated records, (operator, day, operation, records, good,
    defective) rows as `aggregate_records` makes them: good pieces × frozen piece rate × grade
    and difficulty multipliers, less the rework deduction. The one piece-wage formula: payslips
    and a work order's actual cost (payroll.costing) both come from here."""
    operation_ids = {row[2] for row in aggregated}
    operations = {
        op_id: (code, name, sam, rate)
        for op_id, code, name, sam, rate in WorkOrderOperation.objects.filter(
            factory=factory, pk__in=operation_ids
        ).values_list("pk", "code", "name", "sam", "piece_rate")
    }
    grade_multiplier, difficulty_multiplier = {}, {}
    for kind, grade, code, multiplier in RateAdjustment.objects.filter(factory=factory).values_list(
        "kind", "grade", "operation_code", "multiplier"
    ):
        if kind == RateAdjustment.Kind.GRADE:
            grade_multiplier[grade] = multiplier
        else:
            difficulty_multiplier[code] = multiplier
    worker_ids = {row[0] for row in aggregated}
    grades = dict(Worker.objects.filter(pk__in=worker_ids).values_list("pk", "grade"))

    deduction_ratio = policy.rework_deduction_ratio
    # Per (operation, grade) once: its names, rates and multiplier. Decimal products are exact
    # here, so good × (rate × multiplier) is the same number as good × rate × multiplier.
    units: dict[tuple, tuple] = {}
    lines = []
    append = lines.append
    for worker_id, day, operation_id, count, good, defective in aggregated:
        grade = grades.get(worker_id)
        unit = units.get((operation_id, grade))
        if unit is None:
            code, name, sam, rate = operations[operation_id]
            multiplier = grade_multiplier.get(grade, ONE) * difficulty_multiplier.get(code, ONE)
            unit = units[(operation_id, grade)] = (
                code, name, sam, rate, multiplier, rate * multiplier, rate * deduction_ratio
            )  # fmt: skip
        code, name, sam, rate, multiplier, pay_rate, deduction_rate = unit
        good, defective = int(good or 0), int(defective or 0)
        append(
            Line(
                worker_id=worker_id,
                day=day,
                operation_id=operation_id,
                operation_code=code,
                operation_name=name,
                records=count,
                good_pieces=good,
                defective_pieces=defective,
                piece_rate=rate,
                multiplier=multiplier,
                earned_minutes=q2(good * sam),
                amount=q2(good * pay_rate),
                deduction=q2(defective * deduction_rate) if defective else ZERO,
            )
        )
    return lines


def _finish_day(entry: Day, policy: PayPolicy) -> None:
    piece_minutes = max(0, entry.attended_minutes - entry.time_minutes)
    if piece_minutes and entry.earned_minutes:
        entry.efficiency = (entry.earned_minutes / piece_minutes).quantize(Decimal("0.001"))
        threshold_minutes = policy.bonus_threshold * piece_minutes
        if entry.earned_minutes > threshold_minutes:
            entry.bonus = q2((entry.earned_minutes - threshold_minutes) * policy.bonus_per_minute)
    if entry.day_kind == WageDay.DayKind.WORKDAY:
        entry.overtime_minutes = max(0, entry.attended_minutes - policy.standard_day_minutes)
    else:
        entry.overtime_minutes = entry.attended_minutes
    base = entry.piece_pay - entry.rework_deduction + entry.time_pay
    if entry.overtime_minutes and base > 0:
        factor = overtime_factor(policy, entry.day_kind) - ONE
        entry.overtime_premium = q2(base * entry.overtime_minutes / entry.attended_minutes * factor)
    entry.total = base + entry.bonus + entry.overtime_premium


def _finish_slip(slip: Slip, policy: PayPolicy, period_kind: str) -> None:
    pay_for_normal_hours = slip.piece_pay - slip.rework_deduction + slip.time_pay + slip.bonus
    cap = ONE if period_kind == PeriodKind.MONTHLY else Decimal("0.5")
    share = min(cap, Decimal(slip.normal_minutes) / policy.standard_month_minutes)
    required = q2(policy.minimum_monthly_wage * share)
    slip.minimum_top_up = max(ZERO, required - pay_for_normal_hours)
    slip.gross = (
        pay_for_normal_hours + slip.overtime_premium + slip.minimum_top_up + slip.adjustments
    )
