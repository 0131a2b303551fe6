"""Material requirements planning: runs, the shortages they found per work order, the
purchases they suggest, and the logged overrides that release a short work order anyway."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Organization
from factories.tenancy import FactoryOwned
from inventory.models.catalogue import Material
from inventory.models.fields import quantity_field, unit_cost_field
from inventory.models.purchasing import PurchaseOrder


class MrpRun(FactoryOwned):
    """One MRP calculation. The latest run's shortages and suggestions are the current ones."""

    work_orders = models.PositiveIntegerField(_("work orders planned"), default=0)
    shortages = models.PositiveIntegerField(_("shortages"), default=0)
    suggestions = models.PositiveIntegerField(_("purchase suggestions"), default=0)
    seconds = models.DecimalField(_("seconds"), max_digits=8, decimal_places=3, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)

    class Meta:
        verbose_name = _("MRP run")
        verbose_name_plural = _("MRP runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["factory", "-created_at"], name="mrp_run_factory_created")]

    def __str__(self) -> str:
        return f"MRP {self.created_at:%Y-%m-%d %H:%M}"


class MaterialShortage(FactoryOwned):
    """What a work order still lacks of a material by its need date, after stock and open
    purchases were allocated in need-date order."""

    run = models.ForeignKey(MrpRun, on_delete=models.CASCADE, related_name="shortage_rows")
    work_order = models.ForeignKey(
        "production.WorkOrder", on_delete=models.CASCADE, related_name="+"
    )
    material_code = models.CharField(_("material"), max_length=40)
    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    need_date = models.DateField(_("needed by"))
    required = quantity_field(_("required"))
    from_stock = quantity_field(_("covered by stock"))
    from_purchases = quantity_field(_("covered by open purchases"))
    short = quantity_field(_("short"))

    class Meta:
        verbose_name = _("material shortage")
        verbose_name_plural = _("material shortages")
        ordering = ["need_date", "material_code"]
        indexes = [
            models.Index(
                fields=["factory", "need_date", "material_code"], name="shortage_factory_need_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.material_code} · {self.short}"


class PurchaseSuggestion(FactoryOwned):
    """A purchase MRP proposes: one material from one supplier, rounded up to its minimum."""

    run = models.ForeignKey(MrpRun, on_delete=models.CASCADE, related_name="suggestion_rows")
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    quantity = quantity_field(_("quantity"))
    short_quantity = quantity_field(_("short"))
    unit_price = unit_cost_field(_("unit price"))
    need_date = models.DateField(_("needed by"))
    order_by = models.DateField(_("order by"))
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("purchase suggestion")
        verbose_name_plural = _("purchase suggestions")
        ordering = ["order_by", "material__code"]
        indexes = [models.Index(fields=["factory", "order_by"], name="suggestion_factory_order_by")]

    def __str__(self) -> str:
        return f"{self.material.code} · {self.quantity}"


class ReleaseOverride(FactoryOwned):
    """A work order released to cutting although its materials were short: who, why, and
    what was short at that moment."""

    work_order = models.ForeignKey(
        "production.WorkOrder", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    shortages = models.JSONField(_("shortages at release"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("release override")
        verbose_name_plural = _("release overrides")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["factory", "-created_at"], name="release_override_factory")]

    def __str__(self) -> str:
        return f"{self.work_order_id} · {self.reason}"
