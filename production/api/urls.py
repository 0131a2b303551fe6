from core.api.routers import api_router
from production.api import cutting, inventory_views, order_views, views

api_router.register("operation-records", views.OperationRecordViewSet, basename="operationrecord")
api_router.register("schedule", views.ScheduleEntryViewSet, basename="scheduleentry")
api_router.register("line-balances", views.LineBalanceViewSet, basename="linebalance")
api_router.register("defect-codes", views.DefectCodeViewSet, basename="defectcode")
api_router.register("inspections", views.InspectionViewSet, basename="inspection")
api_router.register("final-audits", views.FinalAuditViewSet, basename="finalaudit")
api_router.register("finished-goods-receipts", views.ReceiptViewSet, basename="receipt")
api_router.register("cartons", views.CartonViewSet, basename="carton")
api_router.register("shipments", views.ShipmentViewSet, basename="shipment")
# Doors at orders' routes that need production (production/api/order_views.py).
api_router.register("orders", order_views.OrderProductionViewSet, basename="orderproduction")
api_router.register(
    "daily-sales", order_views.DailySaleProductionViewSet, basename="dailysaleproduction"
)
api_router.register("conversion-jobs", order_views.ConversionJobViewSet, basename="conversionjob")
# Doors at inventory's routes that need production (production/api/inventory_views.py).
api_router.register("mrp-runs", inventory_views.MrpRunViewSet, basename="mrprun")
api_router.register(
    "release-overrides", inventory_views.ReleaseToCuttingViewSet, basename="releasetocutting"
)
# The cutting room and traceability (production/api/cutting.py).
api_router.register("lays", cutting.LayViewSet, basename="lay")
api_router.register("recuts", cutting.RecutViewSet, basename="recut")
api_router.register("carton-traces", cutting.CartonTraceViewSet, basename="cartontrace")
api_router.register("lot-traces", cutting.LotTraceViewSet, basename="lottrace")
