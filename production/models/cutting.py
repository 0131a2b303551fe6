"""The cut plan of a work order: markers (size ratios), lays (plies per colour), bundles.

A marker is one arrangement of pattern pieces: `size_ratios` says how many garments of each size
one ply yields. A lay spreads `plies` layers of one colour under a marker. Each lay's cut pieces
are split into numbered bundles that travel the line with their ticket (its QR encodes the id).
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned
from production.models.work_orders import WorkOrder

LAY_PREFIX = "SLL:"


class CutPlan(FactoryOwned):
    """How a work order is cut: the limits it was planned within and its efficiency."""

    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="cut_plans", verbose_name=_("work order")
    )
    over_cut_pct = models.DecimalField(_("over-cut %"), max_digits=5, decimal_places=2)
    max_plies = models.PositiveIntegerField(_("maximum plies per lay"))
    max_garments_per_marker = models.PositiveIntegerField(_("maximum garments per marker"))
    bundle_size = models.PositiveIntegerField(_("pieces per bundle"))
    ordered_quantity = models.PositiveIntegerField(_("ordered pieces"))
    cut_quantity = models.PositiveIntegerField(_("pieces to cut"))
    fabric_length_m = models.DecimalField(
        _("main fabric (m)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    efficiency_pct = models.DecimalField(
        _("cut efficiency %"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Ordered pieces ÷ cut pieces."),
    )
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cut plan")
        verbose_name_plural = _("cut plans")
        constraints = [
            models.UniqueConstraint(fields=["factory", "work_order"], name="cut_plan_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.work_order} cut plan"


class Marker(FactoryOwned):
    """A marker: garments per size in one ply, and its length from the main fabric's BOM."""

    cut_plan = models.ForeignKey(
        CutPlan, on_delete=models.CASCADE, related_name="markers", verbose_name=_("cut plan")
    )
    number = models.PositiveIntegerField(_("marker number"))
    size_ratios = models.JSONField(_("garments per size in one ply"))
    garments = models.PositiveIntegerField(_("garments per ply"))
    length_m = models.DecimalField(_("length (m)"), max_digits=8, decimal_places=3)
    reused_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reused from"),
    )

    class Meta:
        verbose_name = _("marker")
        verbose_name_plural = _("markers")
        ordering = ["cut_plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "cut_plan", "number"], name="marker_number_unique"
            ),
        ]

    def __str__(self) -> str:
        ratios = " ".join(f"{size}:{count}" for size, count in self.size_ratios.items())
        return f"M{self.number} ({ratios})"


class Lay(FactoryOwned):
    """Plies of one colour spread under one marker."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SPREAD = "spread", _("Spread")
        CUT = "cut", _("Cut")

    cut_plan = models.ForeignKey(
        CutPlan, on_delete=models.CASCADE, related_name="lays", verbose_name=_("cut plan")
    )
    marker = models.ForeignKey(
        Marker, on_delete=models.CASCADE, related_name="lays", verbose_name=_("marker")
    )
    number = models.PositiveIntegerField(_("lay number"))
    colour = models.CharField(_("colour"), max_length=40)
    plies = models.PositiveIntegerField(_("plies"))
    fabric_length_m = models.DecimalField(_("fabric (m)"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    # Garments actually cut per size, set when the cut is confirmed (the plan is the marker's
    # ratios × plies).
    cut_sizes = models.JSONField(_("garments cut per size"), default=dict, blank=True)
    spread_at = models.DateTimeField(_("spread at"), null=True, blank=True)
    cut_at = models.DateTimeField(_("cut at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lay")
        verbose_name_plural = _("lays")
        ordering = ["cut_plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "cut_plan", "number"], name="lay_unique"),
        ]

    def __str__(self) -> str:
        return f"L{self.number} {self.colour} × {self.plies}"

    @property
    def qr_payload(self) -> str:
        """What the cut ticket's QR encodes, and what cutters and spreaders send as `lay`."""
        return f"{LAY_PREFIX}{self.pk}"

    def planned_sizes(self) -> dict[str, int]:
        """Garments per size the plan cuts on this lay: the marker's ratios × plies."""
        return {
            size: int(count) * self.plies
            for size, count in self.marker.size_ratios.items()
            if int(count) > 0
        }


class Bundle(FactoryOwned):
    """A numbered bundle of cut pieces of one size and colour; its ticket's QR encodes its id."""

    class Status(models.TextChoices):
        CUT = "cut", _("Cut")
        IN_SEWING = "in_sewing", _("In sewing")
        SEWN = "sewn", _("Sewn")
        FINISHED = "finished", _("Finished")
        PACKED = "packed", _("Packed")

    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="bundles", verbose_name=_("work order")
    )
    lay = models.ForeignKey(
        Lay, on_delete=models.CASCADE, related_name="bundles", verbose_name=_("lay")
    )
    number = models.PositiveIntegerField(_("bundle number"))
    size = models.CharField(_("size"), max_length=20)
    colour = models.CharField(_("colour"), max_length=40)
    quantity = models.PositiveIntegerField(_("pieces"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CUT
    )

    class Meta:
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        ordering = ["work_order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "work_order", "number"], name="bundle_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order}-{self.number:04d}"

    @property
    def qr_payload(self) -> str:
        """What the ticket's QR code encodes: the bundle id (scanners resolve it in scope)."""
        return f"SLB:{self.pk}"
