from decimal import Decimal

from tests.factories import (
    BundleFactory,
    ConversionJobFactory,
    CutPlanFactory,
    LayFactory,
    MarkerFactory,
    MaterialRequirementFactory,
    WorkOrderFactory,
    WorkOrderLineFactory,
    WorkOrderOperationFactory,
)


def populate(world) -> None:
    world.work_order = WorkOrderFactory(
        version=world.version, order=world.order, number=f"{world.tag}-WO1", line=world.line
    )
    WorkOrderLineFactory(work_order=world.work_order)
    WorkOrderOperationFactory(work_order=world.work_order)
    MaterialRequirementFactory(work_order=world.work_order)
    cut_plan = CutPlanFactory(work_order=world.work_order)
    marker = MarkerFactory(cut_plan=cut_plan)
    lay = LayFactory(marker=marker)
    world.lay = lay
    world.bundle = BundleFactory(lay=lay)
    ConversionJobFactory(factory=world.factory, order_ids=[world.order.pk])
    _populate_shop_floor(world)


def _populate_shop_floor(world) -> None:
    """Operation records, plan, quality and packing rows of the world's work order."""
    from tests.factories import (
        CartonFactory,
        CartonLineFactory,
        DefectCodeFactory,
        FinalAuditFactory,
        FinishedGoodsReceiptFactory,
        InspectionDefectFactory,
        InspectionFactory,
        LineBalanceFactory,
        OperationRecordFactory,
        ScheduleEntryFactory,
        ShipmentFactory,
    )

    wo = world.work_order
    operation = wo.operations.first()
    world.operation_record = OperationRecordFactory(
        bundle=world.bundle, operation=operation, worker=world.worker, station=world.station
    )
    ScheduleEntryFactory(work_order=wo, line=world.line)
    LineBalanceFactory(work_order=wo, line=world.line, bottleneck=world.worker)
    inspection = InspectionFactory(work_order=wo, bundle=world.bundle, line=world.line)
    InspectionDefectFactory(
        inspection=inspection,
        defect_code=DefectCodeFactory(factory=world.factory, code="D01"),
        operation=operation,
        worker=world.worker,
    )
    FinalAuditFactory(work_order=wo)
    FinishedGoodsReceiptFactory(work_order=wo)
    shipment = ShipmentFactory(work_order=wo, order=world.order, number=f"{world.tag}-SH1")
    carton = CartonFactory(work_order=wo, shipment=shipment)
    CartonLineFactory(carton=carton)
    _populate_cutting_room(world, carton)


def _populate_cutting_room(world, carton) -> None:
    """A roll spread on the world's lay (its fabric issued through the ledger), a re-cut, a
    cutter event linked to the lay, and the carton's bundle."""
    from inventory.services import stock_issue
    from inventory.services.ledger import receipt_post
    from tests.factories import (
        BinFactory,
        CartonBundleFactory,
        LayEventFactory,
        LotFactory,
        MaterialFactory,
        RecutFactory,
        SpreadRollFactory,
    )

    fabric = MaterialFactory(factory=world.factory, code=f"{world.tag}-CUT-FAB")
    bin = BinFactory(warehouse__factory=world.factory, code=f"{world.tag}-CUT-01")
    lot = LotFactory(material=fabric, code=f"{world.tag}-CUT-R1", inspection="passed")
    receipt_post(lot=lot, bin=bin, quantity=Decimal("50"), unit_cost=Decimal("20"), by=world.owner)
    move = stock_issue(
        lot=lot, bin=bin, quantity="26.4", work_order=world.work_order, by=world.owner
    )
    SpreadRollFactory(lay=world.lay, lot=lot, stock_move=move)
    RecutFactory(bundle=world.bundle)
    LayEventFactory(lay=world.lay, external_id=f"device:{world.tag}:1")
    CartonBundleFactory(carton=carton, bundle=world.bundle)
