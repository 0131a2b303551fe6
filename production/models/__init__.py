"""Models of production/, one module per aggregate.

The data spine created by `order_convert` (services/conversion.py): work orders with their
size × colour lines, frozen operations and material requirements (`work_orders`), the cut plan
with its markers, lays and bundles (`cutting`), and bulk conversion jobs (`conversion`). The
shop floor adds operation records (`records`), the plan and line balances (`planning`), quality
(`quality`) and packing and shipments (`packing`); days lost to material are kept in `delays`.
"""

from production.models.conversion import ConversionJob
from production.models.cutting import Bundle, CutPlan, Lay, Marker
from production.models.delays import MaterialDelay
from production.models.holds import Hold
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
    "CartonLine",
    "ConversionJob",
    "CutPlan",
    "DefectCode",
    "FinalAudit",
    "FinishedGoodsReceipt",
    "Hold",
    "Inspection",
    "InspectionDefect",
    "Lay",
    "LineBalance",
    "Marker",
    "MaterialDelay",
    "MaterialRequirement",
    "OperationRecord",
    "ScheduleEntry",
    "Severity",
    "Shipment",
    "WorkOrder",
    "WorkOrderLine",
    "WorkOrderOperation",
]
