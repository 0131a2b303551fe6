"""Celery tasks of devices/: they take ids, are idempotent, acknowledge late and retry a
bounded number of times. Periodic ones are scheduled in DevicesConfig.ready()."""

from datetime import UTC, datetime, timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from devices import conf

TASK = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**TASK)
def station_events_hand_off(record_ids: list[int]) -> int:
    """Hanger events → production operation records (one record per event, ever)."""
    from devices.handoff import station_event_hand_off

    handed = 0
    for record_id in record_ids:
        handed += station_event_hand_off(record_id=record_id) is not None
    return handed


@shared_task(**TASK)
def rollup_minutes(factory_id: int, minutes: list[str]) -> int:
    from devices.rollups import rollup_minutes as rebuild

    return rebuild(
        factory_id=factory_id, minutes=[datetime.fromisoformat(minute) for minute in minutes]
    )


@shared_task(**TASK)
def rollups_refresh(window_seconds: int = 180) -> int:
    """Rebuild the minutes that received data in the last window (beat, every minute)."""
    from devices.rollups import minutes_touched

    touched = minutes_touched(since=timezone.now() - timedelta(seconds=window_seconds))
    for factory_id, minutes in touched.items():
        rollup_minutes.delay(factory_id, [minute.isoformat() for minute in minutes])
    return len(touched)


@shared_task(**TASK)
def alarms_evaluate(factory_id: int) -> None:
    from devices.alarms import alarms_evaluate as evaluate

    evaluate(factory_id=factory_id)


@shared_task(**TASK)
def alarms_check() -> int:
    """Evaluate the alarm rules of every factory that has devices (beat, every minute)."""
    from devices.models import Device

    factory_ids = list(Device.objects.order_by().values_list("factory_id", flat=True).distinct())
    for factory_id in factory_ids:
        alarms_evaluate.delay(factory_id)
    return len(factory_ids)


@shared_task(acks_late=True, max_retries=0)
def poll_modbus() -> dict:
    """Poll the Modbus devices that are due (beat, every second). Not retried: the next tick
    is the retry, and each device carries its own back-off."""
    from devices.modbus import poll_due_devices

    return poll_due_devices()


@shared_task(**TASK)
def telemetry_partitions_maintain() -> dict:
    """Create tomorrow's partitions ahead; apply each factory's retention (beat, hourly)."""
    from devices.partitions import partitions_ensure
    from devices.retention import telemetry_retention_apply

    created = partitions_ensure(days_ahead=conf.get("PARTITION_DAYS_AHEAD"))
    return {"created": created, **telemetry_retention_apply(today=datetime.now(UTC).date())}


@shared_task(**TASK)
def broker_files_refresh() -> bool:
    """Rewrite Mosquitto's password file and ACL from the registry, then reload it."""
    from devices.broker import broker_files_write, broker_reload

    broker_files_write()
    return broker_reload()
