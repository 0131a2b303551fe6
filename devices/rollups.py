"""Per-minute rollups for dashboards, recomputed from raw telemetry (idempotent).

A minute's row is always rebuilt from every raw record of that minute, so running a rollup
twice, late, or concurrently with new data gives the same answer as running it once.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.db.models.functions import TruncMinute
from django.utils import timezone

from core.realtime import notify
from devices.models import Device, MinuteRollup, TelemetryRecord

SUMMED = {
    "run_s": "running_seconds",
    "idle_s": "idle_seconds",
    "stop_s": "stopped_seconds",
    "stitches": "stitches",
    "trims": "trims",
}
FIELDS = [
    "running_seconds",
    "idle_seconds",
    "stopped_seconds",
    "stitches",
    "trims",
    "arrivals",
    "departures",
    "pieces",
    "events",
]


def minute_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _add(totals: dict, kind: str, data: dict) -> None:
    if kind in ("sewing.sample", "modbus.sample"):
        for key, field in SUMMED.items():
            value = data.get(key)
            if isinstance(value, int | float) and value > 0:
                totals[field] += int(value)
        return
    totals["events"] += 1
    if kind == "station.arrive":
        totals["arrivals"] += 1
    elif kind == "station.leave":
        totals["departures"] += 1
        good = data.get("good", 0)
        if isinstance(good, int) and good > 0:
            totals["pieces"] += good


def rollup_minutes(*, factory_id: int, minutes: list[datetime]) -> int:
    """Rebuild the rollup rows of these minutes for one factory; returns rows written."""
    written = 0
    for start in sorted({minute_floor(m) for m in minutes}):
        end = start + timedelta(minutes=1)
        totals: dict[int, dict] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
        records = TelemetryRecord.objects.filter(
            factory_id=factory_id, time__gte=start, time__lt=end
        ).values_list("device_id", "kind", "data")
        for device_id, kind, data in records.iterator(chunk_size=5000):
            _add(totals[device_id], kind, data or {})
        if not totals:
            continue
        stations = dict(Device.objects.filter(pk__in=list(totals)).values_list("pk", "station_id"))
        rows = [
            MinuteRollup(
                factory_id=factory_id,
                device_id=device_id,
                station_id=stations.get(device_id),
                minute=start,
                **values,
            )
            for device_id, values in totals.items()
            if device_id in stations
        ]
        MinuteRollup.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["factory", "device", "minute"],
            update_fields=[*FIELDS, "station"],
        )
        written += len(rows)
    if written:
        notify(factory_id, "telemetry", {"rollup_minutes": [m.isoformat() for m in minutes]})
    return written


def minutes_touched(*, since: datetime, horizon: timedelta = timedelta(hours=1)) -> dict:
    """{factory_id: [minute, ...]} of records received since `since` (device time within
    `horizon`, so the partitions to scan stay few)."""
    now = timezone.now()
    rows = (
        TelemetryRecord.objects.filter(received_at__gte=since, time__gte=now - horizon)
        .annotate(minute=TruncMinute("time"))
        .values_list("factory_id", "minute")
        .distinct()
    )
    touched: dict[int, list] = defaultdict(list)
    for factory_id, minute in rows:
        touched[factory_id].append(minute)
    return touched
