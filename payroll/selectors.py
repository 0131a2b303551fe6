"""Reads of payroll/: period totals, wages earned (a period's, a day's, the average per
operator-day), an operator's own earnings.

payroll owns the wage figures (docs/architecture.md, "Who owns each figure"): dashboards calls
`current_period`, `period_figures`, `wages_by_day` and `average_daily_wage` — factory-level
aggregates only, never an individual's pay (a district never sees a worker's wage).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum

from core.errors import DomainError
from factories.calendar import days_between
from factories.clock import days_bounds, factory_today
from factories.models import Worker, department_label
from factories.selectors import worker_profile
from payroll import calculation
from payroll.models import Dispute, PayPeriod, Payslip, PeriodKind, WageDay, WageLine
from payroll.services import period_end
from production.selectors import pieces_per_person_day

ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """A sum as yuan with two places (SQLite sums decimals as floats)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def periods_of(factory, *, unpaid: bool = False):
    """The factory's pay periods, newest first; `unpaid`: those still to calculate, approve or
    pay (the clerk's home counts them)."""
    periods = PayPeriod.objects.filter(factory=factory)
    if unpaid:
        periods = periods.exclude(status=PayPeriod.Status.PAID)
    return periods.order_by("-starts_on")


def period_for_day(factory, day: date) -> PayPeriod | None:
    return PayPeriod.objects.filter(factory=factory, starts_on__lte=day, ends_on__gte=day).first()


def _totals(period: PayPeriod, key: str) -> list[dict]:
    rows = (
        Payslip.objects.filter(period=period)
        .order_by()
        .values(key)
        .annotate(
            workers=Count("pk"),
            good_pieces=Sum("good_pieces"),
            piece_pay=Sum("piece_pay"),
            gross=Sum("gross"),
        )
        .order_by(key)
    )
    return [
        {
            **row,
            "name": row[key] or "—",
            "piece_pay": money(row["piece_pay"]),
            "gross": money(row["gross"]),
        }
        for row in rows
    ]


def totals_by_line(period: PayPeriod) -> list[dict]:
    return _totals(period, "line_name")


def totals_by_department(period: PayPeriod) -> list[dict]:
    return [
        {**row, "name": department_label(row["department"])}
        for row in _totals(period, "department")
    ]


def period_earned(period: PayPeriod) -> Decimal | None:
    """Wages earned in a period: the gross it stored once calculated; while it is open, the
    calculation of its days so far, unstored. None while records without an operator stop
    the calculation."""
    if period.status != PayPeriod.Status.OPEN:
        return period.gross_total
    last = min(period.ends_on, factory_today(period.factory))
    if last < period.starts_on:
        return ZERO
    try:
        result = calculation.calculate(
            period.factory, period.starts_on, last, period_kind=period.kind
        )
    except DomainError:
        return None
    return result.gross_total


def period_figures(period: PayPeriod) -> dict:
    """Earned vs paid, average wage, and the finished garments per operator-day of the
    period's days (production's figure)."""
    workers = period.workers or 0
    earned = period_earned(period)
    average = (earned / workers).quantize(Decimal("0.01")) if workers and earned else ZERO
    return {
        "period_id": period.pk,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "status": period.status,
        "earned": earned,
        "paid": earned if period.status == PayPeriod.Status.PAID else ZERO,
        "workers": workers,
        "average_wage": average,
        "good_pieces": period.good_pieces,
        "output_per_person_day": pieces_per_person_day(
            period.factory, *days_bounds(period.factory, period.starts_on, period.ends_on)
        ),
    }


def current_period(factory, now=None) -> PayPeriod | None:
    """The pay period that covers the factory's today."""
    return period_for_day(factory, factory_today(factory, now))


def wages_by_day(factory, first: date, last: date) -> dict[date, dict]:
    """Wages earned on each day from first to last, and the operator-days they pay: the sum of
    the operators' day totals (piece pay less rework deductions, time pay, efficiency bonus,
    overtime premium) — as a calculated period stored them, else calculated now. Period items
    (minimum-wage top-ups, adjustments) belong to no day; days whose records lack an operator
    are left out until they are fixed."""
    result: dict[date, dict] = {}
    stored = PayPeriod.objects.filter(
        factory=factory, starts_on__lte=last, ends_on__gte=first
    ).exclude(status=PayPeriod.Status.OPEN)
    stored_days = set()
    for period in stored:
        stored_days.update(days_between(max(first, period.starts_on), min(last, period.ends_on)))
    for row in (
        WageDay.objects.filter(period__in=stored, day__gte=first, day__lte=last)
        .values("day")
        .annotate(total=Sum("total"), days=Count("pk"))
        .order_by()
    ):
        result[row["day"]] = {"wages": money(row["total"]), "operator_days": row["days"]}
    live = [day for day in days_between(first, last) if day not in stored_days]
    if not live:
        return result
    try:
        calculated = calculation.calculate(factory, min(live), max(live))
    except DomainError:
        return result
    for entry in calculated.days:
        if entry.day in stored_days:
            continue
        day = result.setdefault(entry.day, {"wages": ZERO, "operator_days": 0})
        day["wages"] += entry.total
        day["operator_days"] += 1
    return result


def average_daily_wage(wages, operator_days: int) -> Decimal | None:
    """Average wage per operator-day, in yuan."""
    return money(Decimal(wages) / operator_days) if operator_days else None


