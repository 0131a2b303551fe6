"""Merchants' daily sales per SKU: what sells drives the re-order (small batch, quick return)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import OrgKind
from factories.tenancy import FactoryOwned
from orders.models.scopes import merchant_or_factory
from orders.models.styles import Style


class DailySale(FactoryOwned):
    """Pieces of one style × size × colour a merchant sold on one day, and its stock that day."""

    merchant = models.ForeignKey(
        "core.Organization",
        on_delete=models.CASCADE,
        related_name="daily_sales",
        verbose_name=_("merchant"),
        limit_choices_to={"kind": OrgKind.MERCHANT},
    )
    style = models.ForeignKey(
        Style, on_delete=models.CASCADE, related_name="daily_sales", verbose_name=_("style")
    )
    date = models.DateField(_("date"))
    size = models.CharField(_("size"), max_length=20)
    colour = models.CharField(_("colour"), max_length=40)
    quantity_sold = models.PositiveIntegerField(_("pieces sold"))
    stock_on_hand = models.PositiveIntegerField(_("stock on hand"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily sale")
        verbose_name_plural = _("daily sales")
        ordering = ["-date", "style", "colour", "size"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "merchant", "style", "date", "size", "colour"],
                name="daily_sale_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.style.number} {self.colour}/{self.size}: {self.quantity_sold}"

    @classmethod
    def scope_for(cls, org) -> Q:
        return merchant_or_factory(org)
