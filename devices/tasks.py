"""Celery tasks of devices/: they take ids, are idempotent, acknowledge late and retry a
bounded number of times. Periodic ones are scheduled in DevicesConfig.ready().

The two tasks other devices modules queue live next to what they run (so those modules need
nothing of this one): `station_events_hand_off` in handoff.py, `broker_client_disable` in
broker.py. They keep their devices.tasks names and are importable from here.
"""

from datetime import UTC, datetime, timedelta

from celery import shared_task
from django.utils import timezone

from devices import conf
from devices.alarms import alarms_evaluate as evaluate
from devices.broker import broker_client_disable
from devices.handoff import lay_events_hand_off, station_events_hand_off
from devices.modbus import poll_due_devices
from devices.models import Device
from devices.partitions import partitions_ensure
from devices.retention import telemetry_retention_apply
from devices.rollups import minutes_touched
from devices.rollups import rollup_minutes as rebuild

__all__ = [
    "alarms_check",
    "alarms_evaluate",
    "broker_client_disable",
    "lay_events_hand_off",
    "poll_modbus",
    "rollup_minutes",
    "rollups_refresh",
    "station_events_hand_off",
    "telemetry_partitions_maintain",
]
TASK = conf.TASK_OPTIONS


@shared_task(**TASK)
def rollup_minutes(factory_id: int, minutes: list[str]) -> int:
    return rebuild(
        factory_id=factory_id, minutes=[datetime.fromisoformat(minute) for minute in minutes]
    )


@shared_task(**TASK, rls="platform")  # every factory (row-level security)
def rollups_refresh(window_seconds: int = 180) -> int:
    """Rebuild the minutes that received data in the last window, and those whose rollup
    failed before (beat, every minute)."""
    touched = minutes_touched(since=timezone.now() - timedelta(seconds=window_seconds))
    for factory_id, minutes in touched.items():
        rollup_minutes.delay(factory_id, [minute.isoformat() for minute in minutes])
    return len(touched)


@shared_task(**TASK)
def alarms_evaluate(factory_id: int) -> None:
    evaluate(factory_id=factory_id)


@shared_task(**TASK, rls="platform")  # every factory (row-level security)
def alarms_check() -> int:
    """Evaluate the alarm rules of every factory that has devices (beat, every minute)."""
    factory_ids = list(Device.objects.order_by().values_list("factory_id", flat=True).distinct())
    for factory_id in factory_ids:
        alarms_evaluate.delay(factory_id)
    return len(factory_ids)


@shared_task(acks_late=True, max_retries=0, rls="platform")  # every factory (row-level security)
def poll_modbus() -> dict:
    """Poll the Modbus devices that are due (beat, every second). Not retried: the next tick
    is the retry, and each device carries its own back-off."""
    return poll_due_devices()


@shared_task(**TASK, rls="platform")  # every factory (row-level security)
def telemetry_partitions_maintain() -> dict:
    """Create tomorrow's partitions ahead; apply each factory's retention (beat, hourly)."""
    created = partitions_ensure(days_ahead=conf.get("PARTITION_DAYS_AHEAD"))
    return {"created": created, **telemetry_retention_apply(today=datetime.now(UTC).date())}
