"""Per-minute rollups for dashboards, recomputed from raw telemetry (idempotent).

A minute's row is always rebuilt from every raw record of that minute, so running a rollup
twice, late, or concurrently with new data gives the same answer as running it once.

Guarantees (docs/devices.md, "Rollups"):
- the counts are 64-bit columns, and a sum is clamped at the column's maximum, so no value the
  ingest accepts can make a row fail;
- each device's row of a minute is written on its own when the minute's rows cannot be written
  together, so one device's failure never costs another device's row;
- a minute that failed (for one device or all) is kept as a `FailedRollupMinute` and rebuilt
  by the next refresh until it succeeds.
"""

import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.db import DatabaseError, transaction
from django.db.models.functions import TruncMinute
from django.utils import timezone

from core.realtime import notify
from devices import conf
from devices.handoff import StationEvent
from devices.models import Device, FailedRollupMinute, MinuteRollup, TelemetryRecord
from production.services import station_events_good_pieces

logger = logging.getLogger(__name__)

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
# The rollup columns are PostgreSQL bigint (signed 64-bit).
COUNT_MAX = 2**63 - 1


def minute_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _add(totals: dict, kind: str, data, leaves: list) -> None:
    if not isinstance(data, dict):
        data = {}
    if kind in ("sewing.sample", "modbus.sample"):
        for key, field in SUMMED.items():
            value = data.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                # A float beyond any count (1e300) still makes an int; the sum is clamped.
                totals[field] += int(min(value, COUNT_MAX))
        return
    totals["events"] += 1
    if kind == "station.arrive":
        totals["arrivals"] += 1
    elif kind == "station.leave":
        totals["departures"] += 1
        leaves.append(StationEvent.of(data))


def _minute_totals(factory_id: int, start: datetime) -> dict[int, dict]:
    """{device id: {field: value}} of one minute, from its raw records."""
    totals: dict[int, dict] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    leaves: dict[int, list[StationEvent]] = defaultdict(list)
    records = TelemetryRecord.objects.filter(
        factory_id=factory_id, time__gte=start, time__lt=start + timedelta(minutes=1)
    ).values_list("device_id", "kind", "data")
    for device_id, kind, data in records.iterator(chunk_size=5000):
        _add(totals[device_id], kind, data, leaves[device_id])
    # A station's pieces are what production records for its events: one rule, production's.
    events = [(device_id, event) for device_id, found in leaves.items() for event in found]
    pieces = station_events_good_pieces(
        factory_id=factory_id,
        events=[(event.bundle, event.good, event.defective) for _device, event in events],
    )
    for (device_id, _event), count in zip(events, pieces, strict=True):
        totals[device_id]["pieces"] += count
    return totals


def _write(rows: list[MinuteRollup]) -> None:
    MinuteRollup.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["factory", "device", "minute"],
        update_fields=[*FIELDS, "station"],
    )


def _write_isolated(rows: list[MinuteRollup]) -> dict[int, str]:
    """Write a minute's rows together; if the database refuses, each on its own (a savepoint
    per device), so the others are kept. Returns {device id: why} of the refused ones."""
    try:
        with transaction.atomic():
            _write(rows)
        return {}
    except DatabaseError:
        pass
    failed = {}
    for row in rows:
        try:
            with transaction.atomic():
                _write([row])
        except DatabaseError as error:
            failed[row.device_id] = str(error).strip().splitlines()[0] if str(error) else ""
    return failed


def _rollup_minute(factory_id: int, start: datetime) -> tuple[int, dict]:
    totals = _minute_totals(factory_id, start)
    if not totals:
        return 0, {}
    stations = dict(Device.objects.filter(pk__in=list(totals)).values_list("pk", "station_id"))
    rows = [
        MinuteRollup(
            factory_id=factory_id,
            device_id=device_id,
            station_id=stations.get(device_id),
            minute=start,
            **{field: min(value, COUNT_MAX) for field, value in values.items()},
        )
        for device_id, values in totals.items()
        if device_id in stations
    ]
    failed = _write_isolated(rows)
    return len(rows) - len(failed), failed


def _failure_record(factory_id: int, start: datetime, detail: str) -> None:
    now = timezone.now()
    failure, created = FailedRollupMinute.objects.get_or_create(
        factory_id=factory_id,
        minute=start,
        defaults={"detail": detail[:300], "failed_at": now},
    )
    if not created:
        failure.attempts += 1
        failure.detail, failure.failed_at = detail[:300], now
        failure.save(update_fields=["attempts", "detail", "failed_at"])


def rollup_minutes(*, factory_id: int, minutes: list[datetime]) -> int:
    """Rebuild the rollup rows of these minutes for one factory; returns rows written.

    A minute that cannot be rebuilt whole (a device's row refused, or the minute's read
    failing) is recorded as a `FailedRollupMinute`, with the rows it could write kept; one
    rebuilt whole clears its record."""
    written = 0
    for start in sorted({minute_floor(m) for m in minutes}):
        try:
            with transaction.atomic():
                count, failed = _rollup_minute(factory_id, start)
        except DatabaseError as error:
            count, failed = 0, {None: str(error).strip()}
        written += count
        if failed:
            detail = "; ".join(
                f"device {device_id}: {why}" if device_id else why
                for device_id, why in failed.items()
            )
            logger.warning("rollup of factory %s at %s failed: %s", factory_id, start, detail)
            _failure_record(factory_id, start, detail)
        else:
            FailedRollupMinute.objects.filter(factory_id=factory_id, minute=start).delete()
    if written:
        notify(factory_id, "telemetry", {"rollup_minutes": [m.isoformat() for m in minutes]})
    return written


def minutes_touched(*, since: datetime, horizon: timedelta = timedelta(hours=1)) -> dict:
    """{factory_id: [minute, ...]} of records received since `since` (device time within
    `horizon`, so the partitions to scan stay few), and of the minutes whose rollup failed
    and that have attempts left."""
    now = timezone.now()
    rows = (
        TelemetryRecord.objects.filter(received_at__gte=since, time__gte=now - horizon)
        .annotate(minute=TruncMinute("time"))
        .values_list("factory_id", "minute")
        .distinct()
    )
    failed = FailedRollupMinute.objects.filter(
        attempts__lt=conf.get("ROLLUP_MAX_ATTEMPTS")
    ).values_list("factory_id", "minute")
    touched: dict[int, set] = defaultdict(set)
    for factory_id, minute in [*rows, *failed]:
        touched[factory_id].add(minute)
    return {factory_id: sorted(minutes) for factory_id, minutes in touched.items()}
