from core.api.routers import api_router
from inventory.api import views

api_router.register("materials", views.MaterialViewSet, basename="material")
api_router.register("supplier-items", views.SupplierItemViewSet, basename="supplieritem")
api_router.register("warehouses", views.WarehouseViewSet, basename="warehouse")
api_router.register("bins", views.BinViewSet, basename="bin")
api_router.register("lots", views.LotViewSet, basename="lot")
api_router.register("stock", views.StockBalanceViewSet, basename="stockbalance")
api_router.register("stock-moves", views.StockMoveViewSet, basename="stockmove")
api_router.register("reservations", views.ReservationViewSet, basename="reservation")
api_router.register("purchase-orders", views.PurchaseOrderViewSet, basename="purchaseorder")
api_router.register(
    "fabric-inspections", views.FabricInspectionViewSet, basename="fabricinspection"
)
api_router.register("cycle-counts", views.CycleCountViewSet, basename="cyclecount")
api_router.register("shortages", views.MaterialShortageViewSet, basename="materialshortage")
api_router.register(
    "purchase-suggestions", views.PurchaseSuggestionViewSet, basename="purchasesuggestion"
)
api_router.register("release-overrides", views.ReleaseOverrideViewSet, basename="releaseoverride")
