"""inventory' models in the support desk's admin (core.admin.SupportAdmin: read-mostly,
filtered by tenant)."""

from django.contrib import admin

from core.admin import SupportAdmin
from inventory.models import (
    Bin,
    CycleCount,
    CycleCountLine,
    FabricInspection,
    Lot,
    Material,
    MaterialShortage,
    MrpRun,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseSuggestion,
    ReleaseOverride,
    Reservation,
    StockBalance,
    StockMove,
    SupplierItem,
    Warehouse,
)

admin.site.register(
    [
        Bin,
        CycleCount,
        CycleCountLine,
        FabricInspection,
        Lot,
        Material,
        MaterialShortage,
        MrpRun,
        PurchaseOrder,
        PurchaseOrderLine,
        PurchaseSuggestion,
        ReleaseOverride,
        Reservation,
        StockBalance,
        StockMove,
        SupplierItem,
        Warehouse,
    ],
    SupportAdmin,
)
