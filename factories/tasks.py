"""Celery tasks of factories/: doors into its services."""

from celery import shared_task

from factories.closure import factory_closures_erase_due


@shared_task(acks_late=True, name="factories.tasks.closures_erase_due", rls="platform")
def closures_erase_due() -> list[int]:
    """Erase the closing factories whose grace period is over (beat, hourly: a factory's day
    ends at its own midnight). Returns the erased tenants' ids."""
    return [report.tenant_id for report in factory_closures_erase_due()]
