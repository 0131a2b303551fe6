"""Finished goods, cartons and shipments: what leaves the factory, counted by size × colour."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned
from production.models.holds import hold_field, hold_reason_field


class FinishedGoodsReceipt(FactoryOwned):
    """Finished pieces of one size × colour received into the finished-goods store."""

    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.PROTECT,
        related_name="receipts",
        verbose_name=_("work order"),
    )
    size = models.CharField(_("size"), max_length=20)
    colour = models.CharField(_("colour"), max_length=40)
    quantity = models.PositiveIntegerField(_("pieces"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finished-goods receipt")
        verbose_name_plural = _("finished-goods receipts")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["factory", "-received_at"], name="fg_receipt_factory_received")
        ]

    def __str__(self) -> str:
        return f"{self.work_order} {self.colour}/{self.size} × {self.quantity}"


class Shipment(FactoryOwned):
    """Cartons handed to a carrier for a merchant order, with the tracking number."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being loaded")
        SHIPPED = "shipped", _("Shipped")

    number = models.CharField(_("shipment number"), max_length=30)
    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=_("work order"),
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="production_shipments",
        verbose_name=_("order"),
    )
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "number"], name="shipment_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class Carton(FactoryOwned):
    """A packed carton: one size and colour (solid) or several (assorted)."""

    class Kind(models.TextChoices):
        SOLID = "solid", _("Solid size")
        ASSORTED = "assorted", _("Assorted sizes")

    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.PROTECT,
        related_name="cartons",
        verbose_name=_("work order"),
    )
    number = models.PositiveIntegerField(_("carton number"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cartons",
        verbose_name=_("shipment"),
    )
    gross_weight_kg = models.DecimalField(
        _("gross weight (kg)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    packed_at = models.DateTimeField(_("packed at"), auto_now_add=True)
    hold = hold_field()
    hold_reason = hold_reason_field()

    class Meta:
        verbose_name = _("carton")
        verbose_name_plural = _("cartons")
        ordering = ["work_order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "work_order", "number"], name="carton_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_order} #{self.number}"

    @property
    def qr_payload(self) -> str:
        return f"SLC:{self.pk}"


class CartonLine(FactoryOwned):
    """Pieces of one size × colour in a carton."""

    carton = models.ForeignKey(
        Carton, on_delete=models.CASCADE, related_name="lines", verbose_name=_("carton")
    )
    size = models.CharField(_("size"), max_length=20)
    colour = models.CharField(_("colour"), max_length=40)
    quantity = models.PositiveIntegerField(_("pieces"))

    class Meta:
        verbose_name = _("carton line")
        verbose_name_plural = _("carton lines")
        ordering = ["carton", "colour", "size"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "carton", "size", "colour"], name="carton_line_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carton} {self.colour}/{self.size} × {self.quantity}"
