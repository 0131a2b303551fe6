"""What a factory stocks: materials (fabrics, trims, packaging, finished goods) and what its
suppliers offer of them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Organization
from core.roles import OrgKind
from factories.tenancy import FactoryOwned
from inventory.models.fields import quantity_field, unit_cost_field


class Material(FactoryOwned):
    """A stocked item. `code` is how other apps (BOM lines, material requirements) name it.

    Finished goods are materials of kind `finished` with style, colour and size: one ledger
    carries fabric rolls and packed garments alike.
    """

    class Kind(models.TextChoices):
        FABRIC = "fabric", _("Fabric")
        TRIM = "trim", _("Trim or accessory")
        PACKAGING = "packaging", _("Packaging")
        FINISHED = "finished", _("Finished goods")

    class TrimType(models.TextChoices):
        NONE = "", _("—")
        BUTTON = "button", _("Button")
        ZIP = "zip", _("Zip")
        LABEL = "label", _("Label")
        THREAD = "thread", _("Thread")
        INTERLINING = "interlining", _("Interlining")
        ELASTIC = "elastic", _("Elastic")
        OTHER = "other", _("Other")

    class Unit(models.TextChoices):
        METRE = "m", _("metres")
        KILOGRAM = "kg", _("kilograms")
        PIECE = "pcs", _("pieces")
        CONE = "cone", _("cones")

    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    trim_type = models.CharField(
        _("trim type"), max_length=16, choices=TrimType.choices, blank=True, default=""
    )
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    colour = models.CharField(_("colour"), max_length=60, blank=True)
    # Fabric attributes
    composition = models.CharField(_("composition"), max_length=120, blank=True)
    width_cm = models.DecimalField(
        _("usable width (cm)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    weight_gsm = models.PositiveIntegerField(_("weight (g/m²)"), null=True, blank=True)
    shrinkage_pct = models.DecimalField(
        _("shrinkage %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # Finished goods (SKU) attributes
    style_code = models.CharField(_("style"), max_length=40, blank=True)
    size = models.CharField(_("size"), max_length=20, blank=True)
    # Moving-average cost, maintained by the ledger services.
    average_cost = unit_cost_field(_("moving-average cost"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "code"], name="material_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupplierItem(FactoryOwned):
    """A supplier's offer of a material to this factory: price, minimum quantity, lead time."""

    material = models.ForeignKey(
        Material,
        on_delete=models.CASCADE,
        related_name="supplier_items",
        verbose_name=_("material"),
    )
    supplier = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrgKind.SUPPLIER},
        verbose_name=_("supplier"),
    )
    supplier_code = models.CharField(_("supplier's article number"), max_length=60, blank=True)
    unit_price = unit_cost_field(_("unit price"))
    minimum_quantity = quantity_field(_("minimum order quantity"))
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=7)
    is_preferred = models.BooleanField(_("preferred"), default=True)

    class Meta:
        verbose_name = _("supplier catalogue entry")
        verbose_name_plural = _("supplier catalogue entries")
        ordering = ["material", "-is_preferred", "unit_price"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "material", "supplier"], name="supplier_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material.code} · {self.supplier}"

    @property
    def article_no(self) -> str:
        """The supplier's article number under the name the API and the sheets use
        (`supplier_code` elsewhere is the supplier organization's code)."""
        return self.supplier_code
