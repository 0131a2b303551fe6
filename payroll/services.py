"""Writes of payroll/: rates, attendance, time work, pay periods, adjustments and disputes.

Every function is one transaction: a refused request writes nothing. An approved (or paid)
period is locked: its results are never recalculated, and attendance and time work on its days
cannot change; a correction is a `PayAdjustment` in a later open period, with a reason and who.
"""

from calendar import monthrange
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError, NotAllowed
from core.realtime import notify
from factories.models import Factory, Worker
from payroll import calculation
from payroll.models import (
    AttendanceDay,
    AttendanceEvent,
    Dispute,
    EntrySource,
    PayAdjustment,
    PayPeriod,
    PayPolicy,
    Payslip,
    PeriodKind,
    RateAdjustment,
    TimeEntry,
    TimeKind,
    TimeRate,
    WageDay,
    WageLine,
)
from production.models import WorkOrderOperation

POLICY_FIELDS = {
    "period_kind",
    "minimum_monthly_wage",
    "standard_day_minutes",
    "standard_month_minutes",
    "rework_deduction_ratio",
    "bonus_threshold",
    "bonus_per_minute",
    "overtime_workday",
    "overtime_rest_day",
    "overtime_holiday",
    "rest_weekdays",
    "holidays",
}


def _invalid(field: str, message) -> DomainError:
    return DomainError(message, errors={field: [message]})


def _require_same_factory(factory: Factory, **objects) -> None:
    for name, obj in objects.items():
        if obj is not None and obj.factory_id != factory.pk:
            raise _invalid(name, _("This belongs to another factory."))


# --- policy and rates ---------------------------------------------------------------------------


@transaction.atomic
def pay_policy_update(*, factory: Factory, by, **changes) -> PayPolicy:
    """Change the factory's wage rules; every amount and factor must be sensible."""
    unknown = set(changes) - POLICY_FIELDS
    if unknown:
        raise _invalid(sorted(unknown)[0], _("Unknown setting."))
    policy, _created = PayPolicy.objects.select_for_update().get_or_create(factory=factory)
    for name, value in changes.items():
        setattr(policy, name, value)
    if policy.period_kind not in PeriodKind.values:
        raise _invalid("period_kind", _("Unknown pay period."))
    for name in ("minimum_monthly_wage", "rework_deduction_ratio", "bonus_per_minute"):
        if Decimal(getattr(policy, name)) < 0:
            raise _invalid(name, _("This cannot be negative."))
    for name in ("overtime_workday", "overtime_rest_day", "overtime_holiday"):
        if Decimal(getattr(policy, name)) < 1:
            raise _invalid(name, _("An overtime factor is at least 1."))
    if Decimal(policy.bonus_threshold) <= 0:
        raise _invalid("bonus_threshold", _("The threshold must be above zero."))
    for name in ("standard_day_minutes", "standard_month_minutes"):
        if int(getattr(policy, name)) <= 0:
            raise _invalid(name, _("This must be above zero."))
    if not all(isinstance(d, int) and 0 <= d <= 6 for d in policy.rest_weekdays or []):
        raise _invalid("rest_weekdays", _("Days of the week are 0 (Monday) to 6 (Sunday)."))
    try:
        policy.holidays = sorted({date.fromisoformat(str(d)).isoformat() for d in policy.holidays})
    except ValueError:
        raise _invalid("holidays", _("Holidays are dates like 2026-10-01."))
    policy.save()
    return policy


@transaction.atomic
def rate_adjustment_set(
    *,
    factory: Factory,
    kind: str,
    multiplier: Decimal,
    by,
    grade: int | None = None,
    operation_code: str = "",
    reason: str = "",
) -> RateAdjustment:
    """Set the piece-rate multiplier of an operator grade or of a (difficult) operation code."""
    if kind not in RateAdjustment.Kind.values:
        raise _invalid("kind", _("Unknown kind of adjustment."))
    multiplier = Decimal(multiplier)
    if multiplier <= 0:
        raise _invalid("multiplier", _("A rate multiplier must be above zero."))
    if kind == RateAdjustment.Kind.GRADE:
        if grade is None:
            raise _invalid("grade", _("Say which grade."))
        operation_code = ""
    else:
        if not operation_code:
            raise _invalid("operation_code", _("Say which operation."))
        grade = None
    adjustment, _created = RateAdjustment.objects.update_or_create(
        factory=factory,
        kind=kind,
        grade=grade,
        operation_code=operation_code,
        defaults={"multiplier": multiplier, "reason": reason, "created_by": by},
    )
    return adjustment


