"""Operation records: who did which operation on which bundle, when, and how well.

The one fact that wages, progress, WIP, balancing and quality figures are computed from. Written
only by `production.services.operation_record_create` (phone scans, supervisor entries and
hanging-line station events alike); corrected by voiding, never deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned


class OperationRecord(FactoryOwned):
    """One bundle × operation done by a worker (at a station): good and defective pieces."""

    class Source(models.TextChoices):
        DEVICE = "device", _("Hanging-line station")
        SCAN = "scan", _("Phone scan")
        MANUAL = "manual", _("Supervisor entry")

    bundle = models.ForeignKey(
        "production.Bundle",
        on_delete=models.PROTECT,
        related_name="operation_records",
        verbose_name=_("bundle"),
    )
    operation = models.ForeignKey(
        "production.WorkOrderOperation",
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("operation"),
    )
    # Denormalized from the bundle / station so dashboards and payroll group without joins.
    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.PROTECT,
        related_name="operation_records",
        verbose_name=_("work order"),
    )
    worker = models.ForeignKey(
        "factories.Worker",
        on_delete=models.PROTECT,
        related_name="operation_records",
        verbose_name=_("worker"),
    )
    station = models.ForeignKey(
        "factories.Station",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operation_records",
        verbose_name=_("station"),
    )
    line = models.ForeignKey(
        "factories.SewingLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operation_records",
        verbose_name=_("line"),
    )
    recorded_at = models.DateTimeField(_("done at"))
    work_date = models.DateField(_("work date"), help_text=_("In the factory's time zone."))
    good_pieces = models.PositiveIntegerField(_("good pieces"))
    defective_pieces = models.PositiveIntegerField(_("defective pieces"), default=0)
    is_rework = models.BooleanField(_("rework"), default=False)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    external_event_id = models.CharField(
        _("external event id"),
        max_length=100,
        blank=True,
        help_text=_("The device's event id: the same event never makes two records."),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("void reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("operation record")
        verbose_name_plural = _("operation records")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            # A bundle's operation is done once; a second record must be rework.
            models.UniqueConstraint(
                fields=["factory", "bundle", "operation"],
                condition=Q(is_rework=False, voided_at__isnull=True),
                name="operation_record_once",
            ),
            models.UniqueConstraint(
                fields=["factory", "external_event_id"],
                condition=~Q(external_event_id=""),
                name="operation_record_event_once",
            ),
        ]
        indexes = [
            # payroll: per worker per day; dashboards: per line per day, per work order.
            models.Index(fields=["factory", "worker", "work_date"], name="oprec_worker_day"),
            models.Index(fields=["factory", "line", "work_date"], name="oprec_line_day"),
            models.Index(fields=["factory", "work_order", "operation"], name="oprec_wo_op"),
            models.Index(fields=["factory", "recorded_at", "id"], name="oprec_time_id"),
            # payroll's period aggregate (payroll.calculation.aggregate_records) reads only this
            # index (an index-only scan, in group order): the live records of a factory's days.
            models.Index(
                fields=["factory", "work_date", "worker", "operation"],
                include=["good_pieces", "defective_pieces"],
                condition=Q(voided_at__isnull=True),
                name="oprec_pay_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bundle} · {self.operation.name} · {self.worker}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
