"""Writes of payroll's pay policy, piece-rate adjustments and time rates."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from factories.models import Factory
from payroll.models import (
    PayPolicy,
    PeriodKind,
    RateAdjustment,
    TimeKind,
    TimeRate,
)
from payroll.services.common import invalid

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
}


# --- policy and rates ---------------------------------------------------------------------------


@transaction.atomic
def pay_policy_update(*, factory: Factory, by, **changes) -> PayPolicy:
    """Change the factory's wage rules; every amount and factor must be sensible. Rest days
    and public holidays are not among them: they are the factory calendar's."""
    unknown = set(changes) - POLICY_FIELDS
    if unknown:
        raise invalid(sorted(unknown)[0], _("Unknown setting."))
    policy, _created = PayPolicy.objects.select_for_update(no_key=True).get_or_create(
        factory=factory
    )
    for name, value in changes.items():
        setattr(policy, name, value)
    if policy.period_kind not in PeriodKind.values:
        raise invalid("period_kind", _("Unknown pay period."))
    for name in ("minimum_monthly_wage", "rework_deduction_ratio", "bonus_per_minute"):
        if Decimal(getattr(policy, name)) < 0:
            raise invalid(name, _("This cannot be negative."))
    for name in ("overtime_workday", "overtime_rest_day", "overtime_holiday"):
        if Decimal(getattr(policy, name)) < 1:
            raise invalid(name, _("An overtime factor is at least 1."))
    if Decimal(policy.bonus_threshold) <= 0:
        raise invalid("bonus_threshold", _("The threshold must be above zero."))
    for name in ("standard_day_minutes", "standard_month_minutes"):
        if int(getattr(policy, name)) <= 0:
            raise invalid(name, _("This must be above zero."))
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
        raise invalid("kind", _("Unknown kind of adjustment."))
    multiplier = Decimal(multiplier)
    if multiplier <= 0:
        raise invalid("multiplier", _("A rate multiplier must be above zero."))
    if kind == RateAdjustment.Kind.GRADE:
        if grade is None:
            raise invalid("grade", _("Say which grade."))
        operation_code = ""
    else:
        if not operation_code:
            raise invalid("operation_code", _("Say which operation."))
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
        raise invalid("kind", _("Unknown kind of time work."))
    hourly_rate = Decimal(hourly_rate)
    if hourly_rate < 0:
        raise invalid("hourly_rate", _("A rate cannot be negative."))
    rate, _created = TimeRate.objects.update_or_create(
        factory=factory, kind=kind, defaults={"hourly_rate": hourly_rate}
    )
    return rate
