"""factory_boy factories of production's data spine (work orders, cut plans, bundles)."""

import datetime as dt
from decimal import Decimal

import factory as fb

from production.models import (
    Bundle,
    ConversionJob,
    CutPlan,
    Lay,
    Marker,
    MaterialDelay,
    MaterialRequirement,
    WorkOrder,
    WorkOrderLine,
    WorkOrderOperation,
)
from tests.factories.floor import FactoryFactory
from tests.factories.orders import StyleVersionFactory

__all__ = [
    "ConversionJobFactory",
    "WorkOrderFactory",
    "WorkOrderLineFactory",
    "WorkOrderOperationFactory",
    "MaterialRequirementFactory",
    "CutPlanFactory",
    "MarkerFactory",
    "LayFactory",
    "BundleFactory",
    "released",
]


def released(work_order: WorkOrder, *, by=None, override_reason: str = "") -> WorkOrder:
    """Release a work order to cutting through production's own door (the material gate), as
    the floor must before anything is recorded on it. `override_reason` where materials are
    short, exactly as a planner would."""
    from production.services import work_order_release

    work_order_release(work_order=work_order, by=by, override_reason=override_reason)
    work_order.refresh_from_db()
    return work_order


class WorkOrderFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = WorkOrder

    version = fb.SubFactory(StyleVersionFactory)
    factory = fb.SelfAttribute("version.factory")
    number = fb.Sequence(lambda n: f"WO{n:06d}")
    quantity = 100
    cut_quantity = 102
    due_date = fb.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=20))
    sam_per_garment = Decimal("12.000")


class WorkOrderLineFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = WorkOrderLine

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    size = "M"
    colour = "Black"
    ordered_quantity = 100
    cut_quantity = 102


class WorkOrderOperationFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = WorkOrderOperation

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    sequence = fb.Sequence(lambda n: n + 1)
    code = fb.Sequence(lambda n: f"OP{n:02d}")
    name = "Join shoulders"
    machine_type = "overlock"
    sam = Decimal("0.600")
    piece_rate = Decimal("0.2160")


class MaterialRequirementFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = MaterialRequirement

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    material_code = fb.Sequence(lambda n: f"FAB-{n:03d}")
    unit = "m"
    quantity = Decimal("130.500")
    need_date = fb.LazyFunction(dt.date.today)


class CutPlanFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = CutPlan

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    over_cut_pct = Decimal("2.00")
    max_plies = 80
    max_garments_per_marker = 6
    bundle_size = 20
    ordered_quantity = 100
    cut_quantity = 102
    efficiency_pct = Decimal("98.04")


class MarkerFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Marker

    cut_plan = fb.SubFactory(CutPlanFactory)
    factory = fb.SelfAttribute("cut_plan.factory")
    number = fb.Sequence(lambda n: n + 1)
    size_ratios = fb.LazyFunction(lambda: {"M": 2})
    garments = 2
    length_m = Decimal("2.600")


class LayFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Lay

    marker = fb.SubFactory(MarkerFactory)
    cut_plan = fb.SelfAttribute("marker.cut_plan")
    factory = fb.SelfAttribute("marker.factory")
    number = fb.Sequence(lambda n: n + 1)
    colour = "Black"
    plies = 51
    fabric_length_m = Decimal("132.60")


class BundleFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Bundle

    lay = fb.SubFactory(LayFactory)
    work_order = fb.SelfAttribute("lay.cut_plan.work_order")
    factory = fb.SelfAttribute("lay.factory")
    number = fb.Sequence(lambda n: n + 1)
    size = "M"
    colour = "Black"
    quantity = 20


class ConversionJobFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = ConversionJob

    factory = fb.SubFactory(FactoryFactory)


class MaterialDelayFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = MaterialDelay

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    material_code = fb.Sequence(lambda n: f"FAB-{n:03d}")
    need_date = dt.date(2026, 3, 2)
    released_on = dt.date(2026, 3, 4)
    days_lost = 2
    cause = MaterialDelay.Cause.LATE_PO


__all__ += ["MaterialDelayFactory"]
