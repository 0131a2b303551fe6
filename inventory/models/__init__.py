"""Models of inventory/: catalogue, warehouses and lots, the stock ledger, purchasing,
counting and planning (MRP). One module per aggregate."""

from inventory.models.catalogue import Material, SupplierItem
from inventory.models.counting import CycleCount, CycleCountLine
from inventory.models.planning import MaterialShortage, MrpRun, PurchaseSuggestion, ReleaseOverride
from inventory.models.purchasing import FabricInspection, PurchaseOrder, PurchaseOrderLine
from inventory.models.stock import Bin, Lot, Reservation, StockBalance, StockMove, Warehouse

__all__ = [
    "Bin",
    "CycleCount",
    "CycleCountLine",
    "FabricInspection",
    "Lot",
    "Material",
    "MaterialShortage",
    "MrpRun",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseSuggestion",
    "ReleaseOverride",
    "Reservation",
    "StockBalance",
    "StockMove",
    "SupplierItem",
    "Warehouse",
]
