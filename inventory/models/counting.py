"""Cycle counting: a clerk scans a bin, counts what is there, and the variance becomes an
adjustment — at once when small, after a manager's approval above the threshold."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned
from inventory.models.fields import quantity_field, unit_cost_field
from inventory.models.stock import Bin, Lot


class CycleCount(FactoryOwned):
    """A count of one bin. While open the bin is locked: nothing moves in or out of it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Counting")
        PENDING_APPROVAL = "pending", _("Awaiting approval")
        POSTED = "posted", _("Posted")
        REJECTED = "rejected", _("Rejected")

    LOCKING_STATUSES = (Status.OPEN, Status.PENDING_APPROVAL)

    bin = models.ForeignKey(Bin, on_delete=models.PROTECT, related_name="counts")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    variance_value = models.DecimalField(
        _("variance value (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cycle count")
        verbose_name_plural = _("cycle counts")
        ordering = ["-started_at"]
        constraints = [
            # At most one open count per bin: the lock itself.
            models.UniqueConstraint(
                fields=["factory", "bin"],
                condition=Q(status__in=["open", "pending"]),
                name="one_open_count_per_bin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bin} · {self.get_status_display()}"


class CycleCountLine(FactoryOwned):
    """One lot in the counted bin: what the ledger said, what was counted."""

    count = models.ForeignKey(CycleCount, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    expected_quantity = quantity_field(_("expected"))
    counted_quantity = quantity_field(_("counted"), null=True, blank=True, default=None)
    unit_cost = unit_cost_field(_("unit cost"))

    class Meta:
        verbose_name = _("cycle count line")
        verbose_name_plural = _("cycle count lines")
        ordering = ["count", "lot__code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "count", "lot"], name="count_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.count} · {self.lot}"

    @property
    def variance(self):
        if self.counted_quantity is None:
            return None
        return self.counted_quantity - self.expected_quantity
