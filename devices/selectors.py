"""Reads of devices/: machine time and utilisation, machines by state, hangers waiting at each
station (and the bottleneck), open alarms.

devices owns these figures (docs/architecture.md, "Who owns each figure"). They read the
per-minute rollups (`MinuteRollup`), never raw telemetry; dashboards' hourly `MachineHour` is
built by `machine_rows`, so its sums are these figures.
"""

from datetime import date, datetime, timedelta

from django.db.models import Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from devices.models import Alarm, Device, MinuteRollup
from factories.clock import days_bounds, factory_zone

MACHINE_TIME = ("running_seconds", "idle_seconds", "stopped_seconds")
MACHINE_COUNTS = ("arrivals", "departures", "pieces")


def machine_rows(factory, start: datetime, end: datetime) -> list[dict]:
    """Per device (and its station) in [start, end): seconds running, idle and stopped,
    hangers arrived at and left its station, pieces counted."""
    return list(
        MinuteRollup.objects.filter(factory=factory, minute__gte=start, minute__lt=end)
        .values("device_id", "station_id")
        .annotate(**{name: Sum(name) for name in MACHINE_TIME + MACHINE_COUNTS})
        .order_by()
    )


def running_seconds_by_line_day(factory, first: date, last: date) -> dict[tuple[int, date], int]:
    """Seconds machines ran per (line, factory day) over the days [first, last]: a device
    counts for the line of the station it reported at, else for its own line; a device on no
    line is left out. Payroll's actual cost spreads these over the work orders of the line."""
    start, end = days_bounds(factory, first, last)
    rows = (
        MinuteRollup.objects.filter(factory=factory, minute__gte=start, minute__lt=end)
        .annotate(
            line_id=Coalesce("station__line_id", "device__line_id"),
            day=TruncDate("minute", tzinfo=factory_zone(factory)),
        )
        .filter(line_id__isnull=False)
        .values("line_id", "day")
        .annotate(running=Sum("running_seconds"))
        .order_by()
    )
    return {(row["line_id"], row["day"]): int(row["running"] or 0) for row in rows}


def utilisation(running: int, idle: int, stopped: int) -> float | None:
    """Machine utilisation: seconds running ÷ seconds reported (running, idle or stopped), in
    percent; None when no machine reported."""
    reported = (running or 0) + (idle or 0) + (stopped or 0)
    return round(100.0 * (running or 0) / reported, 1) if reported else None


def machine_utilisation(factory, start: datetime, end: datetime) -> float | None:
    """The factory's machine utilisation in [start, end)."""
    totals = MinuteRollup.objects.filter(
        factory=factory, minute__gte=start, minute__lt=end
    ).aggregate(**{name: Sum(name) for name in MACHINE_TIME})
    return utilisation(*(totals[name] or 0 for name in MACHINE_TIME))


def machines_now(factory, now: datetime | None = None) -> dict | None:
    """Active machines by their state in the last two minutes (the state they spent most of a
    minute in); offline when the registry says so or they reported nothing. None when the
    factory has no machines."""
    devices = dict(
        Device.objects.filter(factory=factory, is_active=True).values_list("pk", "is_online")
    )
    if not devices:
        return None
    since = (now or timezone.now()).replace(second=0, microsecond=0) - timedelta(minutes=2)
    latest = {
        row["device_id"]: row
        for row in MinuteRollup.objects.filter(factory=factory, minute__gte=since)
        .order_by("minute")
        .values("device_id", *MACHINE_TIME)
    }
    counts = {"running": 0, "idle": 0, "stopped": 0, "offline": 0}
    for device_id, online in devices.items():
        row = latest.get(device_id)
        if not online or row is None:
            counts["offline"] += 1
            continue
        counts[max(("running", "idle", "stopped"), key=lambda s: row[f"{s}_seconds"] or 0)] += 1
    return {"total": len(devices), **counts}


def station_wip(factory, since: datetime) -> dict:
    """Hangers waiting at each station since `since` (arrived less left, as the hanging line
    reports them); the bottleneck is the station with the most, when any waits."""
    stations = [
        {
            "station_id": row["station_id"],
            "station": row["station__code"],
            "wip": max(0, (row["arrived"] or 0) - (row["left"] or 0)),
        }
        for row in MinuteRollup.objects.filter(
            factory=factory, minute__gte=since, station__isnull=False
        )
        .values("station_id", "station__code")
        .annotate(arrived=Sum("arrivals"), left=Sum("departures"))
        .order_by("station__code")
    ]
    bottleneck = max(stations, key=lambda s: s["wip"], default=None)
    if bottleneck is not None and not bottleneck["wip"]:
        bottleneck = None
    return {"stations": stations, "bottleneck": bottleneck}


def live_alarms(organization):
    """The alarms not cleared yet that an organization sees, newest first (the alarm list's
    default view, and the home's count)."""
    return (
        Alarm.objects.visible_to(organization)
        .exclude(state=Alarm.State.CLEARED)
        .order_by("-opened_at", "-pk")
    )


def open_alarms(factory, *, limit: int = 50) -> list[dict]:
    """Alarms not cleared yet, newest first."""
    rows = (
        Alarm.objects.filter(factory=factory)
        .exclude(state=Alarm.State.CLEARED)
        .select_related("device", "station")
        .order_by("-opened_at")[:limit]
    )
    return [
        {
            "severity": alarm.get_kind_display(),
            "device": str(alarm.device or alarm.station or alarm.subject),
            "message": alarm.message,
            "state": alarm.state,
            "opened_at": alarm.opened_at,
        }
        for alarm in rows
    ]
