from core.api.routers import api_router
from devices.api import views

api_router.register("devices", views.DeviceViewSet, basename="device")
api_router.register("register-maps", views.RegisterMapViewSet, basename="registermap")
api_router.register("telemetry", views.TelemetryRecordViewSet, basename="telemetryrecord")
api_router.register("dead-letters", views.DeadLetterViewSet, basename="deadletter")
api_router.register("rollups", views.MinuteRollupViewSet, basename="minuterollup")
api_router.register("alarms", views.AlarmViewSet, basename="alarm")
api_router.register("telemetry-policy", views.TelemetryPolicyViewSet, basename="telemetrypolicy")
api_router.register("station-handoffs", views.StationHandoffViewSet, basename="stationhandoff")
