"""Where stock is and how it changed: warehouses, bins, lots, the immutable ledger of moves,
the per-lot-and-bin balance it maintains, and reservations for work orders."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Organization
from factories.tenancy import FactoryOwned
from inventory.models.catalogue import Material
from inventory.models.fields import quantity_field, unit_cost_field

BIN_LABEL_PREFIX = "BIN:"
LOT_LABEL_PREFIX = "LOT:"


class Warehouse(FactoryOwned):
    """A store room: raw materials, trims, finished goods."""

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "code"], name="warehouse_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Bin(FactoryOwned):
    """A bin location in a warehouse (rack, shelf, floor spot). Locked while it is counted."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="bins", verbose_name=_("warehouse")
    )
    code = models.CharField(_("code"), max_length=30)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bin")
        verbose_name_plural = _("bins")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "code"], name="bin_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def label_payload(self) -> str:
        return f"{BIN_LABEL_PREFIX}{self.code}"


class Lot(FactoryOwned):
    """A traceable quantity of one material: a fabric roll (dye lot, length) or a trim batch."""

    class Inspection(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Not required")
        PENDING = "pending", _("Awaiting inspection")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    material = models.ForeignKey(
        Material, on_delete=models.PROTECT, related_name="lots", verbose_name=_("material")
    )
    code = models.CharField(_("roll or batch number"), max_length=40)
    dye_lot = models.CharField(_("dye lot"), max_length=40, blank=True)
    # One fabric code often comes in several colours (a BOM names the fabric, the order line
    # the colour): the roll says which.
    colour = models.CharField(_("colour"), max_length=60, blank=True)
    supplier = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("supplier"),
    )
    purchase_order_line = models.ForeignKey(
        "inventory.PurchaseOrderLine",
        on_delete=models.PROTECT,
        related_name="lots",
        null=True,
        blank=True,
        verbose_name=_("purchase order line"),
    )
    received_quantity = quantity_field(_("received quantity"))
    width_cm = models.DecimalField(
        _("measured width (cm)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    inspection = models.CharField(
        _("inspection"),
        max_length=16,
        choices=Inspection.choices,
        default=Inspection.NOT_REQUIRED,
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["material", "code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "code"], name="lot_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def label_payload(self) -> str:
        return f"{LOT_LABEL_PREFIX}{self.code}"

    @property
    def is_usable(self) -> bool:
        """A failed or uninspected roll may not be cut."""
        return self.inspection in (self.Inspection.NOT_REQUIRED, self.Inspection.PASSED)


class StockMove(FactoryOwned):
    """One immutable change of stock. Corrections are new moves, never edits.

    A receipt has only a destination, an issue or shipment only a source, a transfer both.
    An adjustment has one of them, by the sign of the variance.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ISSUE = "issue", _("Issue to cutting")
        RETURN = "return", _("Return from the floor")
        TRANSFER = "transfer", _("Transfer")
        ADJUSTMENT = "adjustment", _("Count adjustment")
        FG_RECEIPT = "fg_receipt", _("Finished-goods receipt")
        SHIPMENT = "shipment", _("Shipment")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    material = models.ForeignKey(
        Material, on_delete=models.PROTECT, related_name="moves", verbose_name=_("material")
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="moves")
    from_bin = models.ForeignKey(
        Bin, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    to_bin = models.ForeignKey(
        Bin, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    quantity = quantity_field(_("quantity"))
    unit_cost = unit_cost_field(_("unit cost"))
    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("work order"),
    )
    purchase_order_line = models.ForeignKey(
        "inventory.PurchaseOrderLine",
        on_delete=models.PROTECT,
        related_name="moves",
        null=True,
        blank=True,
    )
    cycle_count = models.ForeignKey(
        "inventory.CycleCount",
        on_delete=models.PROTECT,
        related_name="moves",
        null=True,
        blank=True,
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="move_quantity_positive"),
            models.CheckConstraint(
                condition=Q(from_bin__isnull=False) | Q(to_bin__isnull=False),
                name="move_has_a_bin",
            ),
            models.CheckConstraint(
                condition=~Q(from_bin=F("to_bin")) | Q(from_bin__isnull=True),
                name="move_bins_differ",
            ),
        ]
        indexes = [
            models.Index(fields=["factory", "material", "created_at"], name="stockmove_material_at")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} {self.lot}"


class StockBalance(FactoryOwned):
    """On-hand quantity of a lot in a bin: the running sum of its moves, kept in the same
    transaction as each move. It is the row the ledger locks, so two clerks cannot both
    issue the last roll. `stock_balances_verify` recomputes it from the moves."""

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="balances")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="balances")
    bin = models.ForeignKey(Bin, on_delete=models.PROTECT, related_name="balances")
    quantity = quantity_field(_("on hand"))

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        ordering = ["material", "lot", "bin"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "lot", "bin"], name="balance_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="balance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.lot} @ {self.bin}: {self.quantity}"


class Reservation(FactoryOwned):
    """A lot held for a work order's cut. Issuing to that work order consumes it; nobody
    else may take the reserved quantity."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CONSUMED = "consumed", _("Consumed")
        RELEASED = "released", _("Released")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="reservations")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="reservations")
    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("work order"),
    )
    quantity = quantity_field(_("reserved"))
    issued_quantity = quantity_field(_("issued"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["factory", "-created_at"], name="reservation_factory_created")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.lot} · {self.quantity}"

    @property
    def open_quantity(self):
        return self.quantity - self.issued_quantity
