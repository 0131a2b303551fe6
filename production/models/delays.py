"""Production days lost to material: a work order that could not be released to cutting on its
need date because a material was short (docs/production.md, "Days lost to material")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned


class MaterialDelay(FactoryOwned):
    """One short material holding a work order past its need date, with the cause inventory
    gives it. Open (`released_on` empty) while the work order waits; closed by the release to
    cutting with the factory working days lost from the need date up to the release day."""

    class Cause(models.TextChoices):
        LATE_PO = "late_po", _("Late purchase order")
        SHORT_RECEIPT = "short_receipt", _("Short receipt")
        FAILED_INSPECTION = "failed_inspection", _("Failed inspection")
        NO_PO = "no_po", _("No purchase order")
        OTHER = "other", _("Other")

    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.CASCADE,
        related_name="material_delays",
        verbose_name=_("work order"),
    )
    material_code = models.CharField(_("material code"), max_length=40)
    need_date = models.DateField(_("need date"))
    released_on = models.DateField(_("released on"), null=True, blank=True)
    days_lost = models.PositiveIntegerField(_("working days lost"), default=0)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    observed_at = models.DateTimeField(_("first seen short"), auto_now_add=True)

    class Meta:
        verbose_name = _("material delay")
        verbose_name_plural = _("material delays")
        ordering = ["-need_date", "work_order", "material_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "work_order", "material_code"], name="material_delay_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order} {self.material_code} ({self.cause})"
