"""Models of production/, one module per aggregate.

The data spine created by `order_convert` (services/conversion.py): work orders with their
size × colour lines, frozen operations and material requirements (`work_orders`), the cut plan
with its markers, lays and bundles (`cutting`), and bulk conversion jobs (`conversion`). The
shop floor adds operation records (`records`), the plan and line balances (`planning`), quality
(`quality`) and packing and shipments (`packing`); the cutting room's spreads, re-cuts,
lay events and carton contents live in `cutting_room`.
"""

from production.models.conversion import ConversionJob
from production.models.cutting import Bundle, CutPlan, Lay, Marker
from production.models.cutting_room import CartonBundle, LayEvent, Recut, SpreadRoll
from production.models.packing import Carton, CartonLine, FinishedGoodsReceipt, Shipment
from production.models.planning import LineBalance, ScheduleEntry
from production.models.quality import (
    DefectCode,
    FinalAudit,
    Inspection,
    InspectionDefect,
    Severity,
)
from production.models.records import OperationRecord
from production.models.work_orders import (
    MaterialRequirement,
    WorkOrder,
    WorkOrderLine,
    WorkOrderOperation,
)

__all__ = [
    "Bundle",
    "Carton",
    "CartonBundle",
    "CartonLine",
    "ConversionJob",
    "CutPlan",
    "DefectCode",
    "FinalAudit",
    "FinishedGoodsReceipt",
    "Inspection",
    "InspectionDefect",
    "Lay",
    "LayEvent",
    "LineBalance",
    "Marker",
    "MaterialRequirement",
    "OperationRecord",
    "Recut",
    "ScheduleEntry",
    "Severity",
    "Shipment",
    "SpreadRoll",
    "WorkOrder",
    "WorkOrderLine",
    "WorkOrderOperation",
]
