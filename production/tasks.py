"""Celery tasks of production/: take ids, call a service, safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, max_retries=3)
def worker_skills_measure(factory_id: int) -> int:
    """Re-measure a factory's worker efficiencies from the last week's records."""
    from factories.models import Factory
    from production.services import worker_skills_measure as measure

    factory = Factory.objects.filter(pk=factory_id).first()
    return measure(factory=factory) if factory is not None else 0


@shared_task(acks_late=True, ignore_result=True)
def worker_skills_measure_all() -> int:
    """Nightly: queue a measurement per factory with records."""
    from production.models import OperationRecord

    factory_ids = OperationRecord.objects.values_list("factory_id", flat=True).distinct()
    for factory_id in factory_ids:
        worker_skills_measure.delay(factory_id)
    return len(factory_ids)
