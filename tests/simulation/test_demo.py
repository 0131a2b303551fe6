"""`manage.py seed_demo`: the demo world, seeded step by step, idempotently."""

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from core.models import Organization
from core.roles import OrgKind
from inventory.models import StockMove
from orders.models import Order, Quotation
from production.models import CartonLine, Lay, Shipment, WorkOrder

pytestmark = pytest.mark.django_db


def _project_models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in settings.PROJECT_APPS and m._meta.model_name != "auditentry"
    ]


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    counts = {model.__name__: model.objects.count() for model in _project_models()}
    call_command("seed_demo", stdout=StringIO())
    assert {model.__name__: model.objects.count() for model in _project_models()} == counts
    assert Organization.objects.filter(kind=OrgKind.FACTORY).count() == 3
    _the_delivered_order_went_the_whole_way()


def _the_delivered_order_went_the_whole_way():
    """No shortcut: the delivered order was cut, packed into cartons, shipped out of the
    finished-goods ledger after it was created, and its merchant was quoted from a pre-cost."""
    order = Order.objects.get(external_ref="CITY-4901")
    work_order = WorkOrder.objects.get(order=order)
    shipments = list(Shipment.objects.filter(work_order=work_order))
    shipped = sum(
        CartonLine.objects.filter(carton__shipment__in=shipments).values_list("quantity", flat=True)
    )
    assert order.status == Order.Status.DELIVERED
    assert set(
        Lay.objects.filter(cut_plan__work_order=work_order).values_list("status", flat=True)
    ) == {Lay.Status.CUT}
    assert shipments and all(s.shipped_at > order.created_at for s in shipments)
    assert shipped == order.shipped_quantity > 0
    assert (
        StockMove.objects.filter(
            kind=StockMove.Kind.SHIPMENT, reference__in=[s.number for s in shipments]
        ).count()
        > 0
    )
    assert Quotation.objects.filter(status=Quotation.Status.ACCEPTED).count() == 1


def test_the_demo_beat_runs_a_one_second_job_at_every_tick_even_a_slightly_early_one():
    from simulation.management.commands.run_demo import interval_jobs_due

    every = {"poll": 1.0, "rollups": 60.0}
    next_due = {"poll": 1.0, "rollups": 60.0}
    ran = [interval_jobs_due(next_due, every, now) for now in (1.0, 1.98, 3.0, 4.02)]
    assert ran == [["poll"], ["poll"], ["poll"], ["poll"]]
    assert next_due == {"poll": 5.0, "rollups": 60.0}
