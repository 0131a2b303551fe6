from core.api.routers import api_router
from factories.api import views

api_router.register("factories", views.FactoryViewSet, basename="factory")
api_router.register("partnerships", views.PartnershipViewSet, basename="partnership")
api_router.register("lines", views.SewingLineViewSet, basename="sewingline")
api_router.register("stations", views.StationViewSet, basename="station")
api_router.register("workers", views.WorkerViewSet, basename="worker")
api_router.register("shifts", views.ShiftViewSet, basename="shift")
api_router.register("worker-skills", views.WorkerSkillViewSet, basename="workerskill")
api_router.register("calendar-days", views.CalendarDayViewSet, basename="calendarday")
api_router.register("line-day-plans", views.LineDayPlanViewSet, basename="linedayplan")
