"""Celery tasks of factories/: doors into its services, taking ids, idempotent. The daily
anonymisation of leavers, the hourly purge of expired export archives and the hourly erasure
of closures past their grace are scheduled in FactoriesConfig.ready(); `data_export_run`
lives next to the service that queues it (factories/data_exports.py)."""

from celery import shared_task

from core.audit import acting_as
from factories.anonymisation import leavers_anonymise
from factories.closure import factory_closures_erase_due
from factories.data_exports import data_export_run, data_exports_purge_task
from factories.models import Factory

__all__ = [
    "closures_erase_due",
    "data_export_run",
    "data_exports_purge_task",
    "leavers_anonymise_all",
    "leavers_anonymise_task",
]


@shared_task(acks_late=True, ignore_result=True, max_retries=3)
def leavers_anonymise_task(factory_id: int) -> int:
    """Anonymise one factory's leavers past its retention period (idempotent)."""
    factory = Factory.objects.select_related("organization").get(pk=factory_id)
    with acting_as(organization=factory.organization):
        return leavers_anonymise(factory=factory)


@shared_task(
    acks_late=True, ignore_result=True, rls="platform"
)  # every factory (row-level security)
def leavers_anonymise_all() -> int:
    """Queue each factory's anonymisation (beat, daily); the number of factories queued."""
    queued = 0
    for factory_id in Factory.objects.order_by("pk").values_list("pk", flat=True):
        leavers_anonymise_task.delay(factory_id)
        queued += 1
    return queued


@shared_task(acks_late=True, name="factories.tasks.closures_erase_due", rls="platform")
def closures_erase_due() -> list[int]:
    """Erase the closing factories whose grace period is over (beat, hourly: a factory's day
    ends at its own midnight). Returns the erased tenants' ids."""
    return [report.tenant_id for report in factory_closures_erase_due()]