@transaction.atomic
def time_rate_set(*, factory: Factory, kind: str, hourly_rate: Decimal, by) -> TimeRate:
    if kind not in TimeKind.values:
        raise _invalid("kind", _("Unknown kind of time work."))
    hourly_rate = Decimal(hourly_rate)
    if hourly_rate < 0:
        raise _invalid("hourly_rate", _("A rate cannot be negative."))
    rate, _created = TimeRate.objects.update_or_create(
        factory=factory, kind=kind, defaults={"hourly_rate": hourly_rate}
    )
    return rate


# --- attendance and time work -------------------------------------------------------------------


def _refuse_locked_day(factory: Factory, day: date, field: str) -> None:
    if PayPeriod.objects.filter(
        factory=factory, starts_on__lte=day, ends_on__gte=day, status__in=PayPeriod.LOCKED
    ).exists():
        raise Conflict(
            _("This day belongs to an approved pay period; make an adjustment instead."),
            code="period_locked",
            errors={field: [_("In an approved pay period.")]},
        )


def _check_source(source: str, reason: str) -> None:
    if source not in EntrySource.values:
        raise _invalid("source", _("Unknown source."))
    if source == EntrySource.SUPERVISOR and not reason.strip():
        raise _invalid("reason", _("A supervisor's entry needs a reason."))


@transaction.atomic
def attendance_clock(
    *,
    factory: Factory,
    worker: Worker,
    at: datetime,
    direction: str,
    by,
    source: str = EntrySource.BADGE,
    reason: str = "",
) -> AttendanceEvent:
    """Record a clock-in or clock-out and refresh the worker's attended minutes for that day."""
    _require_same_factory(factory, worker=worker)
    _check_source(source, reason)
    if direction not in AttendanceEvent.Direction.values:
        raise _invalid("direction", _("Clock in or clock out."))
    if timezone.is_naive(at):
        raise _invalid("at", _("The time needs a time zone."))
    if at > timezone.now() + timedelta(minutes=5):
        raise _invalid("at", _("This time is in the future."))
    day = timezone.localtime(at, ZoneInfo(factory.time_zone)).date()
    _refuse_locked_day(factory, day, "at")
    event = AttendanceEvent.objects.create(
        factory=factory,
        worker=worker,
        at=at,
        direction=direction,
        source=source,
        reason=reason.strip(),
        entered_by=by,
    )
    attendance_day_refresh(factory=factory, worker=worker, day=day)
    return event


