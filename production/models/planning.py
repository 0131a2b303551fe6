"""The production plan: where and when each work order is sewn (from the finite-capacity
planner), and the line balance chosen for a work order on its line."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from factories.tenancy import FactoryOwned


class ScheduleEntry(FactoryOwned):
    """A work order's place in the plan: line, start and finish, booked minutes per day.

    `pinned_line` / `pinned_start` are a planner's move; they survive re-planning, and
    everything sequenced after the order on that line follows it.
    """

    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.CASCADE,
        related_name="schedule_entries",
        verbose_name=_("work order"),
    )
    line = models.ForeignKey(
        "factories.SewingLine",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedule_entries",
        verbose_name=_("line"),
    )
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    start_date = models.DateField(_("start"), null=True, blank=True)
    finish_date = models.DateField(_("finish"), null=True, blank=True)
    load_minutes = models.PositiveIntegerField(_("load (SAM minutes)"), default=0)
    changeover_minutes = models.PositiveIntegerField(_("changeover minutes"), default=0)
    late_days = models.PositiveIntegerField(_("days late"), default=0)
    daily_minutes = models.JSONField(_("booked minutes per day"), default=dict, blank=True)
    pinned_line = models.ForeignKey(
        "factories.SewingLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pinned line"),
    )
    pinned_start = models.DateField(_("pinned start"), null=True, blank=True)
    is_unplaced = models.BooleanField(_("does not fit the horizon"), default=False)
    planned_at = models.DateTimeField(_("planned at"), auto_now=True)

    class Meta:
        verbose_name = _("schedule entry")
        verbose_name_plural = _("schedule entries")
        ordering = ["line", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "work_order"], name="schedule_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.work_order} @ {self.line} {self.start_date}–{self.finish_date}"


class LineBalance(FactoryOwned):
    """A line balance for a work order: assignments of operations to operators (shares),
    cycle time of the bottleneck, balance efficiency and target output per hour."""

    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.CASCADE,
        related_name="line_balances",
        verbose_name=_("work order"),
    )
    line = models.ForeignKey(
        "factories.SewingLine",
        on_delete=models.CASCADE,
        related_name="balances",
        verbose_name=_("line"),
    )
    cycle_time = models.DecimalField(
        _("bottleneck cycle time (min)"), max_digits=8, decimal_places=3
    )
    efficiency = models.DecimalField(_("balance efficiency"), max_digits=5, decimal_places=3)
    output_per_hour = models.DecimalField(
        _("target output per hour"), max_digits=8, decimal_places=1
    )
    bottleneck = models.ForeignKey(
        "factories.Worker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bottleneck operator"),
    )
    assignments = models.JSONField(_("assignments"), default=list)
    loads = models.JSONField(_("operator loads"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("line balance")
        verbose_name_plural = _("line balances")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["factory", "-created_at"], name="line_balance_factory_created")
        ]

    def __str__(self) -> str:
        return f"{self.work_order} @ {self.line}: {self.cycle_time} min"
