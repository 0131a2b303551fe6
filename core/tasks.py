"""Core Celery tasks."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.models import IdempotencyRecord


@shared_task(acks_late=True, name="core.tasks.ping")
def ping(message: str) -> str:
    """Round trip through the broker and a worker (health checks and the wiring test)."""
    return f"pong: {message}"


@shared_task(acks_late=True, name="core.tasks.purge_idempotency_records")
def purge_idempotency_records() -> int:
    """Idempotency keys are kept long enough for retries, then dropped."""
    cutoff = timezone.now() - timedelta(hours=settings.SEAMLINE["IDEMPOTENCY_TTL_HOURS"])
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
