"""Bulk conversion jobs: queued through the service, run by production's Celery task."""

import pytest

from config.celery_app import app
from core.errors import DomainError
from orders.models import Order
from production.models import ConversionJob, WorkOrder
from production.services import conversion_job_create
from tests.factories import FactoryFactory


def test_a_job_runs_its_orders_and_records_the_outcome(
    accepted_order, factory, planner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = conversion_job_create(factory=factory, orders=[accepted_order], by=planner)

    job.refresh_from_db()
    work_order = WorkOrder.objects.get(order=accepted_order)
    assert (job.status, job.done, job.failed) == ("done", 1, 0)
    assert job.results == [
        {"order": accepted_order.pk, "work_order": work_order.pk, "created": True}
    ]


def test_a_job_queued_under_the_task_name_orders_used_still_runs(accepted_order, factory, planner):
    job = ConversionJob.objects.create(
        factory=factory, order_ids=[accepted_order.pk], started_by=planner
    )

    app.tasks["orders.tasks.conversion_job_run"].apply(args=[job.pk])

    job.refresh_from_db()
    accepted_order.refresh_from_db()
    assert job.status == ConversionJob.Status.DONE
    assert accepted_order.status == Order.Status.IN_PRODUCTION


def test_a_job_without_orders_of_the_factory_is_refused_and_nothing_is_queued(
    accepted_order, planner
):
    other = FactoryFactory()

    with pytest.raises(DomainError) as refused:
        conversion_job_create(factory=other, orders=[accepted_order], by=planner)

    assert refused.value.errors == {"orders": ["None chosen."]}
    assert ConversionJob.objects.count() == 0