def attended_minutes(events) -> tuple[int, bool]:
    """Minutes between each clock-in and the next clock-out; an unmatched scan counts nothing."""
    minutes, unmatched, opened = 0, False, None
    for at, direction in events:
        if direction == AttendanceEvent.Direction.IN:
            unmatched = unmatched or opened is not None
            opened = at
        elif opened is None:
            unmatched = True
        else:
            minutes += int((at - opened).total_seconds() // 60)
            opened = None
    return minutes, unmatched or opened is not None


@transaction.atomic
def attendance_day_refresh(*, factory: Factory, worker: Worker, day: date) -> AttendanceDay:
    zone = ZoneInfo(factory.time_zone)
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    events = list(
        AttendanceEvent.objects.filter(
            factory=factory, worker=worker, at__gte=start, at__lt=start + timedelta(days=1)
        )
        .order_by("at", "pk")
        .values_list("at", "direction")
    )
    minutes, unmatched = attended_minutes(events)
    ins = [at for at, d in events if d == AttendanceEvent.Direction.IN]
    outs = [at for at, d in events if d == AttendanceEvent.Direction.OUT]
    attendance, _created = AttendanceDay.objects.update_or_create(
        factory=factory,
        worker=worker,
        day=day,
        defaults={
            "minutes": minutes,
            "unmatched": unmatched,
            "first_in": ins[0] if ins else None,
            "last_out": outs[-1] if outs else None,
        },
    )
    return attendance


@transaction.atomic
def time_entry_record(
    *,
    factory: Factory,
    worker: Worker,
    day: date,
    kind: str,
    minutes: int,
    by,
    source: str = EntrySource.SUPERVISOR,
    reason: str = "",
    source_ref: str = "",
) -> TimeEntry:
    """Minutes of training, waiting or machine-down time, paid at the kind's time rate."""
    _require_same_factory(factory, worker=worker)
    _check_source(source, reason)
    if kind not in TimeKind.values:
        raise _invalid("kind", _("Unknown kind of time work."))
    if not isinstance(minutes, int) or minutes <= 0 or minutes > 24 * 60:
        raise _invalid("minutes", _("Minutes must be between 1 and 1440."))
    _refuse_locked_day(factory, day, "day")
    if source_ref:
        existing = TimeEntry.objects.filter(factory=factory, source_ref=source_ref).first()
        if existing is not None:
            return existing
    return TimeEntry.objects.create(
        factory=factory,
        worker=worker,
        day=day,
        kind=kind,
        minutes=minutes,
        source=source,
        reason=reason.strip(),
        source_ref=source_ref,
        entered_by=by,
    )


# Stops shorter than this are part of sewing (thread breaks, bobbin changes), not down time.
MIN_MACHINE_DOWN_MINUTES = 10


@transaction.atomic
def machine_down_import(*, factory: Factory, starts_on: date, ends_on: date) -> int:
    """Machine-down time from the devices' minute rollups: for each device with an operator,
    the stopped seconds inside the operator's attended window of each day become a
    machine-down `TimeEntry` (source device). Re-importing updates the same entry; days of an
    approved period are left alone. Returns how many entries were written."""
    from devices.models import MinuteRollup

    zone = ZoneInfo(factory.time_zone)
    windows = {
        (worker_id, day): (first_in, last_out)
        for worker_id, day, first_in, last_out in AttendanceDay.objects.filter(
            factory=factory,
            day__gte=starts_on,
            day__lte=ends_on,
            first_in__isnull=False,
            last_out__isnull=False,
        ).values_list("worker_id", "day", "first_in", "last_out")
    }
    if not windows:
        return 0
    start = datetime.combine(starts_on, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(ends_on + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    stopped: dict[tuple[int, int, date], int] = {}
    for device_id, worker_id, minute, seconds in MinuteRollup.objects.filter(
        factory=factory,
        minute__gte=start,
        minute__lt=end,
        stopped_seconds__gt=0,
        device__operator__isnull=False,
    ).values_list("device_id", "device__operator_id", "minute", "stopped_seconds"):
        day = timezone.localtime(minute, zone).date()
        window = windows.get((worker_id, day))
        if window and window[0] <= minute < window[1]:
            key = (device_id, worker_id, day)
            stopped[key] = stopped.get(key, 0) + seconds
    locked = PayPeriod.objects.filter(
        factory=factory, status__in=PayPeriod.LOCKED, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).values_list("starts_on", "ends_on")
    written = 0
    for (device_id, worker_id, day), seconds in stopped.items():
        minutes = seconds // 60
        if minutes < MIN_MACHINE_DOWN_MINUTES or any(a <= day <= b for a, b in locked):
            continue
        TimeEntry.objects.update_or_create(
            factory=factory,
            source_ref=f"rollup:{device_id}:{day.isoformat()}",
            defaults={
                "worker_id": worker_id,
                "day": day,
                "kind": TimeKind.MACHINE_DOWN,
                "minutes": minutes,
                "source": EntrySource.DEVICE,
                "reason": _("Machine stopped (device data)"),
            },
        )
        written += 1
    return written


# --- pay periods --------------------------------------------------------------------------------


def period_end(starts_on: date, kind: str) -> date:
    last = monthrange(starts_on.year, starts_on.month)[1]
    if kind == PeriodKind.MONTHLY:
        return starts_on.replace(day=last)
    return starts_on.replace(day=15) if starts_on.day <= 15 else starts_on.replace(day=last)


def _refuse_overlap(factory: Factory, starts_on: date, ends_on: date, exclude=None) -> None:
    overlapping = PayPeriod.objects.filter(
        factory=factory, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    if overlapping.exists():
        raise Conflict(
            _("This period overlaps another pay period of the factory."),
            code="period_overlap",
            errors={"starts_on": [_("Overlaps another period.")]},
        )


@transaction.atomic
def pay_period_open(
    *,
    factory: Factory,
    starts_on: date,
    by,
    kind: str | None = None,
    ends_on: date | None = None,
) -> PayPeriod:
    """Open a period; its end follows from its kind (the policy's by default) unless given."""
    # One period opening at a time per factory, so two overlapping ones cannot both pass.
    Factory.objects.select_for_update().filter(pk=factory.pk).first()
    kind = kind or calculation.policy_for(factory).period_kind
    if kind not in PeriodKind.values:
        raise _invalid("kind", _("Unknown pay period."))
    ends_on = ends_on or period_end(starts_on, kind)
    if ends_on < starts_on:
        raise _invalid("ends_on", _("A period cannot end before it starts."))
    if (ends_on - starts_on).days > 31:
        raise _invalid("ends_on", _("A pay period is at most a month."))
    _refuse_overlap(factory, starts_on, ends_on)
    return PayPeriod.objects.create(
        factory=factory, kind=kind, starts_on=starts_on, ends_on=ends_on, created_by=by
    )


def _locked_period(period_id: int) -> PayPeriod:
    return PayPeriod.objects.select_for_update().get(pk=period_id)


def _refuse_if_locked(period: PayPeriod) -> None:
    if period.is_locked:
        raise NotAllowed(
            _("This pay period is approved and locked; corrections go into a later period."),
            code="period_locked",
        )


@transaction.atomic
def pay_period_update(*, period: PayPeriod, by, starts_on: date, ends_on: date) -> PayPeriod:
    """Move an open period's dates; its results are dropped until it is calculated again."""
    period = _locked_period(period.pk)
    _refuse_if_locked(period)
    if ends_on < starts_on:
        raise _invalid("ends_on", _("A period cannot end before it starts."))
    _refuse_overlap(period.factory, starts_on, ends_on, exclude=period)
    _clear_results(period)
    period.starts_on, period.ends_on = starts_on, ends_on
    period.status = PayPeriod.Status.OPEN
    period.save()
    return period


def _clear_results(period: PayPeriod) -> None:
    for model in (WageLine, WageDay, Payslip):
        model.objects.filter(period=period).delete()


@transaction.atomic
def pay_period_calculate(*, period: PayPeriod, by) -> PayPeriod:
    """Calculate (or recalculate) every operator's pay for an open or calculated period."""
    period = _locked_period(period.pk)
    _refuse_if_locked(period)
    factory = period.factory
    machine_down_import(factory=factory, starts_on=period.starts_on, ends_on=period.ends_on)
    _tune_for_one_big_aggregation()
    adjustments: dict[int, Decimal] = {}
    for worker_id, amount in PayAdjustment.objects.filter(period=period).values_list(
        "worker_id", "amount"
    ):
        adjustments[worker_id] = adjustments.get(worker_id, Decimal("0.00")) + amount
    result = calculation.calculate(
        factory,
        period.starts_on,
        period.ends_on,
        period_kind=period.kind,
        adjustments=adjustments,
    )
    negative = [w for w, slip in result.slips.items() if slip.gross < 0]
    if negative:
        raise DomainError(
            _("Adjustments leave %(count)d workers with negative pay; spread them out.")
            % {"count": len(negative)},
            code="negative_pay",
        )
    _clear_results(period)
    _store(period, result)
    period.status = PayPeriod.Status.CALCULATED
    period.calculated_at = timezone.now()
    period.records = result.records
    period.workers = sum(1 for slip in result.slips.values() if slip.gross > 0)
    period.worker_days = sum(1 for d in result.days if d.good_pieces)
    period.good_pieces = sum(d.good_pieces for d in result.days)
    period.gross_total = result.gross_total
    period.save()
    notify(factory.pk, "payroll.period", {"period": period.pk, "status": period.status})
    return period


def _tune_for_one_big_aggregation() -> None:
    """Let PostgreSQL hash the (operator, day, operation) groups in memory in one pass instead
    of sorting millions of rows to disk (it overestimates the groups), with a parallel scan, and
    skip JIT, which costs more than it saves here. Local to the calculation's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
            # Each parallel worker returns its partial groups; the planner prices that as if
            # every group were distinct per worker and otherwise gives up the parallel scan.
            cursor.execute("SET LOCAL parallel_tuple_cost = 0.001")


def _store(period: PayPeriod, result: calculation.WageResult) -> None:
    factory_id, period_id = period.factory_id, period.pk
    workers = {
        w["pk"]: w
        for w in Worker.objects.filter(pk__in=result.slips).values(
            "pk", "employee_no", "name", "line__name", "department", "bank_account"
        )
    }
    bulk_insert(
        WageLine,
        [
            "factory_id",
            "period_id",
            "worker_id",
            "day",
            "operation_id",
            "operation_code",
            "operation_name",
            "records",
            "good_pieces",
            "defective_pieces",
            "piece_rate",
            "multiplier",
            "earned_minutes",
            "amount",
            "deduction",
        ],  # fmt: skip
        (
            (
                factory_id,
                period_id,
                x.worker_id,
                x.day,
                x.operation_id,
                x.operation_code,
                x.operation_name,
                x.records,
                x.good_pieces,
                x.defective_pieces,
                x.piece_rate,
                x.multiplier,
                x.earned_minutes,
                x.amount,
                x.deduction,
            )  # fmt: skip
            for x in result.lines
        ),
    )
    bulk_insert(
        WageDay,
        [
            "factory_id",
            "period_id",
            "worker_id",
            "day",
            "day_kind",
            "good_pieces",
            "defective_pieces",
            "earned_minutes",
            "attended_minutes",
            "time_minutes",
            "overtime_minutes",
            "efficiency",
            "piece_pay",
            "rework_deduction",
            "time_pay",
            "bonus",
            "overtime_premium",
            "total",
        ],  # fmt: skip
        (
            (
                factory_id,
                period_id,
                d.worker_id,
                d.day,
                d.day_kind,
                d.good_pieces,
                d.defective_pieces,
                d.earned_minutes,
                d.attended_minutes,
                d.time_minutes,
                d.overtime_minutes,
                d.efficiency,
                d.piece_pay,
                d.rework_deduction,
                d.time_pay,
                d.bonus,
                d.overtime_premium,
                d.total,
            )  # fmt: skip
            for d in result.days
        ),
    )
    bulk_insert(
        Payslip,
        [
            "factory_id",
            "period_id",
            "worker_id",
            "employee_no",
            "worker_name",
            "line_name",
            "department",
            "bank_account",
            "days_worked",
            "good_pieces",
            "earned_minutes",
            "attended_minutes",
            "normal_minutes",
            "piece_pay",
            "rework_deduction",
            "time_pay",
            "bonus",
            "overtime_premium",
            "adjustments",
            "minimum_top_up",
            "gross",
        ],  # fmt: skip
        (
            (
                factory_id,
                period_id,
                s.worker_id,
                workers[s.worker_id]["employee_no"],
                workers[s.worker_id]["name"],
                workers[s.worker_id]["line__name"] or "",
                workers[s.worker_id]["department"],
                workers[s.worker_id]["bank_account"],
                s.days_worked,
                s.good_pieces,
                s.earned_minutes,
                s.attended_minutes,
                s.normal_minutes,
                s.piece_pay,
                s.rework_deduction,
                s.time_pay,
                s.bonus,
                s.overtime_premium,
                s.adjustments,
                s.minimum_top_up,
                s.gross,
            )  # fmt: skip
            for s in result.slips.values()
        ),
    )


def bulk_insert(model, columns: list[str], rows) -> None:
    """Insert many rows at once: COPY on PostgreSQL, multi-row INSERTs elsewhere.

    Results are derived data written in bulk; per-row audit entries would only repeat the
    period's own audit trail (who calculated, approved and paid it).
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=500
        )
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    # write_row adapts each value in C (psycopg's binary package): faster than formatting here.
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


@transaction.atomic
def pay_period_approve(*, period: PayPeriod, by, confirm_open_disputes: bool = False) -> PayPeriod:
    """Approve a calculated period; it is locked from now on."""
    period = _locked_period(period.pk)
    if period.is_locked:
        raise NotAllowed(_("This pay period is already approved."), code="already_approved")
    if period.status != PayPeriod.Status.CALCULATED:
        raise NotAllowed(_("Calculate the period before approving it."), code="not_calculated")
    open_disputes = open_disputes_of(period).count()
    if open_disputes and not confirm_open_disputes:
        raise Conflict(
            _("%(count)d disputes of this period are still open; confirm to approve anyway.")
            % {"count": open_disputes},
            code="open_disputes",
            errors={"confirm_open_disputes": [_("Confirm to approve with open disputes.")]},
        )
    period.status = PayPeriod.Status.APPROVED
    period.approved_at = timezone.now()
    period.approved_by = by
    period.approved_with_open_disputes = open_disputes
    period.save()
    notify(period.factory_id, "payroll.period", {"period": period.pk, "status": period.status})
    return period


@transaction.atomic
def pay_period_mark_paid(*, period: PayPeriod, by) -> PayPeriod:
    period = _locked_period(period.pk)
    if period.status != PayPeriod.Status.APPROVED:
        raise NotAllowed(_("Only an approved period can be marked paid."), code="not_approved")
    period.status = PayPeriod.Status.PAID
    period.paid_at = timezone.now()
    period.paid_by = by
    period.save()
    notify(period.factory_id, "payroll.period", {"period": period.pk, "status": period.status})
    return period


@transaction.atomic
def pay_adjustment_add(
    *,
    period: PayPeriod,
    worker: Worker,
    amount: Decimal,
    reason: str,
    by,
    corrects_period: PayPeriod | None = None,
) -> PayAdjustment:
    """A correction paid in an open period; the period must be calculated again."""
    period = _locked_period(period.pk)
    _refuse_if_locked(period)
    _require_same_factory(period.factory, worker=worker, corrects_period=corrects_period)
    amount = Decimal(amount)
    if amount == 0 or amount != amount.quantize(Decimal("0.01")):
        raise _invalid("amount", _("An amount in yuan and fen, not zero."))
    if not reason.strip():
        raise _invalid("reason", _("A correction needs a reason."))
    if corrects_period is not None and corrects_period.starts_on >= period.starts_on:
        raise _invalid("corrects_period", _("A correction goes into a later period."))
    adjustment = PayAdjustment.objects.create(
        factory=period.factory,
        period=period,
        worker=worker,
        amount=amount,
        reason=reason.strip(),
        corrects_period=corrects_period,
        created_by=by,
    )
    if period.status == PayPeriod.Status.CALCULATED:
        _clear_results(period)
        period.status = PayPeriod.Status.OPEN
        period.save(update_fields=["status"])
    return adjustment


# --- disputes -----------------------------------------------------------------------------------


def open_disputes_of(period: PayPeriod):
    return Dispute.objects.filter(
        factory=period.factory,
        status=Dispute.Status.OPEN,
        day__gte=period.starts_on,
        day__lte=period.ends_on,
    )


@transaction.atomic
def dispute_open(
    *,
    worker: Worker,
    day: date,
    subject: str,
    message: str,
    by,
    operation_id: int | None = None,
) -> Dispute:
    """An operator questions a line of their pay (a day, or an operation on a day)."""
    if not message.strip():
        raise _invalid("message", _("Say what is wrong."))
    if (
        operation_id is not None
        and not WorkOrderOperation.objects.filter(
            pk=operation_id, factory_id=worker.factory_id
        ).exists()
    ):
        raise _invalid("operation", _("Unknown operation."))
    if day > timezone.localdate(timezone=ZoneInfo(worker.factory.time_zone)):
        raise _invalid("day", _("This day has not come yet."))
    dispute = Dispute.objects.create(
        factory_id=worker.factory_id,
        worker=worker,
        day=day,
        operation_id=operation_id,
        subject=subject.strip()[:200] or str(day),
        message=message.strip(),
        created_by=by,
    )
    notify(worker.factory_id, "payroll.dispute", {"dispute": dispute.pk})
    return dispute


@transaction.atomic
def dispute_answer(*, dispute: Dispute, answer: str, by) -> Dispute:
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise NotAllowed(_("This dispute is already answered."))
    if not answer.strip():
        raise _invalid("answer", _("Write an answer."))
    dispute.status = Dispute.Status.ANSWERED
    dispute.answer = answer.strip()
    dispute.answered_by = by
    dispute.answered_at = timezone.now()
    dispute.save()
    return dispute
