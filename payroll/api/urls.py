from core.api.routers import api_router
from payroll.api import costing as costing_api
from payroll.api import views

api_router.register("payroll/policies", views.PayPolicyViewSet, basename="paypolicy")
api_router.register(
    "payroll/rate-adjustments", views.RateAdjustmentViewSet, basename="rateadjustment"
)
api_router.register("payroll/time-rates", views.TimeRateViewSet, basename="timerate")
api_router.register("payroll/time-entries", views.TimeEntryViewSet, basename="timeentry")
api_router.register(
    "payroll/attendance-events", views.AttendanceEventViewSet, basename="attendanceevent"
)
api_router.register("payroll/attendance-days", views.AttendanceDayViewSet, basename="attendanceday")
api_router.register("payroll/periods", views.PayPeriodViewSet, basename="payperiod")
api_router.register("payroll/adjustments", views.PayAdjustmentViewSet, basename="payadjustment")
api_router.register("payroll/payslips", views.PayslipViewSet, basename="payslip")
api_router.register("payroll/wage-days", views.WageDayViewSet, basename="wageday")
api_router.register("payroll/wage-lines", views.WageLineViewSet, basename="wageline")
api_router.register("payroll/disputes", views.DisputeViewSet, basename="dispute")
api_router.register("payroll/my-earnings", views.MyEarningsViewSet, basename="myearnings")

urlpatterns: list = []

# Costing (payroll/api/costing.py): the factory's own figures.
api_router.register("pre-costs", costing_api.PreCostViewSet, basename="precost")
api_router.register("quotations", costing_api.QuotationViewSet, basename="quotation")
api_router.register("work-order-costs", costing_api.WorkOrderCostViewSet, basename="workordercost")
api_router.register("order-margins", costing_api.OrderMarginViewSet, basename="ordermargin")