def factory_payroll_figures(factory, *, periods: int = 6) -> list[dict]:
    """The last few periods' figures of a factory, newest first (for dashboards)."""
    return [period_figures(p) for p in periods_of(factory)[:periods]]


def open_dispute_counts(factory) -> dict[int, int]:
    """Open disputes per period id (for the clerk's period list)."""
    counts = {}
    for period in periods_of(factory):
        counts[period.pk] = Dispute.objects.filter(
            factory=factory,
            status=Dispute.Status.OPEN,
            day__gte=period.starts_on,
            day__lte=period.ends_on,
        ).count()
    return counts


def worker_of(user, factory) -> Worker | None:
    """The worker record of a signed-in operator in the acting factory."""
    if user is None or not user.is_authenticated or factory is None:
        return None
    return Worker.objects.filter(factory_id=factory.pk, user=user).first()


@dataclass
class MyEarnings:
    """What an operator sees on the phone: today and each day of the current period."""

    today: date
    today_lines: list
    today_day: object | None
    period_start: date
    period_end: date
    period: PayPeriod | None
    days: list
    total: Decimal
    stored: bool


def my_earnings(worker: Worker) -> MyEarnings:
    """Live for an open period (calculated on the fly for this one worker), stored otherwise."""
    factory = worker.factory
    today = factory_today(factory)
    period = period_for_day(factory, today)
    if period is not None:
        start, end, kind = period.starts_on, period.ends_on, period.kind
    else:
        kind = calculation.policy_for(factory).period_kind
        start = today.replace(day=1 if kind == PeriodKind.MONTHLY or today.day <= 15 else 16)
        end = period_end(start, kind)
    stored = period is not None and period.status != PayPeriod.Status.OPEN
    if stored:
        days = list(WageDay.objects.filter(period=period, worker=worker).order_by("day"))
        lines = list(WageLine.objects.filter(period=period, worker=worker, day=today))
        total = Payslip.objects.filter(period=period, worker=worker).values_list(
            "gross", flat=True
        ).first() or sum((d.total for d in days), ZERO)
    else:
        result = calculation.calculate(
            factory, start, min(end, today), period_kind=kind, worker_ids=[worker.pk]
        )
        days = result.days
        lines = [x for x in result.lines if x.day == today]
        total = sum((d.total for d in days), ZERO)
    today_day = next((d for d in days if d.day == today), None)
    return MyEarnings(
        today=today,
        today_lines=lines,
        today_day=today_day,
        period_start=start,
        period_end=end,
        period=period,
        days=sorted(days, key=lambda d: d.day, reverse=True),
        total=total,
        stored=stored,
    )


def my_disputes(worker: Worker, *, status: str = ""):
    """The operator's questions about their pay, newest first; optionally in one status."""
    disputes = Dispute.objects.filter(worker=worker)
    if status in Dispute.Status.values:
        disputes = disputes.filter(status=status)
    return disputes.order_by("-created_at")


def disputes_for_clerk(factory, *, status: str | None = Dispute.Status.OPEN):
    disputes = Dispute.objects.filter(factory=factory).select_related("worker")
    if status:
        disputes = disputes.filter(status=status)
    return disputes.order_by("status", "-created_at")


def period_summary(period: PayPeriod) -> dict:
    aggregates = Payslip.objects.filter(period=period).aggregate(
        piece_pay=Sum("piece_pay"),
        rework_deduction=Sum("rework_deduction"),
        time_pay=Sum("time_pay"),
        bonus=Sum("bonus"),
        overtime_premium=Sum("overtime_premium"),
        adjustments=Sum("adjustments"),
        minimum_top_up=Sum("minimum_top_up"),
        gross=Sum("gross"),
    )
    summary = {key: money(value) for key, value in aggregates.items()}
    summary["topped_up"] = Payslip.objects.filter(period=period, minimum_top_up__gt=0).count()
    return summary


# The payslip fields a worker's own data copy lists (its amounts, in yuan).
MY_PAYSLIP_FIELDS = (
    "days_worked",
    "good_pieces",
    "attended_minutes",
    "piece_pay",
    "rework_deduction",
    "time_pay",
    "bonus",
    "overtime_premium",
    "adjustments",
    "minimum_top_up",
    "gross",
)


def my_data(worker: Worker, *, full_account: bool = False, by=None) -> dict:
    """Everything the platform holds about the worker: their profile (factories), their
    payslips of locked periods and their questions about their pay. `full_account`: the
    download, which reads their full bank account (one audited read by `by`); the page
    shows it masked and reads nothing in full."""
    payslips = Payslip.objects.filter(
        worker=worker, period__status__in=PayPeriod.LOCKED
    ).select_related("period")
    return {
        "profile": worker_profile(worker, full_account=full_account, by=by),
        "payslips": [
            {
                "period_starts_on": slip.period.starts_on,
                "period_ends_on": slip.period.ends_on,
                **{name: getattr(slip, name) for name in MY_PAYSLIP_FIELDS},
            }
            for slip in payslips.order_by("period__starts_on")
        ],
        "questions": [
            {
                "day": dispute.day,
                "subject": dispute.subject,
                "message": dispute.message,
                "status": dispute.status,
                "answer": dispute.answer,
            }
            for dispute in my_disputes(worker).order_by("created_at")
        ],
    }
