"""Writes of attendance, non-piece time work and machine-down time."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from devices.models import MinuteRollup
from factories.clock import day_bounds, days_bounds, local_date
from factories.models import Factory, Worker
from payroll.models import (
    AttendanceDay,
    AttendanceEvent,
    EntrySource,
    PayPeriod,
    TimeEntry,
    TimeKind,
)
from payroll.services.common import invalid, require_same_factory

# --- attendance and time work -------------------------------------------------------------------


def _refuse_locked_day(factory: Factory, day: date, field: str) -> None:
    if PayPeriod.objects.filter(
        factory=factory, starts_on__lte=day, ends_on__gte=day, status__in=PayPeriod.LOCKED
    ).exists():
        raise Conflict(
            _("This day belongs to an approved pay period; make an adjustment instead."),
            code="period_locked",
            errors={field: [_("In an approved pay period.")]},
        )


def _check_source(source: str, reason: str) -> None:
    if source not in EntrySource.values:
        raise invalid("source", _("Unknown source."))
    if source == EntrySource.SUPERVISOR and not reason.strip():
        raise invalid("reason", _("A supervisor's entry needs a reason."))


@transaction.atomic
def attendance_clock(
    *,
    factory: Factory,
    worker: Worker,
    at: datetime,
    direction: str,
    by,
    source: str = EntrySource.BADGE,
    reason: str = "",
) -> AttendanceEvent:
    """Record a clock-in or clock-out and refresh the worker's attended minutes for that day."""
    require_same_factory(factory, worker=worker)
    _check_source(source, reason)
    if direction not in AttendanceEvent.Direction.values:
        raise invalid("direction", _("Clock in or clock out."))
    if timezone.is_naive(at):
        raise invalid("at", _("The time needs a time zone."))
    if at > timezone.now() + timedelta(minutes=5):
        raise invalid("at", _("This time is in the future."))
    day = local_date(factory, at)  # a clock-in at 00:30 belongs to the factory's new day
    _refuse_locked_day(factory, day, "at")
    event = AttendanceEvent.objects.create(
        factory=factory,
        worker=worker,
        at=at,
        direction=direction,
        source=source,
        reason=reason.strip(),
        entered_by=by,
    )
    attendance_day_refresh(factory=factory, worker=worker, day=day)
    return event


def attended_minutes(events) -> tuple[int, bool]:
    """Minutes between each clock-in and the next clock-out; an unmatched scan counts nothing."""
    minutes, unmatched, opened = 0, False, None
    for at, direction in events:
        if direction == AttendanceEvent.Direction.IN:
            unmatched = unmatched or opened is not None
            opened = at
        elif opened is None:
            unmatched = True
        else:
            minutes += int((at - opened).total_seconds() // 60)
            opened = None
    return minutes, unmatched or opened is not None


@transaction.atomic
def attendance_day_refresh(*, factory: Factory, worker: Worker, day: date) -> AttendanceDay:
    start, end = day_bounds(factory, day)
    events = list(
        AttendanceEvent.objects.filter(factory=factory, worker=worker, at__gte=start, at__lt=end)
        .order_by("at", "pk")
        .values_list("at", "direction")
    )
    minutes, unmatched = attended_minutes(events)
    ins = [at for at, d in events if d == AttendanceEvent.Direction.IN]
    outs = [at for at, d in events if d == AttendanceEvent.Direction.OUT]
    attendance, _created = AttendanceDay.objects.update_or_create(
        factory=factory,
        worker=worker,
        day=day,
        defaults={
            "minutes": minutes,
            "unmatched": unmatched,
            "first_in": ins[0] if ins else None,
            "last_out": outs[-1] if outs else None,
        },
    )
    return attendance


@transaction.atomic
def time_entry_record(
    *,
    factory: Factory,
    worker: Worker,
    day: date,
    kind: str,
    minutes: int,
    by,
    source: str = EntrySource.SUPERVISOR,
    reason: str = "",
    source_ref: str = "",
) -> TimeEntry:
    """Minutes of training, waiting or machine-down time, paid at the kind's time rate."""
    require_same_factory(factory, worker=worker)
    _check_source(source, reason)
    if kind not in TimeKind.values:
        raise invalid("kind", _("Unknown kind of time work."))
    if not isinstance(minutes, int) or minutes <= 0 or minutes > 24 * 60:
        raise invalid("minutes", _("Minutes must be between 1 and 1440."))
    _refuse_locked_day(factory, day, "day")
    if source_ref:
        existing = TimeEntry.objects.filter(factory=factory, source_ref=source_ref).first()
        if existing is not None:
            return existing
    return TimeEntry.objects.create(
        factory=factory,
        worker=worker,
        day=day,
        kind=kind,
        minutes=minutes,
        source=source,
        reason=reason.strip(),
        source_ref=source_ref,
        entered_by=by,
    )


# Stops shorter than this are part of sewing (thread breaks, bobbin changes), not down time.
MIN_MACHINE_DOWN_MINUTES = 10


@transaction.atomic
def machine_down_import(*, factory: Factory, starts_on: date, ends_on: date) -> int:
    """Machine-down time from the devices' minute rollups: for each device with an operator,
    the stopped seconds inside the operator's attended window of each day become a
    machine-down `TimeEntry` (source device). Re-importing updates the same entry; days of an
    approved period are left alone. Returns how many entries were written."""
    windows = {
        (worker_id, day): (first_in, last_out)
        for worker_id, day, first_in, last_out in AttendanceDay.objects.filter(
            factory=factory,
            day__gte=starts_on,
            day__lte=ends_on,
            first_in__isnull=False,
            last_out__isnull=False,
        ).values_list("worker_id", "day", "first_in", "last_out")
    }
    if not windows:
        return 0
    start, end = days_bounds(factory, starts_on, ends_on)
    stopped: dict[tuple[int, int, date], int] = {}
    for device_id, worker_id, minute, seconds in MinuteRollup.objects.filter(
        factory=factory,
        minute__gte=start,
        minute__lt=end,
        stopped_seconds__gt=0,
        device__operator__isnull=False,
    ).values_list("device_id", "device__operator_id", "minute", "stopped_seconds"):
        day = local_date(factory, minute)
        window = windows.get((worker_id, day))
        if window and window[0] <= minute < window[1]:
            key = (device_id, worker_id, day)
            stopped[key] = stopped.get(key, 0) + seconds
    locked = PayPeriod.objects.filter(
        factory=factory, status__in=PayPeriod.LOCKED, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).values_list("starts_on", "ends_on")
    written = 0
    for (device_id, worker_id, day), seconds in stopped.items():
        minutes = seconds // 60
        if minutes < MIN_MACHINE_DOWN_MINUTES or any(a <= day <= b for a, b in locked):
            continue
        TimeEntry.objects.update_or_create(
            factory=factory,
            source_ref=f"rollup:{device_id}:{day.isoformat()}",
            defaults={
                "worker_id": worker_id,
                "day": day,
                "kind": TimeKind.MACHINE_DOWN,
                "minutes": minutes,
                "source": EntrySource.DEVICE,
                "reason": _("Machine stopped (device data)"),
            },
        )
        written += 1
    return written
