"""Queueing a bulk conversion for the Celery worker.

Kept apart from services/conversion.py, which holds what the task runs: the task module imports
that one, this one imports the task module, and neither package __init__ pulls this module in,
so no import loop runs through production.tasks.
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import User
from factories.models import Factory
from orders.models import Order
from production.models import ConversionJob
from production.tasks import conversion_job_run


@transaction.atomic
def conversion_job_create(
    *, factory: Factory, orders: Sequence[Order], by: User | None
) -> ConversionJob:
    """Queue a bulk conversion of the factory's accepted orders (run by a Celery task)."""
    ids = [o.pk for o in orders if o.factory_id == factory.pk]
    if not ids:
        raise DomainError(
            _("Choose at least one accepted order."), errors={"orders": [_("None chosen.")]}
        )
    job = ConversionJob.objects.create(factory=factory, order_ids=ids, started_by=by)
    transaction.on_commit(lambda: conversion_job_run.delay(job.pk))
    return job
