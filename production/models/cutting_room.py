"""The cutting room's records: rolls spread on a lay, re-cuts of defective panels, the
cutter and spreader events linked to a lay, and which bundles each carton holds (traceability).

A spread roll names the inventory lot it came from (its roll number and dye lot are the lot's)
and the stock move that issued it; a re-cut may issue fabric too. Both moves are posted by
inventory's ledger (`stock_issue`), never written here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned
from production.models.cutting import Bundle, Lay
from production.models.packing import Carton


class SpreadRoll(FactoryOwned):
    """One roll spread on a lay: its lot, plies, metres used, end bits and shade group."""

    lay = models.ForeignKey(
        Lay, on_delete=models.CASCADE, related_name="rolls", verbose_name=_("lay")
    )
    sequence = models.PositiveIntegerField(_("roll on the lay"))
    lot = models.ForeignKey(
        "inventory.Lot", on_delete=models.PROTECT, related_name="+", verbose_name=_("lot")
    )
    plies = models.PositiveIntegerField(_("plies"))
    length_m = models.DecimalField(_("length used (m)"), max_digits=10, decimal_places=2)
    end_bits_m = models.DecimalField(_("end bits (m)"), max_digits=10, decimal_places=2)
    shade_group = models.CharField(_("shade group"), max_length=10, blank=True)
    stock_move = models.ForeignKey(
        "inventory.StockMove",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("fabric issue"),
    )
    spread_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    spread_at = models.DateTimeField(_("spread at"), auto_now_add=True)

    class Meta:
        verbose_name = _("spread roll")
        verbose_name_plural = _("spread rolls")
        ordering = ["lay", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "lay", "sequence"], name="spread_roll_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lay} #{self.sequence} {self.lot_id} × {self.plies}"


class Recut(FactoryOwned):
    """Panels cut again for a bundle's defective pieces, with fabric issued when a lot is named."""

    bundle = models.ForeignKey(
        Bundle, on_delete=models.CASCADE, related_name="recuts", verbose_name=_("bundle")
    )
    lay = models.ForeignKey(
        Lay, on_delete=models.CASCADE, related_name="recuts", verbose_name=_("lay")
    )
    pieces = models.PositiveIntegerField(_("pieces"))
    reason = models.CharField(_("reason"), max_length=200)
    lot = models.ForeignKey(
        "inventory.Lot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lot"),
    )
    length_m = models.DecimalField(
        _("fabric (m)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    stock_move = models.ForeignKey(
        "inventory.StockMove",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fabric issue"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("re-cut")
        verbose_name_plural = _("re-cuts")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["factory", "-recorded_at"], name="recut_factory_recorded")]

    def __str__(self) -> str:
        return f"{self.bundle} re-cut × {self.pieces}"


class LayEvent(FactoryOwned):
    """A cutter or spreader event linked to its lay (handed over by devices after ingest).

    `external_id` ("device:<device id>:<sequence>") makes one device event one row, however
    often the hand-off runs; the telemetry record itself stays in devices' tables.
    """

    lay = models.ForeignKey(
        Lay, on_delete=models.CASCADE, related_name="events", verbose_name=_("lay")
    )
    kind = models.CharField(_("kind"), max_length=32)
    device_code = models.CharField(_("device"), max_length=60)
    time = models.DateTimeField(_("device time"))
    plies = models.PositiveIntegerField(_("plies"), null=True, blank=True)
    metres = models.DecimalField(
        _("metres"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    external_id = models.CharField(_("event"), max_length=80)

    class Meta:
        verbose_name = _("lay event")
        verbose_name_plural = _("lay events")
        ordering = ["lay", "time", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "external_id"], name="lay_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.lay} {self.kind} {self.device_code}"


class CartonBundle(FactoryOwned):
    """Pieces of one bundle packed in a carton: cartons are filled from bundles in number order,
    so a shipped carton can be traced back to its bundles (and their lays and rolls)."""

    carton = models.ForeignKey(
        Carton, on_delete=models.CASCADE, related_name="bundle_links", verbose_name=_("carton")
    )
    bundle = models.ForeignKey(
        Bundle, on_delete=models.CASCADE, related_name="carton_links", verbose_name=_("bundle")
    )
    quantity = models.PositiveIntegerField(_("pieces"))

    class Meta:
        verbose_name = _("carton bundle")
        verbose_name_plural = _("carton bundles")
        ordering = ["carton", "bundle"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "carton", "bundle"], name="carton_bundle_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carton} ← {self.bundle} × {self.quantity}"
