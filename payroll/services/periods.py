"""Writes of pay periods: open, calculate, approve, pay, adjust. An approved period is locked."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import insert_rows
from core.errors import Conflict, DomainError, NotAllowed
from core.realtime import notify
from core.transitions import TransitionTable, transition_apply
from factories.clock import month_last
from factories.models import Factory, Worker
from payroll import calculation
from payroll.models import (
    PayAdjustment,
    PayPeriod,
    Payslip,
    PeriodKind,
    WageDay,
    WageLine,
)
from payroll.services.attendance import machine_down_import
from payroll.services.common import invalid, require_same_factory
from payroll.services.disputes import open_disputes_of

# --- pay periods --------------------------------------------------------------------------------

S = PayPeriod.Status
# open → calculated → approved → paid. Calculating again stays calculated; a change to a
# calculated period (dates, an adjustment) drops its results and reopens it. Approved is locked.
PAY_PERIOD_TRANSITIONS = TransitionTable(
    PayPeriod,
    {
        S.OPEN: {S.CALCULATED},
        S.CALCULATED: {S.CALCULATED, S.OPEN, S.APPROVED},
        S.APPROVED: {S.PAID},
        S.PAID: set(),
    },
)


def period_end(starts_on: date, kind: str) -> date:
    last = month_last(starts_on)
    if kind == PeriodKind.MONTHLY:
        return last
    return starts_on.replace(day=15) if starts_on.day <= 15 else last


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
    Factory.objects.select_for_update(no_key=True).filter(pk=factory.pk).first()
    kind = kind or calculation.policy_for(factory).period_kind
    if kind not in PeriodKind.values:
        raise invalid("kind", _("Unknown pay period."))
    ends_on = ends_on or period_end(starts_on, kind)
    if ends_on < starts_on:
        raise invalid("ends_on", _("A period cannot end before it starts."))
    if (ends_on - starts_on).days > 31:
        raise invalid("ends_on", _("A pay period is at most a month."))
    _refuse_overlap(factory, starts_on, ends_on)
    return PayPeriod.objects.create(
        factory=factory, kind=kind, starts_on=starts_on, ends_on=ends_on, created_by=by
    )


def _locked_period(period_id: int) -> PayPeriod:
    return PayPeriod.objects.select_for_update(no_key=True).get(pk=period_id)


@transaction.atomic
def pay_period_transition(
    *, period: PayPeriod, to: str, by, reason: str = "", values: dict | None = None
) -> PayPeriod:
    """Move a locked pay period to `to` if its table allows it (else NotAllowed, nothing
    written); the move and `values` (the figures, who approved) are audited with `reason`."""
    transition_apply(
        table=PAY_PERIOD_TRANSITIONS,
        instance=period,
        to=to,
        by=by,
        reason=reason,
        values=values,
    )
    notify(period.factory_id, "payroll.period", {"period": period.pk, "status": period.status})
    return period


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
        raise invalid("ends_on", _("A period cannot end before it starts."))
    _refuse_overlap(period.factory, starts_on, ends_on, exclude=period)
    _clear_results(period)
    period.starts_on, period.ends_on = starts_on, ends_on
    period.save(update_fields=["starts_on", "ends_on"])
    if period.status == S.CALCULATED:
        pay_period_transition(period=period, to=S.OPEN, by=by)
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
    calculation.tune_for_period_aggregate()
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
    return pay_period_transition(
        period=period,
        to=S.CALCULATED,
        by=by,
        values={
            "calculated_at": timezone.now(),
            "records": result.records,
            "workers": sum(1 for slip in result.slips.values() if slip.gross > 0),
            "worker_days": sum(1 for d in result.days if d.good_pieces),
            "good_pieces": sum(d.good_pieces for d in result.days),
            "gross_total": result.gross_total,
        },
    )


def _store(period: PayPeriod, result: calculation.WageResult) -> None:
    """Write the results in bulk. They are derived data: per-row audit entries would only repeat
    the period's own audit trail (who calculated, approved and paid it)."""
    factory_id, period_id = period.factory_id, period.pk
    workers = {
        w["pk"]: w
        for w in Worker.objects.filter(pk__in=result.slips).values(
            "pk", "employee_no", "name", "line__name", "department"
        )
    }
    insert_rows(
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
    insert_rows(
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
    insert_rows(
        Payslip,
        [
            "factory_id",
            "period_id",
            "worker_id",
            "employee_no",
            "worker_name",
            "line_name",
            "department",
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


@transaction.atomic
def pay_period_approve(*, period: PayPeriod, by, confirm_open_disputes: bool = False) -> PayPeriod:
    """Approve a calculated period; it is locked from now on."""
    period = _locked_period(period.pk)
    PAY_PERIOD_TRANSITIONS.check(period, S.APPROVED)
    open_disputes = open_disputes_of(period).count()
    if open_disputes and not confirm_open_disputes:
        raise Conflict(
            _("%(count)d disputes of this period are still open; confirm to approve anyway.")
            % {"count": open_disputes},
            code="open_disputes",
            errors={"confirm_open_disputes": [_("Confirm to approve with open disputes.")]},
        )
    return pay_period_transition(
        period=period,
        to=S.APPROVED,
        by=by,
        values={
            "approved_at": timezone.now(),
            "approved_by": by,
            "approved_with_open_disputes": open_disputes,
        },
    )


@transaction.atomic
def pay_period_mark_paid(*, period: PayPeriod, by) -> PayPeriod:
    return pay_period_transition(
        period=_locked_period(period.pk),
        to=S.PAID,
        by=by,
        values={"paid_at": timezone.now(), "paid_by": by},
    )


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
    require_same_factory(period.factory, worker=worker, corrects_period=corrects_period)
    amount = Decimal(amount)
    if amount == 0 or amount != amount.quantize(Decimal("0.01")):
        raise invalid("amount", _("An amount in yuan and fen, not zero."))
    if not reason.strip():
        raise invalid("reason", _("A correction needs a reason."))
    if corrects_period is not None and corrects_period.starts_on >= period.starts_on:
        raise invalid("corrects_period", _("A correction goes into a later period."))
    adjustment = PayAdjustment.objects.create(
        factory=period.factory,
        period=period,
        worker=worker,
        amount=amount,
        reason=reason.strip(),
        corrects_period=corrects_period,
        created_by=by,
    )
    if period.status == S.CALCULATED:
        _clear_results(period)
        pay_period_transition(period=period, to=S.OPEN, by=by, reason=adjustment.reason)
    return adjustment


@transaction.atomic
def payslips_pseudonymise(*, worker: Worker, pseudonym: str) -> int:
    """The worker's payslips name the pseudonym instead of the person (their anonymisation,
    factories.anonymisation); every amount stays. Locked periods too: the name is not a
    figure. Returns the payslips renamed."""
    return Payslip.objects.filter(factory_id=worker.factory_id, worker=worker).update(
        worker_name=pseudonym
    )
