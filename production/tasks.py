"""Celery tasks of production/: take ids, call a service, safe to run twice.

`conversion_job_run` lives next to the service that queues it (services/conversion_jobs.py), as
`work_orders_place` does (services/planning.py, queued by a conversion); both are importable
from here.
"""

from celery import shared_task

from factories.models import Factory
from production.models import OperationRecord, WorkOrder
from production.services.conversion_jobs import conversion_job_run
from production.services.planning import work_orders_place
from production.services.planning import worker_skills_measure as measure
from production.services.release import material_delays_observe as observe

__all__ = [
    "conversion_job_run",
    "material_delays_observe",
    "material_delays_observe_all",
    "work_orders_place",
    "worker_skills_measure",
    "worker_skills_measure_all",
]


@shared_task(acks_late=True, ignore_result=True, max_retries=3)
def worker_skills_measure(factory_id: int) -> int:
    """Re-measure a factory's worker efficiencies from the last week's records."""
    factory = Factory.objects.filter(pk=factory_id).first()
    return measure(factory=factory) if factory is not None else 0


@shared_task(
    acks_late=True, ignore_result=True, rls="platform"
)  # every factory (row-level security)
def worker_skills_measure_all() -> int:
    """Nightly: queue a measurement per factory with records."""
    factory_ids = OperationRecord.objects.values_list("factory_id", flat=True).distinct()
    for factory_id in factory_ids:
        worker_skills_measure.delay(factory_id)
    return len(factory_ids)


@shared_task(acks_late=True, ignore_result=True, max_retries=3)
def material_delays_observe(factory_id: int) -> int:
    """Record the material delays of a factory's work orders waiting past their need date."""
    factory = Factory.objects.filter(pk=factory_id).first()
    return observe(factory=factory) if factory is not None else 0


@shared_task(
    acks_late=True, ignore_result=True, rls="platform"
)  # every factory (row-level security)
def material_delays_observe_all() -> int:
    """Hourly: queue an observation per factory with a planned work order."""
    factory_ids = list(
        WorkOrder.objects.filter(status=WorkOrder.Status.PLANNED)
        .order_by()
        .values_list("factory_id", flat=True)
        .distinct()
    )
    for factory_id in factory_ids:
        material_delays_observe.delay(factory_id)
    return len(factory_ids)
