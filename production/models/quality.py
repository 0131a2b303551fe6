"""Quality: defect codes, inline and end-of-line inspections with their defects (and the rework
they send back), and final audits sampled per ISO 2859-1."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")


class DefectCode(FactoryOwned):
    """A kind of defect the factory records (e.g. D01 跳针 / skipped stitch, major): its name
    in Chinese (the factory's own words) and, where given, in English; pages show the one of the
    reader's language (`display_name`)."""

    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.MAJOR
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("defect code")
        verbose_name_plural = _("defect codes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "code"], name="defect_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name in the active language: the English one in English where the factory gave
        it, else the factory's own."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Inspection(FactoryOwned):
    """An inline check at an operation or station, or an end-of-line check of a bundle."""

    class Kind(models.TextChoices):
        INLINE = "inline", _("Inline")
        END_OF_LINE = "end_of_line", _("End of line")

    class Result(models.TextChoices):
        # A context of their own: "Reject" alone is an order's (拒单), not a QC verdict (判退).
        PASS = "pass", pgettext_lazy("inspection result", "Pass")
        REWORK = "rework", pgettext_lazy("inspection result", "Rework")
        REJECT = "reject", pgettext_lazy("inspection result", "Reject")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("work order"),
    )
    bundle = models.ForeignKey(
        "production.Bundle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("bundle"),
    )
    operation = models.ForeignKey(
        "production.WorkOrderOperation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("operation"),
    )
    station = models.ForeignKey(
        "factories.Station",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("station"),
    )
    line = models.ForeignKey(
        "factories.SewingLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("line"),
    )
    worker = models.ForeignKey(
        "factories.Worker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("operator checked"),
    )
    checked_pieces = models.PositiveIntegerField(_("pieces checked"))
    defective_pieces = models.PositiveIntegerField(_("defective pieces"), default=0)
    rejected_pieces = models.PositiveIntegerField(_("rejected pieces"), default=0)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("inspector"),
    )
    inspected_at = models.DateTimeField(_("inspected at"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_at", "-pk"]
        indexes = [
            models.Index(fields=["factory", "work_order"], name="inspection_wo"),
            models.Index(fields=["factory", "line", "inspected_at"], name="inspection_line"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.work_order} {self.get_result_display()}"


class InspectionDefect(FactoryOwned):
    """Defects of one code found in an inspection, traced to the operation (and operator) that
    caused them; `rework_pieces` of them go back to that operation."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="defects", verbose_name=_("inspection")
    )
    defect_code = models.ForeignKey(
        DefectCode, on_delete=models.PROTECT, related_name="+", verbose_name=_("defect")
    )
    count = models.PositiveIntegerField(_("defects"), default=1)
    operation = models.ForeignKey(
        "production.WorkOrderOperation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="defects",
        verbose_name=_("caused at operation"),
    )
    worker = models.ForeignKey(
        "factories.Worker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="defects",
        verbose_name=_("caused by"),
    )
    rework_pieces = models.PositiveIntegerField(_("pieces sent to rework"), default=0)
    photo = models.ImageField(_("photo"), upload_to="defects/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("inspection defect")
        verbose_name_plural = _("inspection defects")
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return f"{self.defect_code} × {self.count}"


class FinalAudit(FactoryOwned):
    """The final audit of a work order's lot, sampled per ISO 2859-1 (normal inspection)."""

    class Result(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.PROTECT,
        related_name="final_audits",
        verbose_name=_("work order"),
    )
    lot_size = models.PositiveIntegerField(_("lot size"))
    level = models.CharField(_("inspection level"), max_length=3, default="II")
    aql_major = models.CharField(_("AQL major"), max_length=6, default="2.5")
    aql_minor = models.CharField(_("AQL minor"), max_length=6, default="4.0")
    code_letter = models.CharField(_("code letter"), max_length=1)
    sample_size = models.PositiveIntegerField(_("sample size"))
    major_accept = models.PositiveIntegerField(_("major Ac"))
    major_reject = models.PositiveIntegerField(_("major Re"))
    minor_accept = models.PositiveIntegerField(_("minor Ac"))
    minor_reject = models.PositiveIntegerField(_("minor Re"))
    critical_found = models.PositiveIntegerField(_("critical found"), default=0)
    major_found = models.PositiveIntegerField(_("major found"), default=0)
    minor_found = models.PositiveIntegerField(_("minor found"), default=0)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("auditor"),
    )
    audited_at = models.DateTimeField(_("audited at"))

    class Meta:
        verbose_name = _("final audit")
        verbose_name_plural = _("final audits")
        ordering = ["-audited_at", "-pk"]
        indexes = [
            models.Index(fields=["factory", "-audited_at"], name="final_audit_factory_audited")
        ]

    def __str__(self) -> str:
        return f"{self.work_order} AQL {self.get_result_display()}"
