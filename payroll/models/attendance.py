"""Attendance (clock events and days) and non-piece time work."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned
from payroll.models.policy import TimeKind


class EntrySource(models.TextChoices):
    BADGE = "badge", _("Badge scan")
    DEVICE = "device", _("Device data")
    SUPERVISOR = "supervisor", _("Supervisor entry")


class TimeEntry(FactoryOwned):
    """Minutes of non-piece work by a worker on a day, paid at the kind's time rate."""

    worker = models.ForeignKey(
        "factories.Worker", on_delete=models.PROTECT, related_name="+", verbose_name=_("worker")
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=16, choices=TimeKind.choices)
    minutes = models.PositiveIntegerField(_("minutes"))
    source = models.CharField(
        _("source"), max_length=16, choices=EntrySource.choices, default=EntrySource.SUPERVISOR
    )
    source_ref = models.CharField(_("source reference"), max_length=80, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-day", "worker_id"]
        indexes = [models.Index(fields=["factory", "day"], name="time_entry_day")]
        constraints = [
            # Device imports are idempotent: one entry per device rollup.
            models.UniqueConstraint(
                fields=["factory", "source_ref"],
                condition=~Q(source_ref=""),
                name="time_entry_source_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day} {self.kind} {self.minutes}"


class AttendanceEvent(FactoryOwned):
    """A clock-in or clock-out: a badge scan, or a supervisor's entry with a reason."""

    class Direction(models.TextChoices):
        IN = "in", _("Clock in")
        OUT = "out", _("Clock out")

    worker = models.ForeignKey(
        "factories.Worker", on_delete=models.PROTECT, related_name="+", verbose_name=_("worker")
    )
    at = models.DateTimeField(_("at"))
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    source = models.CharField(
        _("source"), max_length=16, choices=EntrySource.choices, default=EntrySource.BADGE
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance event")
        verbose_name_plural = _("attendance events")
        ordering = ["-at"]
        indexes = [models.Index(fields=["factory", "worker", "at"], name="attendance_event_at")]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.direction} {self.at:%Y-%m-%d %H:%M}"


class AttendanceDay(FactoryOwned):
    """Attended minutes of a worker on a day (factory time), derived from the day's events."""

    worker = models.ForeignKey(
        "factories.Worker", on_delete=models.PROTECT, related_name="+", verbose_name=_("worker")
    )
    day = models.DateField(_("day"))
    minutes = models.PositiveIntegerField(_("attended minutes"), default=0)
    first_in = models.DateTimeField(_("first clock-in"), null=True, blank=True)
    last_out = models.DateTimeField(_("last clock-out"), null=True, blank=True)
    unmatched = models.BooleanField(_("has an unmatched scan"), default=False)

    class Meta:
        verbose_name = _("attendance day")
        verbose_name_plural = _("attendance days")
        ordering = ["-day", "worker_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "worker", "day"], name="attendance_day_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day} {self.minutes}"
