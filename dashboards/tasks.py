"""Celery tasks keeping the rollups current. They take ids, are idempotent (a rebuild replaces
its bucket), acknowledge late and retry a few times.

`rollups_schedule` is called by the `core.realtime` listener: it maps a notification to the
buckets it touches. With a worker, a burst of notifications for one bucket costs one rebuild;
the periodic catch-up repairs anything a lost message or a late record left behind.
"""

from datetime import date, datetime

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dashboards import conf, services
from dashboards.live import pusher
from factories.clock import hour_floor, hours_back, local_date
from factories.models import Factory
from production.models import OperationRecord

# Which rollup a notification kind touches (by prefix); any other kind is only pushed.
OUTPUT_KINDS = ("operation", "inspection", "quality", "final_audit")
DAY_KINDS = ("order", "shipment", "work_order", "packing", "carton")
MACHINE_KINDS = ("telemetry",)
TASK_OPTIONS = {"acks_late": True, "autoretry_for": (Exception,), "max_retries": 3}


def _aware(value) -> datetime | None:
    moment = parse_datetime(str(value or ""))
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _record_time(data: dict) -> datetime | None:
    """When the recorded operation was done (a late entry belongs to its own hour)."""
    if not data.get("record"):
        return None
    return (
        OperationRecord.objects.filter(pk=data["record"])
        .values_list("recorded_at", flat=True)
        .first()
    )


def buckets_for(factory: Factory, kind: str, data: dict) -> list[tuple[str, str]]:
    """(task name, bucket) pairs a notification touches: the factory's local clock hours."""
    now = timezone.now()
    if kind.startswith(OUTPUT_KINDS):
        at = _aware(data.get("at")) or _record_time(data) or now
        return [("output", hour_floor(factory, at).isoformat())]
    if kind.startswith(MACHINE_KINDS):
        # Raw telemetry arriving says nothing yet; devices' minute rollups landing do.
        minutes = [_aware(m) for m in data.get("rollup_minutes") or []]
        hours = sorted({hour_floor(factory, m) for m in minutes if m is not None})
        return [("machine", hour.isoformat()) for hour in hours]
    if kind.startswith(DAY_KINDS):
        return [("day", hour_floor(factory, now).isoformat())]
    return []


def eager() -> bool:
    """Tasks run in-process (demo, tests): the Celery app's own setting is the one that counts."""
    return bool(output_hour_rebuild.app.conf.task_always_eager)


def rollups_schedule(*, factory_id: int, changes: list[tuple[str, dict]]) -> bool:
    """Rebuild (eagerly) or queue the rebuilds that changes (kind, data) of one factory touch,
    each bucket once. True when a queued rebuild will push the factory's screens once it lands
    (so the caller need not push figures that do not hold the change yet)."""
    factory = Factory.objects.filter(pk=factory_id).first()
    if factory is None:
        return False
    touched = dict.fromkeys(
        bucket for kind, data in changes for bucket in buckets_for(factory, kind, data)
    )
    queued = False
    for what, bucket in touched:
        task = {"output": output_hour_rebuild, "machine": machine_hour_rebuild, "day": day_rebuild}
        if eager():
            task[what].apply(args=[factory_id, bucket])
            continue
        queued = True
        # The task clears the key before it reads, so a change that arrives while it runs
        # schedules another rebuild instead of being lost.
        if cache.add(_pending_key(what, factory_id, bucket), 1, timeout=120):
            task[what].apply_async(
                args=[factory_id, bucket], countdown=_countdown(what, factory_id)
            )
    return queued


def _countdown(what: str, factory_id: int) -> float:
    """0 for the first change after a quiet spell (the screen shows it at once); the changes
    that follow within ROLLUP_COALESCE_SECONDS wait for one trailing rebuild, so a burst still
    costs one rebuild per interval."""
    seconds = float(conf.get("ROLLUP_COALESCE_SECONDS"))
    if cache.add(f"dashboards:rollup-recent:{what}:{factory_id}", 1, timeout=max(1, seconds)):
        return 0
    return seconds


def _pending_key(what: str, factory_id: int, bucket: str) -> str:
    return f"dashboards:rollup:{what}:{factory_id}:{bucket}"


def _pushed(factory_id: int) -> None:
    """Tell the screens a rebuild landed. Eager rebuilds run inside the listener, which pushes
    right after them anyway."""
    services.data_changed(factory_id=factory_id)
    if not eager():
        pusher.request(factory_id, "dashboard.rollup")


@shared_task(**TASK_OPTIONS)
def output_hour_rebuild(factory_id: int, hour_iso: str) -> bool:
    cache.delete(_pending_key("output", factory_id, hour_iso))
    rebuilt = services.output_hour_rebuild(factory_id=factory_id, hour=_aware(hour_iso))
    if rebuilt:
        _pushed(factory_id)
    return rebuilt


@shared_task(**TASK_OPTIONS)
def machine_hour_rebuild(factory_id: int, hour_iso: str) -> bool:
    cache.delete(_pending_key("machine", factory_id, hour_iso))
    rebuilt = services.machine_hour_rebuild(factory_id=factory_id, hour=_aware(hour_iso))
    if rebuilt:
        _pushed(factory_id)
    return rebuilt


@shared_task(**TASK_OPTIONS)
def day_rebuild(factory_id: int, moment_iso: str) -> None:
    """Rebuild the local day containing `moment_iso` (a date or an instant)."""
    cache.delete(_pending_key("day", factory_id, moment_iso))
    factory = Factory.objects.get(pk=factory_id)
    moment = _aware(moment_iso)
    day = local_date(factory, moment) if moment else date.fromisoformat(moment_iso)
    services.day_rebuild(factory_id=factory_id, day=day)
    _pushed(factory_id)


@shared_task(**TASK_OPTIONS, rls="platform")  # every factory (row-level security)
def rollups_catch_up(hours: int | None = None) -> int:
    """Periodic catch-up: rebuild the last hours of every factory (late or missed events),
    then today (order intake and delivery arrive without an hour)."""
    hours = hours or conf.get("CATCH_UP_HOURS")
    now = timezone.now()
    rebuilt = 0
    for factory in Factory.objects.all():
        for hour in hours_back(factory, hours, now):
            rebuilt += services.output_hour_rebuild(factory_id=factory.pk, hour=hour)
            rebuilt += services.machine_hour_rebuild(factory_id=factory.pk, hour=hour)
        services.day_rebuild(factory_id=factory.pk, day=local_date(factory, now))
    return rebuilt
