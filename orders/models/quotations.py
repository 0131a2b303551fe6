"""Quotations: the factory's price offer to a merchant for a tech-pack version, per size.

Built from the style's pre-cost (orders/costing.py) with a margin. The merchant sees a sent
quotation's prices and validity, never its cost or margin (the API and pages leave them out).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import OrgKind
from core.tenancy import NOTHING
from factories.tenancy import FactoryOwned
from orders.models.styles import StyleVersion


class QuotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


def quotation_scope(org, *, prefix: str = "") -> Q:
    """The factory sees its quotations; the merchant those sent to it (never a draft)."""
    if org.kind == OrgKind.FACTORY:
        return Q(factory_id=org.pk)
    if org.kind == OrgKind.MERCHANT:
        return Q(**{f"{prefix}merchant": org}) & ~Q(**{f"{prefix}status": QuotationStatus.DRAFT})
    return NOTHING


class Quotation(FactoryOwned):
    """A price offer to one merchant for one released tech-pack version, valid until a date
    (the factory's day). Its margin and the costs of its lines are the factory's alone."""

    Status = QuotationStatus

    number = models.CharField(_("quotation number"), max_length=30)
    merchant = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="quotations",
        verbose_name=_("merchant"),
        limit_choices_to={"kind": OrgKind.MERCHANT},
    )
    version = models.ForeignKey(
        StyleVersion,
        on_delete=models.PROTECT,
        related_name="quotations",
        verbose_name=_("tech pack version"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=QuotationStatus.choices, default=QuotationStatus.DRAFT
    )
    margin_pct = models.DecimalField(_("margin %"), max_digits=7, decimal_places=2)
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "number"], name="quotation_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_for(cls, org) -> Q:
        return quotation_scope(org)


class QuotationLine(FactoryOwned):
    """The price of one size of a quotation, with the pre-cost it was built from."""

    quotation = models.ForeignKey(
        Quotation, on_delete=models.CASCADE, related_name="lines", verbose_name=_("quotation")
    )
    size = models.CharField(_("size"), max_length=20)
    unit_cost = models.DecimalField(
        _("pre-cost (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit_price = models.DecimalField(
        _("unit price (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        ordering = ["quotation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "quotation", "size"], name="quotation_line_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quotation} {self.size}: {self.unit_price}"

    @classmethod
    def scope_for(cls, org) -> Q:
        return quotation_scope(org, prefix="quotation__")
