"""Styles and their tech packs: size run, colours, size chart, BOM and routing.

A tech pack is a `StyleVersion`. Releasing it freezes it; a change makes a new version; orders
point at a released version, so what a merchant ordered never changes under the factory's feet.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import OrgKind
from core.tenancy import NOTHING
from factories.models import Category
from factories.tenancy import FactoryOwned
from orders.models.scopes import partner_factory_ids


class Style(FactoryOwned):
    """A garment design of a factory (optionally developed for one merchant)."""

    number = models.CharField(_("style number"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    season = models.CharField(_("season"), max_length=20, blank=True)
    merchant = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="styles",
        verbose_name=_("developed for merchant"),
        limit_choices_to={"kind": OrgKind.MERCHANT},
    )
    photo = models.ImageField(_("photo"), upload_to="styles/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("style")
        verbose_name_plural = _("styles")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "number"], name="style_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @classmethod
    def scope_for(cls, org) -> Q:
        if org.kind == OrgKind.FACTORY:
            return Q(factory_id=org.pk)
        if org.kind == OrgKind.MERCHANT:
            # A merchant sees its own developments and the open catalogue of its partners.
            return Q(factory_id__in=partner_factory_ids(org)) & (
                Q(merchant=org) | Q(merchant__isnull=True)
            )
        return NOTHING


class StyleVersion(FactoryOwned):
    """One version of a style's tech pack. Released versions are frozen and can be ordered."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RELEASED = "released", _("Released")

    style = models.ForeignKey(
        Style, on_delete=models.CASCADE, related_name="versions", verbose_name=_("style")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    sizes = models.JSONField(_("size run"), default=list, help_text=_("In order, e.g. S…3XL."))
    colours = models.JSONField(_("colours"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )

    class Meta:
        verbose_name = _("tech pack version")
        verbose_name_plural = _("tech pack versions")
        ordering = ["style", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "style", "version"], name="style_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.style.number} v{self.version}"

    @property
    def is_released(self) -> bool:
        return self.status == self.Status.RELEASED

    @property
    def sam_per_garment(self) -> Decimal:
        return sum((op.sam for op in self.operations.all()), Decimal("0"))

    @classmethod
    def scope_for(cls, org) -> Q:
        if org.kind == OrgKind.FACTORY:
            return Q(factory_id=org.pk)
        if org.kind == OrgKind.MERCHANT:
            style_ids = Style.objects.filter(Style.scope_for(org)).values("pk")
            return Q(status=cls.Status.RELEASED, style_id__in=style_ids)
        return NOTHING


class SizeChartPoint(FactoryOwned):
    """A point of measure of a tech pack, graded per size (cm), with its tolerance."""

    version = models.ForeignKey(
        StyleVersion, on_delete=models.CASCADE, related_name="size_chart", verbose_name=_("version")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("point of measure"), max_length=100)
    tolerance_cm = models.DecimalField(
        _("tolerance (cm)"), max_digits=5, decimal_places=2, default=Decimal("1.00")
    )
    values = models.JSONField(_("measurement per size (cm)"), default=dict)

    class Meta:
        verbose_name = _("size chart point")
        verbose_name_plural = _("size chart points")
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "version", "code"], name="size_chart_point_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BomLine(FactoryOwned):
    """A material of a tech pack, by inventory material code, with consumption per size.

    `consumption` maps size → quantity per garment (in `unit`) before wastage. The main fabric's
    consumption gives markers their length.
    """

    version = models.ForeignKey(
        StyleVersion, on_delete=models.CASCADE, related_name="bom", verbose_name=_("version")
    )
    sequence = models.PositiveIntegerField(_("sequence"), default=1)
    material_code = models.CharField(_("material code"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="m")
    consumption = models.JSONField(_("consumption per garment by size"), default=dict)
    wastage_pct = models.DecimalField(
        _("wastage %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    placement = models.CharField(_("placement"), max_length=100, blank=True)
    is_main_fabric = models.BooleanField(_("main fabric"), default=False)

    class Meta:
        verbose_name = _("BOM line")
        verbose_name_plural = _("BOM lines")
        ordering = ["version", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "version", "material_code"], name="bom_material_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material_code} {self.description}"

    def consumption_for(self, size: str) -> Decimal:
        return Decimal(str(self.consumption.get(size, "0")))


class RoutingOperation(FactoryOwned):
    """One operation of a tech pack's routing, in sewing order.

    The piece rate defaults to SAM × the factory's rate per minute and may be edited; conversion
    freezes both into the work order.
    """

    version = models.ForeignKey(
        StyleVersion,
        on_delete=models.CASCADE,
        related_name="operations",
        verbose_name=_("version"),
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    machine_type = models.CharField(_("machine type"), max_length=60, blank=True)
    sam = models.DecimalField(
        _("SAM (minutes)"),
        max_digits=7,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0"))],
    )
    skill_grade = models.PositiveSmallIntegerField(_("skill grade"), default=2)
    # Yuan per piece with 4 places: piece rates are fractions of a fen; amounts round to 2.
    piece_rate = models.DecimalField(
        _("piece rate (yuan)"),
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_scanned = models.BooleanField(
        _("scanned (tear-off coupon)"), default=True, help_text=_("Gets a coupon on the ticket.")
    )

    class Meta:
        verbose_name = _("routing operation")
        verbose_name_plural = _("routing operations")
        ordering = ["version", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "version", "sequence"], name="routing_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.name}"
