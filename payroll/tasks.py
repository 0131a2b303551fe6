"""Celery tasks of payroll/: they take ids, are idempotent, acknowledge late and retry a
bounded number of times. The nightly import is scheduled in PayrollConfig.ready()."""

from datetime import date, timedelta

from celery import shared_task
from django.db import OperationalError

from core.audit import acting_as
from devices.models import Device
from factories.clock import factory_today
from factories.models import Factory
from payroll.services import machine_down_import

TASK = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**TASK)
def machine_down_import_task(factory_id: int, day_iso: str) -> int:
    """Machine-down time of one factory and day from the devices' rollups (idempotent)."""
    factory = Factory.objects.get(pk=factory_id)
    day = date.fromisoformat(day_iso)
    with acting_as():
        return machine_down_import(factory=factory, starts_on=day, ends_on=day)


@shared_task(**TASK, rls="platform")  # every factory (row-level security)
def machine_down_import_yesterday() -> int:
    """Queue each factory's yesterday for every factory with devices that have an operator
    (beat). Yesterday is the day before the factory's own today, in its zone: at 00:30 in
    Shanghai the server's UTC date is still the day Shanghai just finished."""
    factory_ids = Device.objects.filter(operator__isnull=False).values("factory_id")
    queued = 0
    for factory in Factory.objects.filter(pk__in=factory_ids).order_by("pk"):
        yesterday = factory_today(factory) - timedelta(days=1)
        machine_down_import_task.delay(factory.pk, yesterday.isoformat())
        queued += 1
    return queued
