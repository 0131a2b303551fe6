"""factory_boy factories of the shop floor: records, plan, quality, packing."""

import datetime as dt
from decimal import Decimal

import factory as fb
from django.utils import timezone

from production.models import (
    Carton,
    CartonLine,
    DefectCode,
    FinalAudit,
    FinishedGoodsReceipt,
    Inspection,
    InspectionDefect,
    LineBalance,
    OperationRecord,
    ScheduleEntry,
    Shipment,
)
from tests.factories.floor import WorkerFactory
from tests.factories.production import BundleFactory, WorkOrderFactory, WorkOrderOperationFactory

__all__ = [
    "OperationRecordFactory",
    "ScheduleEntryFactory",
    "LineBalanceFactory",
    "DefectCodeFactory",
    "InspectionFactory",
    "InspectionDefectFactory",
    "FinalAuditFactory",
    "FinishedGoodsReceiptFactory",
    "ShipmentFactory",
    "CartonFactory",
    "CartonLineFactory",
]


class OperationRecordFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = OperationRecord

    bundle = fb.SubFactory(BundleFactory)
    factory = fb.SelfAttribute("bundle.factory")
    work_order = fb.SelfAttribute("bundle.work_order")
    operation = fb.SubFactory(
        WorkOrderOperationFactory, work_order=fb.SelfAttribute("..work_order")
    )
    worker = fb.LazyAttribute(lambda o: WorkerFactory(factory=o.factory, line=None))
    recorded_at = fb.LazyFunction(timezone.now)
    work_date = fb.LazyFunction(dt.date.today)
    good_pieces = 20
    source = OperationRecord.Source.SCAN


class ScheduleEntryFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = ScheduleEntry

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    start_date = fb.LazyFunction(dt.date.today)
    finish_date = fb.LazyFunction(dt.date.today)
    load_minutes = 1200


class LineBalanceFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = LineBalance

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    cycle_time = Decimal("0.800")
    efficiency = Decimal("0.850")
    output_per_hour = Decimal("75.0")


class DefectCodeFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = DefectCode
        django_get_or_create = ("factory", "code")

    code = fb.Sequence(lambda n: f"D{n:02d}")
    name = "Broken stitch"


class InspectionFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    kind = Inspection.Kind.END_OF_LINE
    checked_pieces = 20
    defective_pieces = 1
    result = Inspection.Result.PASS
    inspected_at = fb.LazyFunction(timezone.now)


class InspectionDefectFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = InspectionDefect

    inspection = fb.SubFactory(InspectionFactory)
    factory = fb.SelfAttribute("inspection.factory")
    defect_code = fb.LazyAttribute(lambda o: DefectCodeFactory(factory=o.factory))
    count = 1


class FinalAuditFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = FinalAudit

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    lot_size = 1000
    code_letter = "J"
    sample_size = 80
    major_accept, major_reject, minor_accept, minor_reject = 5, 6, 7, 8
    result = FinalAudit.Result.ACCEPTED
    audited_at = fb.LazyFunction(timezone.now)


class FinishedGoodsReceiptFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = FinishedGoodsReceipt

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    size = "M"
    colour = "Black"
    quantity = 20


class ShipmentFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    number = fb.Sequence(lambda n: f"SH{n:06d}")
    carrier = "SF Express"


class CartonFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Carton

    work_order = fb.SubFactory(WorkOrderFactory)
    factory = fb.SelfAttribute("work_order.factory")
    number = fb.Sequence(lambda n: n + 1)
    kind = Carton.Kind.SOLID


class CartonLineFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = CartonLine

    carton = fb.SubFactory(CartonFactory)
    factory = fb.SelfAttribute("carton.factory")
    size = "M"
    colour = "Black"
    quantity = 20
