"""Bulk conversion jobs: queueing one, running it (chunk by chunk), and the Celery task between.

The task lives here, next to the service that queues it and the one it runs, so the services
need nothing of production.tasks (which imports the services); production.tasks re-exports it.
"""

from collections.abc import Sequence

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.errors import DomainError
from core.models import User
from core.realtime import notify
from core.rls import FactoryOf
from factories.models import Factory
from orders.models import Order
from production.models import ConversionJob
from production.services.conversion import order_convert, orders_convert

JOB_CHUNK = 20


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


def conversion_job_execute(*, job_id: int) -> str:
    """Convert a job's orders chunk by chunk; a chunk that fails is retried order by order."""
    job = ConversionJob.objects.select_related("started_by").get(pk=job_id)
    if job.status == ConversionJob.Status.DONE:
        return job.status
    finished = {row["order"] for row in job.results}
    pending = [pk for pk in job.order_ids if pk not in finished]
    results = list(job.results)
    with acting_as(user=job.started_by, organization=job.factory.organization):
        # Saved through the ORM, as every status change, so that the audit log records it.
        job.status = ConversionJob.Status.RUNNING
        job.save(update_fields=["status"])
        for start in range(0, len(pending), JOB_CHUNK):
            chunk = list(
                Order.objects.filter(
                    factory_id=job.factory_id, pk__in=pending[start : start + JOB_CHUNK]
                )
            )
            try:
                outcomes = [
                    {"order": r.order_id, "work_order": r.work_order_id, "created": r.created}
                    for r in orders_convert(orders=chunk, by=job.started_by)
                ]
            except DomainError:
                outcomes = []
                for order in chunk:
                    try:
                        r = order_convert(order=order, by=job.started_by)
                        outcomes.append(
                            {
                                "order": r.order_id,
                                "work_order": r.work_order_id,
                                "created": r.created,
                            }
                        )
                    except DomainError as error:
                        outcomes.append({"order": order.pk, "error": str(error.message)})
            missing = set(pending[start : start + JOB_CHUNK]) - {o["order"] for o in outcomes}
            outcomes += [{"order": pk, "error": str(_("Not found."))} for pk in missing]
            results += outcomes
            ConversionJob.objects.filter(pk=job.pk).update(
                results=results,
                done=sum(1 for r in results if "error" not in r),
                failed=sum(1 for r in results if "error" in r),
            )
            notify(job.factory_id, "conversion_job.progress", {"job": job.pk})
        job.status = ConversionJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
    return ConversionJob.Status.DONE


# Registered under its old name (it was orders.tasks.conversion_job_run before conversion moved
# to production/), so jobs queued before a deploy still run.
@shared_task(
    name="orders.tasks.conversion_job_run",
    rls=FactoryOf(ConversionJob, "job_id"),
    bind=True,
    acks_late=True,
    max_retries=3,
    ignore_result=True,
)
def conversion_job_run(self, job_id: int) -> str:
    """Convert a bulk conversion job's orders in chunks, saving progress after each."""
    return conversion_job_execute(job_id=job_id)
