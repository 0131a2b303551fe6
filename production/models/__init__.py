"""Models of production/, one module per aggregate.

The data spine created by orders' `order_convert`: work orders with their size × colour lines,
frozen operations and material requirements (`work_orders`), and the cut plan with its markers,
lays and bundles (`cutting`).
"""

from production.models.cutting import Bundle, CutPlan, Lay, Marker
from production.models.work_orders import (
    MaterialRequirement,
    WorkOrder,
    WorkOrderLine,
    WorkOrderOperation,
)

__all__ = [
    "Bundle",
    "CutPlan",
    "Lay",
    "Marker",
    "MaterialRequirement",
    "WorkOrder",
    "WorkOrderLine",
    "WorkOrderOperation",
]
