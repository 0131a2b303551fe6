"""Celery tasks keeping the rollups current. They take ids, are idempotent (a rebuild replaces
its bucket), acknowledge late and retry a few times."""

from datetime import date, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dashboards import conf, services
from factories.models import Factory

# Notifications that say nothing about output, quality or orders: push only, no rebuild.
NO_ROLLUP_PREFIXES = ("device", "telemetry", "alarm", "inventory", "stock", "payroll", "dashboard")
TASK_OPTIONS = {"acks_late": True, "autoretry_for": (Exception,), "max_retries": 3}


def _pending_key(factory_id: int, hour: datetime) -> str:
    return f"dashboards:rollup:{factory_id}:{hour.isoformat()}"


def rollups_schedule(*, factory_id: int, kind: str, data: dict) -> None:
    """Rebuild the hour a change belongs to — once per burst when a worker runs the tasks."""
    if kind.startswith(NO_ROLLUP_PREFIXES):
        return
    at = parse_datetime(str(data.get("at") or "")) or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    hour = services.hour_floor(at)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        output_hour_rebuild.apply(args=[factory_id, hour.isoformat()])
        return
    # The task clears the key before it reads, so a change that arrives while it runs is
    # rebuilt again by the next task instead of being lost.
    if cache.add(_pending_key(factory_id, hour), 1, timeout=120):
        output_hour_rebuild.apply_async(
            args=[factory_id, hour.isoformat()], countdown=conf.get("ROLLUP_COALESCE_SECONDS")
        )


@shared_task(**TASK_OPTIONS)
def output_hour_rebuild(factory_id: int, hour_iso: str) -> bool:
    from dashboards.live import pusher

    hour = parse_datetime(hour_iso)
    cache.delete(_pending_key(factory_id, hour))
    rebuilt = services.output_hour_rebuild(factory_id=factory_id, hour=hour)
    if rebuilt:
        pusher.request(factory_id, "dashboard.rollup")
    return rebuilt


@shared_task(**TASK_OPTIONS)
def day_rebuild(factory_id: int, day_iso: str) -> None:
    services.day_rebuild(factory_id=factory_id, day=date.fromisoformat(day_iso))


@shared_task(**TASK_OPTIONS)
def rollups_catch_up(hours: int | None = None) -> int:
    """Periodic catch-up: rebuild the last hours of every factory (late or missed events),
    and today's day figures (order intake and delivery arrive without an hour)."""
    hours = hours or conf.get("CATCH_UP_HOURS")
    now = services.hour_floor(timezone.now())
    rebuilt = 0
    for factory in Factory.objects.all():
        for back in range(hours):
            rebuilt += services.output_hour_rebuild(
                factory_id=factory.pk, hour=now - timedelta(hours=back)
            )
        services.day_rebuild(factory_id=factory.pk, day=services.local_day(factory, timezone.now()))
    return rebuilt
