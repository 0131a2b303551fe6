"""Buying material: purchase orders to supplier organizations, their lines, and the incoming
fabric inspection of the rolls received against them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Organization
from core.roles import OrgKind
from core.tenancy import NOTHING
from factories.tenancy import FactoryOwned
from inventory.models.catalogue import Material
from inventory.models.fields import quantity_field, unit_cost_field
from inventory.models.stock import Lot


class PurchaseOrder(FactoryOwned):
    """An order for material to one supplier. The supplier sees it once it is sent."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent to supplier")
        CONFIRMED = "confirmed", _("Confirmed")
        PARTIAL = "partial", _("Partly received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.SENT, Status.CONFIRMED, Status.PARTIAL)

    number = models.CharField(_("number"), max_length=30)
    supplier = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        limit_choices_to={"kind": OrgKind.SUPPLIER},
        verbose_name=_("supplier"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    tolerance_pct = models.DecimalField(
        _("over/under delivery tolerance %"), max_digits=5, decimal_places=2, default=Decimal("5")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "number"], name="po_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_for(cls, org) -> Q:
        if org.kind == OrgKind.FACTORY:
            return Q(factory_id=org.pk)
        if org.kind == OrgKind.SUPPLIER:
            # A supplier sees the orders addressed to it, once sent — nothing else.
            return Q(supplier=org) & ~Q(status=cls.Status.DRAFT)
        return NOTHING


class PurchaseOrderLine(FactoryOwned):
    """One material on a purchase order: ordered, confirmed by the supplier, received."""

    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines"
    )
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="purchase_lines")
    quantity = quantity_field(_("ordered"))
    unit_price = unit_cost_field(_("unit price"))
    need_date = models.DateField(_("needed by"))
    confirmed_quantity = quantity_field(_("confirmed"), null=True, blank=True, default=None)
    confirmed_ship_date = models.DateField(_("confirmed ship date"), null=True, blank=True)
    received_quantity = quantity_field(_("received"))
    received_on = models.DateField(_("fully received on"), null=True, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["purchase_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="po_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.purchase_order} · {self.material.code}"

    @classmethod
    def scope_for(cls, org) -> Q:
        if org.kind == OrgKind.FACTORY:
            return Q(factory_id=org.pk)
        if org.kind == OrgKind.SUPPLIER:
            return Q(purchase_order__supplier=org) & ~Q(
                purchase_order__status=PurchaseOrder.Status.DRAFT
            )
        return NOTHING

    @property
    def ships_late_by(self) -> int:
        """Days the supplier's confirmed ship date falls after the date the material is needed
        (0 when on time or not confirmed): the page warns of it."""
        if self.confirmed_ship_date is None:
            return 0
        return max(0, (self.confirmed_ship_date - self.need_date).days)

    @property
    def expected_quantity(self):
        """What the factory can count on: the supplier's confirmation, else the order."""
        return self.confirmed_quantity if self.confirmed_quantity is not None else self.quantity

    @property
    def open_quantity(self):
        if self.is_closed:
            return Decimal("0")
        return max(self.expected_quantity - self.received_quantity, Decimal("0"))

    @property
    def expected_date(self):
        return self.confirmed_ship_date or self.need_date


class FabricInspection(FactoryOwned):
    """Incoming inspection of a roll by the four-point system.

    Defects are counted by length: up to 3 inches 1 point, 3–6 inches 2, 6–9 inches 3, over
    9 inches (and any hole) 4. Points per 100 square yards = points × 3600 / (yards inspected ×
    usable width in inches); the roll passes at or below the factory's limit (40 by default).
    """

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="inspections")
    inspected_metres = quantity_field(_("metres inspected"))
    width_cm = models.DecimalField(_("usable width (cm)"), max_digits=6, decimal_places=1)
    defects_1 = models.PositiveIntegerField(_("1-point defects"), default=0)
    defects_2 = models.PositiveIntegerField(_("2-point defects"), default=0)
    defects_3 = models.PositiveIntegerField(_("3-point defects"), default=0)
    defects_4 = models.PositiveIntegerField(_("4-point defects"), default=0)
    points = models.PositiveIntegerField(_("points"))
    points_per_100_sq_yd = models.DecimalField(
        _("points per 100 square yards"), max_digits=8, decimal_places=2
    )
    pass_limit = models.DecimalField(_("pass limit"), max_digits=6, decimal_places=2)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    inspected_at = models.DateTimeField(_("inspected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fabric inspection")
        verbose_name_plural = _("fabric inspections")
        ordering = ["-inspected_at"]
        indexes = [
            models.Index(fields=["factory", "-inspected_at"], name="fabric_insp_factory_inspected")
        ]

    def __str__(self) -> str:
        return f"{self.lot} · {self.points_per_100_sq_yd}"


def purchase_order_factory_ids(org) -> list[int]:
    """The factories that sent a supplier purchase orders (its reach under row-level
    security)."""
    if org.kind != OrgKind.SUPPLIER:
        return []
    return list(
        PurchaseOrder.objects.filter(supplier_id=org.pk)
        .exclude(status=PurchaseOrder.Status.DRAFT)
        .order_by()
        .values_list("factory_id", flat=True)
        .distinct()
    )
