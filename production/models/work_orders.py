"""Work orders: what the factory makes for an order, with operations and materials frozen.

Created by `orders.services.order_convert`; every row is factory-owned and factory-only (a
merchant follows progress through its order, never through these tables).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned


class WorkOrder(FactoryOwned):
    """A production order for one order's tech-pack version: quantities, due date, line."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CUTTING = "cutting", _("Cutting")
        SEWING = "sewing", _("Sewing")
        FINISHING = "finishing", _("Finishing")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("work order number"), max_length=30)
    # One work order per order (unique with the factory, as every constraint here): converting
    # twice finds the first one.
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("order"),
    )
    version = models.ForeignKey(
        "orders.StyleVersion",
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("tech pack version"),
    )
    quantity = models.PositiveIntegerField(_("ordered pieces"))
    cut_quantity = models.PositiveIntegerField(_("pieces to cut"))
    due_date = models.DateField(_("due date"))
    line = models.ForeignKey(
        "factories.SewingLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("line"),
    )
    priority = models.SmallIntegerField(_("priority"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    sam_per_garment = models.DecimalField(
        _("SAM per garment (minutes)"), max_digits=9, decimal_places=3, default=Decimal("0")
    )
    conversion_report = models.JSONField(_("conversion report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When conversion finished writing the cut plan, bundles and tickets: the end of the
    # order's conversion lead time (production.selectors.conversion_lead_times).
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["due_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "number"], name="work_order_number_unique"),
            models.UniqueConstraint(fields=["factory", "order"], name="work_order_order_unique"),
        ]
        indexes = [models.Index(fields=["factory", "status"], name="work_order_factory_status")]

    def __str__(self) -> str:
        return self.number


class WorkOrderLine(FactoryOwned):
    """One size × colour of a work order: ordered and cut pieces."""

    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("work order")
    )
    size = models.CharField(_("size"), max_length=20)
    colour = models.CharField(_("colour"), max_length=40)
    ordered_quantity = models.PositiveIntegerField(_("ordered"))
    cut_quantity = models.PositiveIntegerField(_("to cut"))

    class Meta:
        verbose_name = _("work order line")
        verbose_name_plural = _("work order lines")
        ordering = ["work_order", "colour", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "work_order", "size", "colour"], name="work_order_line_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order} {self.colour}/{self.size}"


class WorkOrderOperation(FactoryOwned):
    """A routing operation copied into a work order with its SAM and piece rate frozen.

    Wages are paid from these rates, so a later change to the tech pack never alters them.
    """

    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="operations", verbose_name=_("work order")
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    machine_type = models.CharField(_("machine type"), max_length=60, blank=True)
    sam = models.DecimalField(_("SAM (minutes)"), max_digits=7, decimal_places=3)
    skill_grade = models.PositiveSmallIntegerField(_("skill grade"), default=2)
    # Yuan per piece with 4 places: piece rates are fractions of a fen; amounts round to 2.
    piece_rate = models.DecimalField(_("piece rate (yuan)"), max_digits=8, decimal_places=4)
    is_scanned = models.BooleanField(_("scanned (tear-off coupon)"), default=True)

    class Meta:
        verbose_name = _("work order operation")
        verbose_name_plural = _("work order operations")
        ordering = ["work_order", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "work_order", "sequence"], name="work_order_operation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order} {self.sequence}. {self.name}"


class MaterialRequirement(FactoryOwned):
    """A material a work order needs (BOM × cut pieces, wastage included) by a date.

    Inventory's MRP reads these by `material_code` (its Material.code of the same factory).
    """

    work_order = models.ForeignKey(
        WorkOrder,
        on_delete=models.CASCADE,
        related_name="material_requirements",
        verbose_name=_("work order"),
    )
    material_code = models.CharField(_("material code"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=10)
    quantity = models.DecimalField(
        _("quantity (wastage included)"), max_digits=14, decimal_places=3
    )
    wastage_pct = models.DecimalField(
        _("wastage %"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    need_date = models.DateField(_("need date"))

    class Meta:
        verbose_name = _("material requirement")
        verbose_name_plural = _("material requirements")
        ordering = ["need_date", "material_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "work_order", "material_code"],
                name="material_requirement_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order} {self.material_code} {self.quantity} {self.unit}"
