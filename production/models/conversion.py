"""Bulk conversion of accepted orders into work orders, run in the background.

The model moved here from orders/ with its rows (orders 0002, production 0003).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned


class ConversionJob(FactoryOwned):
    """A bulk conversion of accepted orders, run by a Celery task; its progress bar reads this."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    order_ids = models.JSONField(_("orders"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("converted"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    results = models.JSONField(_("results"), default=list)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversion job")
        verbose_name_plural = _("conversion jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["factory", "-created_at"], name="conversion_job_factory_created")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.done}/{len(self.order_ids)}"

    @property
    def total(self) -> int:
        return len(self.order_ids)

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100
