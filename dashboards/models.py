"""Rollups the dashboards read, and the factory data profile's share links.

Dashboards never aggregate raw telemetry or raw operation records while a page waits: Celery
tasks (fed by `core.realtime` notifications and a periodic catch-up) rebuild these tables, one
hour or one day at a time, by calling the selectors of the app that owns each figure — so a
rollup's sum over a window is that app's figure for the window. Hours are the factory's local
clock hours (stored as their UTC start), days its local days. A rebuild replaces the bucket's
rows, so running it twice gives the same rows.
"""

import secrets as token_secrets
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import User
from factories.models import SewingLine, Station, Worker
from factories.tenancy import FactoryOwned

ZERO = Decimal("0")


class OutputHour(FactoryOwned):
    """Pieces done in one local clock hour by one operator on one line for one work order, as
    `production.selectors.output_rows` counts them.

    `good`, `defective` and `reworked` count operations (a garment passes many); `finished`
    counts garments through the last scanned operation of their routing; `earned_minutes` is
    standard minutes (SAM × good pieces).
    """

    hour = models.DateTimeField(_("hour"))
    line = models.ForeignKey(
        SewingLine, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Production's work order, by id: the rollup outlives a deleted work order's history.
    work_order_id = models.BigIntegerField(_("work order id"), null=True, blank=True)
    good = models.PositiveIntegerField(_("good pieces"), default=0)
    defective = models.PositiveIntegerField(_("defective pieces"), default=0)
    reworked = models.PositiveIntegerField(_("reworked pieces"), default=0)
    finished = models.PositiveIntegerField(_("finished garments"), default=0)
    earned_minutes = models.DecimalField(
        _("earned standard minutes"), max_digits=12, decimal_places=2, default=ZERO
    )

    class Meta:
        verbose_name = _("hourly output")
        verbose_name_plural = _("hourly output")
        indexes = [
            models.Index(fields=["factory", "hour"], name="dash_outputhour_fh"),
            models.Index(fields=["factory", "work_order_id"], name="dash_outputhour_fwo"),
        ]


class MachineHour(FactoryOwned):
    """One machine's local clock hour, as `devices.selectors.machine_rows` sums its per-minute
    rollups: seconds running, idle and stopped, hangers that arrived at and left its station,
    pieces counted."""

    hour = models.DateTimeField(_("hour"))
    # Devices' Device, by id: rollups outlive a retired device's registry row.
    device_id = models.BigIntegerField(_("device id"))
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    running_seconds = models.PositiveIntegerField(default=0)
    idle_seconds = models.PositiveIntegerField(default=0)
    stopped_seconds = models.PositiveIntegerField(default=0)
    arrivals = models.PositiveIntegerField(default=0)
    departures = models.PositiveIntegerField(default=0)
    pieces = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("machine hour")
        verbose_name_plural = _("machine hours")
        indexes = [models.Index(fields=["factory", "hour"], name="dash_machinehour_fh")]


class LineDay(FactoryOwned):
    """One line's output and quality on one local day (the factory's time zone)."""

    day = models.DateField(_("day"))
    line = models.ForeignKey(
        SewingLine, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    finished = models.PositiveIntegerField(_("finished garments"), default=0)
    good = models.PositiveIntegerField(_("good pieces"), default=0)
    defective = models.PositiveIntegerField(_("defective pieces"), default=0)
    inspected = models.PositiveIntegerField(_("inspected"), default=0)
    passed = models.PositiveIntegerField(_("passed inspection"), default=0)
    defects = models.PositiveIntegerField(_("defects found"), default=0)

    class Meta:
        verbose_name = _("line day")
        verbose_name_plural = _("line days")
        indexes = [models.Index(fields=["factory", "day"], name="dash_lineday_fd")]


class FactoryDay(FactoryOwned):
    """One factory's local day: output, quality, people, pay, machines, order intake and
    delivery — each column built by its owner's selector (see `services.day_rebuild`).

    The district report and the data profile read only this table.
    """

    day = models.DateField(_("day"))
    finished = models.PositiveIntegerField(_("finished garments"), default=0)
    good = models.PositiveIntegerField(_("good pieces"), default=0)
    defective = models.PositiveIntegerField(_("defective pieces"), default=0)
    earned_minutes = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    available_minutes = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    operators = models.PositiveIntegerField(_("operators at work"), default=0)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    # payroll's day wages and the operator-days they pay (payroll.selectors.wages_by_day)
    wages = models.DecimalField(_("wages"), max_digits=14, decimal_places=2, default=ZERO)
    wage_days = models.PositiveIntegerField(_("operator-days paid"), default=0)
    running_seconds = models.PositiveBigIntegerField(default=0)
    idle_seconds = models.PositiveBigIntegerField(default=0)
    stopped_seconds = models.PositiveBigIntegerField(default=0)
    inspected = models.PositiveIntegerField(default=0)
    passed = models.PositiveIntegerField(default=0)
    defects = models.PositiveIntegerField(default=0)
    orders_received = models.PositiveIntegerField(default=0)
    pieces_ordered = models.PositiveIntegerField(default=0)
    orders_delivered = models.PositiveIntegerField(default=0)
    orders_delivered_on_time = models.PositiveIntegerField(default=0)
    pieces_shipped = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("factory day")
        verbose_name_plural = _("factory days")
        constraints = [
            models.UniqueConstraint(fields=["factory", "day"], name="dash_factoryday_unique")
        ]


class ProfileLink(FactoryOwned):
    """A link through which a lender or a new customer sees the factory's data profile.

    It expires and can be revoked; every view is logged in `ProfileLinkView`.
    """

    token = models.CharField(max_length=64, unique=True, editable=False)
    recipient = models.CharField(_("shared with"), max_length=200)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("data profile link")
        verbose_name_plural = _("data profile links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.recipient

    @staticmethod
    def new_token() -> str:
        return token_secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ProfileLinkView(FactoryOwned):
    """One opening of a profile link: when, from where, and exactly what it showed."""

    link = models.ForeignKey(ProfileLink, on_delete=models.CASCADE, related_name="views")
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    shown = models.JSONField(_("figures shown"), default=dict)

    class Meta:
        verbose_name = _("data profile view")
        verbose_name_plural = _("data profile views")
        ordering = ["-viewed_at"]


class SyntheticHistory(FactoryOwned):
    """The days of a factory's rollups that the demo's synthetic history may have filled (days
    without real records from `first_day` to `last_day`): the screens that show those rollups
    label them. Written by simulation through `services.synthetic_history_record`."""

    first_day = models.DateField(_("first synthetic day"))
    last_day = models.DateField(_("last synthetic day"))
    written_at = models.DateTimeField(_("written at"), auto_now=True)

    class Meta:
        verbose_name = _("synthetic history")
        verbose_name_plural = _("synthetic histories")
        constraints = [
            models.UniqueConstraint(fields=["factory"], name="dash_synthetic_history_unique")
        ]

    def __str__(self) -> str:
        return f"{self.first_day} – {self.last_day}"
