"""Merchant orders (C2M): a released tech-pack version ordered in a size × colour grid."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import OrgKind
from factories.tenancy import FactoryOwned
from orders.models.scopes import merchant_or_factory
from orders.models.styles import StyleVersion


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLACED = "placed", _("Placed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    IN_PRODUCTION = "in_production", _("In production")
    PARTLY_SHIPPED = "partly_shipped", _("Partly shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class Order(FactoryOwned):
    """A merchant's order with a factory. The merchant sees it; so does the factory."""

    Status = OrderStatus

    number = models.CharField(_("order number"), max_length=30)
    merchant = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("merchant"),
        limit_choices_to={"kind": OrgKind.MERCHANT},
    )
    version = models.ForeignKey(
        StyleVersion,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("tech pack version"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    requested_date = models.DateField(_("requested delivery date"))
    promised_date = models.DateField(_("promised date"), null=True, blank=True)
    ship_to = models.TextField(_("ship-to address"))
    unit_price = models.DecimalField(
        _("unit price (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    quotation = models.ForeignKey(
        "orders.Quotation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("accepted quotation"),
    )
    notes = models.TextField(_("notes"), blank=True)
    external_ref = models.CharField(
        _("merchant's reference"), max_length=64, blank=True, default=""
    )
    total_quantity = models.PositiveIntegerField(_("total quantity"), default=0)
    shipped_quantity = models.PositiveIntegerField(_("shipped quantity"), default=0)
    reorder_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reorders",
        verbose_name=_("re-order of"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "number"], name="order_number_unique"),
            models.UniqueConstraint(
                fields=["factory", "merchant", "external_ref"],
                condition=~Q(external_ref=""),
                name="order_external_ref_unique",
            ),
        ]
        indexes = [models.Index(fields=["factory", "status"], name="order_factory_status")]

    def __str__(self) -> str:
        return self.number

    # The statuses in which the factory has said yes to the order: its promised date stands.
    PROMISED = frozenset({"accepted", "in_production", "partly_shipped", "shipped", "delivered"})

    @property
    def promise_given(self) -> bool:
        """Whether the factory has accepted the order. Before, `promised_date` is production's
        estimate (capable-to-promise at placing), not a promise: a merchant is not shown it."""
        return self.status in self.PROMISED

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.total_quantity).quantize(Decimal("0.01"))

    @classmethod
    def scope_for(cls, org) -> Q:
        return merchant_or_factory(org)


class OrderLine(FactoryOwned):
    """One cell of an order's size × colour grid."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    size = models.CharField(_("size"), max_length=20)
    colour = models.CharField(_("colour"), max_length=40)
    quantity = models.PositiveIntegerField(_("quantity"))
    shipped_quantity = models.PositiveIntegerField(_("shipped quantity"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "colour", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "order", "size", "colour"], name="order_line_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.colour}/{self.size} × {self.quantity}"

    @classmethod
    def scope_for(cls, org) -> Q:
        return merchant_or_factory(org, merchant="order__merchant")


class OrderEvent(FactoryOwned):
    """A lifecycle transition of an order: from, to, who and when."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order")
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=OrderStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    by_organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for organization"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["order", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.order}: {self.from_status} → {self.to_status}"

    @classmethod
    def scope_for(cls, org) -> Q:
        return merchant_or_factory(org, merchant="order__merchant")


class OrderShipment(FactoryOwned):
    """What the merchant is told about a shipment: carrier, tracking number, pieces per cell.

    Production's packing and shipment service records it through `order_shipment_record`.
    """

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order")
    )
    carrier = models.CharField(_("carrier"), max_length=60)
    tracking_no = models.CharField(_("tracking number"), max_length=60, blank=True)
    quantity = models.PositiveIntegerField(_("pieces"))
    lines = models.JSONField(_("pieces per colour and size"), default=list)
    shipped_at = models.DateTimeField(_("shipped at"))
    reference = models.CharField(_("shipment reference"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("order shipment")
        verbose_name_plural = _("order shipments")
        ordering = ["order", "shipped_at", "pk"]
        indexes = [
            models.Index(
                fields=["factory", "order", "shipped_at"], name="order_shipment_factory_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.carrier} {self.tracking_no}"

    @classmethod
    def scope_for(cls, org) -> Q:
        return merchant_or_factory(org, merchant="order__merchant")


def order_factory_ids(org) -> list[int]:
    """The factories holding a merchant's orders (its reach under row-level security)."""
    if org.kind != OrgKind.MERCHANT:
        return []
    return list(
        Order.objects.filter(merchant_id=org.pk)
        .order_by()
        .values_list("factory_id", flat=True)
        .distinct()
    )
