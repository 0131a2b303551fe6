"""Pay policy, piece-rate adjustments and time rates."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    HALF_MONTHLY = "half_monthly", _("Half-monthly")


class PayPolicy(FactoryOwned):
    """A factory's wage rules: period length, minimum wage, rework, bonus and overtime knobs.

    Defaults are Hunan's category-I minimum wage (2 200 yuan a month from 1 September 2025),
    the statutory 174 normal hours a month, and the Labour Law's overtime premiums. Which
    factor a day gets (workday, rest day, public holiday) is the factory calendar's word
    (`factories.calendar`), not the policy's.
    """

    period_kind = models.CharField(
        _("pay period"), max_length=16, choices=PeriodKind.choices, default=PeriodKind.MONTHLY
    )
    minimum_monthly_wage = models.DecimalField(
        _("minimum monthly wage"), max_digits=10, decimal_places=2, default=Decimal("2200.00")
    )
    standard_day_minutes = models.PositiveIntegerField(_("normal minutes a day"), default=480)
    standard_month_minutes = models.PositiveIntegerField(_("normal minutes a month"), default=10440)
    rework_deduction_ratio = models.DecimalField(
        _("rework deduction (share of the piece rate per own defective piece)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
    )
    bonus_threshold = models.DecimalField(
        _("efficiency bonus threshold"), max_digits=4, decimal_places=2, default=Decimal("0.85")
    )
    bonus_per_minute = models.DecimalField(
        _("bonus per earned minute above the threshold"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0.10"),
    )
    overtime_workday = models.DecimalField(
        _("overtime factor on workdays"), max_digits=4, decimal_places=2, default=Decimal("1.50")
    )
    overtime_rest_day = models.DecimalField(
        _("overtime factor on rest days"), max_digits=4, decimal_places=2, default=Decimal("2.00")
    )
    overtime_holiday = models.DecimalField(
        _("overtime factor on public holidays"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("3.00"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pay policy")
        verbose_name_plural = _("pay policies")
        ordering = ["factory"]
        constraints = [models.UniqueConstraint(fields=["factory"], name="pay_policy_one")]

    def __str__(self) -> str:
        return str(_("Pay policy"))


class RateAdjustment(FactoryOwned):
    """A multiplier on the piece rate: for an operator grade, or for a difficult operation."""

    class Kind(models.TextChoices):
        GRADE = "grade", _("Operator grade")
        DIFFICULTY = "difficulty", _("Operation difficulty")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    operation_code = models.CharField(_("operation code"), max_length=40, blank=True)
    multiplier = models.DecimalField(_("multiplier"), max_digits=5, decimal_places=3)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rate adjustment")
        verbose_name_plural = _("rate adjustments")
        ordering = ["kind", "grade", "operation_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "kind", "grade", "operation_code"],
                name="rate_adjustment_unique",
            ),
            models.CheckConstraint(condition=Q(multiplier__gt=0), name="rate_adjustment_positive"),
        ]

    def __str__(self) -> str:
        key = self.grade if self.kind == self.Kind.GRADE else self.operation_code
        return f"{self.get_kind_display()} {key} × {self.multiplier}"


class TimeKind(models.TextChoices):
    TRAINING = "training", _("Training")
    WAITING = "waiting", _("Waiting for work")
    MACHINE_DOWN = "machine_down", _("Machine down")
    OTHER = "other", _("Other time work")


class TimeRate(FactoryOwned):
    """The hourly rate paid for non-piece work of one kind (training, waiting, machine down)."""

    kind = models.CharField(_("kind"), max_length=16, choices=TimeKind.choices)
    hourly_rate = models.DecimalField(_("yuan per hour"), max_digits=8, decimal_places=2)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("time rate")
        verbose_name_plural = _("time rates")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "kind"], name="time_rate_unique"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="time_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.hourly_rate}"
