"""Celery tasks of production/: take ids, call a service, safe to run twice."""

from celery import shared_task

from factories.models import Factory
from production.models import OperationRecord
from production.services.conversion import conversion_job_execute
from production.services.planning import worker_skills_measure as measure


@shared_task(acks_late=True, ignore_result=True, max_retries=3)
def worker_skills_measure(factory_id: int) -> int:
    """Re-measure a factory's worker efficiencies from the last week's records."""
    factory = Factory.objects.filter(pk=factory_id).first()
    return measure(factory=factory) if factory is not None else 0


@shared_task(acks_late=True, ignore_result=True)
def worker_skills_measure_all() -> int:
    """Nightly: queue a measurement per factory with records."""
    factory_ids = OperationRecord.objects.values_list("factory_id", flat=True).distinct()
    for factory_id in factory_ids:
        worker_skills_measure.delay(factory_id)
    return len(factory_ids)


# Registered under its old name (it was orders.tasks.conversion_job_run before conversion moved
# to production/), so jobs queued before a deploy still run.
@shared_task(
    name="orders.tasks.conversion_job_run",
    bind=True,
    acks_late=True,
    max_retries=3,
    ignore_result=True,
)
def conversion_job_run(self, job_id: int) -> str:
    """Convert a bulk conversion job's orders in chunks, saving progress after each."""
    return conversion_job_execute(job_id=job_id)
