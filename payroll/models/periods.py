"""Pay periods and their results: adjustments, wage lines, wage days, payslips, disputes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned
from payroll.models.common import money_field
from payroll.models.policy import PeriodKind


class PayPeriod(FactoryOwned):
    """A pay period of a factory: open → calculated → approved → paid. Approved is locked."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CALCULATED = "calculated", _("Calculated")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    LOCKED = (Status.APPROVED, Status.PAID)

    kind = models.CharField(_("kind"), max_length=16, choices=PeriodKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_with_open_disputes = models.PositiveIntegerField(
        _("open disputes confirmed at approval"), default=0
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    workers = models.PositiveIntegerField(_("workers paid"), default=0)
    worker_days = models.PositiveIntegerField(_("worker days"), default=0)
    good_pieces = models.BigIntegerField(_("good pieces"), default=0)
    records = models.BigIntegerField(_("operation records"), default=0)
    gross_total = money_field(_("gross total"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pay period")
        verbose_name_plural = _("pay periods")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "starts_on"], name="pay_period_start"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="pay_period_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}"

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED


class PayAdjustment(FactoryOwned):
    """A correction paid in an open period: a reason, who made it, and the period it corrects."""

    period = models.ForeignKey(
        PayPeriod, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("period")
    )
    worker = models.ForeignKey(
        "factories.Worker", on_delete=models.PROTECT, related_name="+", verbose_name=_("worker")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    corrects_period = models.ForeignKey(
        PayPeriod,
        on_delete=models.PROTECT,
        related_name="corrections",
        null=True,
        blank=True,
        verbose_name=_("corrects period"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pay adjustment")
        verbose_name_plural = _("pay adjustments")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["factory", "-created_at"], name="pay_adjustment_factory")]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.amount} {self.reason}"


def derived_fk(to, **options):
    """A foreign key of a bulk-written result row, checked by the ORM but not by a database
    trigger per row: the calculation writes these rows by the ten thousand, from rows it has
    just read in the same transaction, and periods, workers and operations are never deleted."""
    return models.ForeignKey(to, db_constraint=False, related_name="+", **options)


class WageLine(FactoryOwned):
    """One operator × day × work-order operation of a calculated period (bulk-written)."""

    factory = derived_fk("factories.Factory", on_delete=models.CASCADE, db_index=False)
    period = derived_fk(PayPeriod, on_delete=models.CASCADE, db_index=False)
    worker = derived_fk("factories.Worker", on_delete=models.PROTECT, db_index=False)
    day = models.DateField(_("day"))
    operation = derived_fk(
        "production.WorkOrderOperation",
        on_delete=models.PROTECT,
        verbose_name=_("work-order operation"),
    )
    operation_code = models.CharField(_("operation code"), max_length=40, blank=True)
    operation_name = models.CharField(_("operation"), max_length=200, blank=True)
    records = models.PositiveIntegerField(_("records"), default=0)
    good_pieces = models.PositiveIntegerField(_("good pieces"), default=0)
    defective_pieces = models.PositiveIntegerField(_("own defective pieces"), default=0)
    piece_rate = models.DecimalField(_("piece rate"), max_digits=10, decimal_places=4)
    multiplier = models.DecimalField(_("multiplier"), max_digits=7, decimal_places=4)
    earned_minutes = models.DecimalField(_("earned minutes"), max_digits=12, decimal_places=2)
    amount = money_field(_("piece pay"))
    deduction = money_field(_("rework deduction"))

    class Meta:
        verbose_name = _("wage line")
        verbose_name_plural = _("wage lines")
        ordering = ["day", "operation_code"]
        indexes = [
            models.Index(
                fields=["factory", "period", "worker", "day"], name="wage_line_factory_worker_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day} {self.operation_code} {self.amount}"


class WageDay(FactoryOwned):
    """An operator's day of a calculated period: pieces, minutes and every part of the pay."""

    class DayKind(models.TextChoices):
        WORKDAY = "workday", _("Workday")
        REST_DAY = "rest_day", _("Rest day")
        HOLIDAY = "holiday", _("Public holiday")

    factory = derived_fk("factories.Factory", on_delete=models.CASCADE, db_index=False)
    period = derived_fk(PayPeriod, on_delete=models.CASCADE, db_index=False)
    worker = derived_fk("factories.Worker", on_delete=models.PROTECT)
    day = models.DateField(_("day"))
    day_kind = models.CharField(_("kind of day"), max_length=12, choices=DayKind.choices)
    good_pieces = models.PositiveIntegerField(_("good pieces"), default=0)
    defective_pieces = models.PositiveIntegerField(_("own defective pieces"), default=0)
    earned_minutes = models.DecimalField(
        _("earned minutes"), max_digits=12, decimal_places=2, default=0
    )
    attended_minutes = models.PositiveIntegerField(_("attended minutes"), default=0)
    time_minutes = models.PositiveIntegerField(_("time-work minutes"), default=0)
    overtime_minutes = models.PositiveIntegerField(_("overtime minutes"), default=0)
    efficiency = models.DecimalField(_("efficiency"), max_digits=6, decimal_places=3, default=0)
    piece_pay = money_field(_("piece pay"))
    rework_deduction = money_field(_("rework deduction"))
    time_pay = money_field(_("time pay"))
    bonus = money_field(_("efficiency bonus"))
    overtime_premium = money_field(_("overtime premium"))
    total = money_field(_("day total"))

    class Meta:
        verbose_name = _("wage day")
        verbose_name_plural = _("wage days")
        ordering = ["day"]
        indexes = [models.Index(fields=["factory", "day"], name="wage_day_factory_day")]
        constraints = [
            models.UniqueConstraint(fields=["period", "worker", "day"], name="wage_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day} {self.total}"


class Payslip(FactoryOwned):
    """A worker's pay for a period, with a snapshot of who they were (the bank account is read
    from the worker, never copied: factories.selectors)."""

    period = models.ForeignKey(PayPeriod, on_delete=models.CASCADE, related_name="payslips")
    worker = models.ForeignKey("factories.Worker", on_delete=models.PROTECT, related_name="+")
    employee_no = models.CharField(_("employee number"), max_length=20)
    worker_name = models.CharField(_("name"), max_length=100)
    line_name = models.CharField(_("line"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=60, blank=True)
    days_worked = models.PositiveIntegerField(_("days worked"), default=0)
    good_pieces = models.PositiveIntegerField(_("good pieces"), default=0)
    earned_minutes = models.DecimalField(
        _("earned minutes"), max_digits=12, decimal_places=2, default=0
    )
    attended_minutes = models.PositiveIntegerField(_("attended minutes"), default=0)
    normal_minutes = models.PositiveIntegerField(_("normal minutes"), default=0)
    piece_pay = money_field(_("piece pay"))
    rework_deduction = money_field(_("rework deduction"))
    time_pay = money_field(_("time pay"))
    bonus = money_field(_("efficiency bonus"))
    overtime_premium = money_field(_("overtime premium"))
    adjustments = money_field(_("adjustments"))
    minimum_top_up = money_field(_("minimum-wage top-up"))
    gross = money_field(_("total pay"))

    class Meta:
        verbose_name = _("payslip")
        verbose_name_plural = _("payslips")
        ordering = ["employee_no"]
        indexes = [
            models.Index(fields=["factory", "period", "employee_no"], name="payslip_factory_period")
        ]
        constraints = [
            models.UniqueConstraint(fields=["period", "worker"], name="payslip_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_no} {self.worker_name} {self.gross}"


class Dispute(FactoryOwned):
    """An operator's question about a line of their pay; the payroll clerk answers it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    worker = models.ForeignKey(
        "factories.Worker", on_delete=models.PROTECT, related_name="+", verbose_name=_("worker")
    )
    day = models.DateField(_("day"))
    operation = models.ForeignKey(
        "production.WorkOrderOperation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("work-order operation"),
    )
    subject = models.CharField(_("line"), max_length=200)
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["factory", "status", "day"], name="dispute_open_day")]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day} {self.subject}"
