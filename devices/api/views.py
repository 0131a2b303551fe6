"""REST endpoints of devices/: registry, credentials, register maps, telemetry, alarms."""

import io

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.schema import ANY_OBJECT
from core.api.viewsets import TenantModelViewSet, TenantReadOnlyViewSet, TenantViewSet
from core.roles import FACTORY_STAFF, FLOOR, MANAGERS
from core.sheet_lists import sheet_import
from devices import services
from devices.api import serializers
from devices.models import (
    Alarm,
    DeadLetter,
    Device,
    MinuteRollup,
    RegisterMap,
    StationHandoff,
    TelemetryPolicy,
    TelemetryRecord,
)
from devices.sheets import DEVICES


class DeviceViewSet(
    TenantViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
):
    """Devices of the acting factory. Registering goes through the service; credentials are
    shown once, in the answer to `credentials`."""

    queryset = Device.objects.select_related("line", "station", "operator")
    serializer_class = serializers.DeviceSerializer
    read_roles = FACTORY_STAFF
    write_roles = MANAGERS
    action_roles = {
        "create": MANAGERS,
        "credentials": MANAGERS,
        "bulk_import": MANAGERS,
        "retire": MANAGERS,
    }
    filterset_fields = ["kind", "protocol", "line", "station", "is_online", "is_active"]
    search_fields = ["code", "name", "vendor", "model_name"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device = services.device_register(
            factory=request.organization.factory, data=serializer.validated_data, by=request.user
        )
        return Response(self.get_serializer(device).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: ANY_OBJECT})
    @action(detail=True, methods=["post"])
    def credentials(self, request, pk=None):
        device = self.get_object()
        password = services.device_credentials_issue(device=device, by=request.user)
        device.refresh_from_db()
        return Response(
            {"username": device.mqtt_username, "password": password},
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        device = services.device_retire(device=self.get_object(), by=request.user)
        return Response(self.get_serializer(device).data)

    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        serializer_class=serializers.DeviceImportSerializer,
    )
    def bulk_import(self, request):
        serializer = serializers.DeviceImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The same sheet and importer as the page: each fault is named by row and column.
        upload = io.BytesIO(serializer.validated_data["csv"].encode())
        upload.name = "devices.csv"
        devices = sheet_import(
            DEVICES,
            upload,
            lambda rows: services.devices_import(
                factory=request.organization.factory, rows=rows, by=request.user
            ),
        )
        return Response(
            serializers.DeviceSerializer(devices, many=True, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class RegisterMapViewSet(TenantModelViewSet):
    queryset = RegisterMap.objects.all()
    serializer_class = serializers.RegisterMapSerializer
    read_roles = FACTORY_STAFF
    write_roles = MANAGERS

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        register_map = services.register_map_save(
            factory=request.organization.factory, by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(register_map).data, status=status.HTTP_201_CREATED)

    # The set-up page writes through the same service.
    def perform_update(self, serializer):
        data = serializer.validated_data
        instance = serializer.instance
        serializer.instance = services.register_map_update(
            register_map=instance,
            vendor=data.get("vendor", instance.vendor),
            model_name=data.get("model_name", instance.model_name),
            registers=data.get("registers", instance.registers),
            by=self.request.user,
        )


class TelemetryRecordViewSet(TenantReadOnlyViewSet):
    queryset = TelemetryRecord.objects.order_by("-time", "-id")
    serializer_class = serializers.TelemetryRecordSerializer
    read_roles = FACTORY_STAFF
    filterset_fields = {"device": ["exact"], "kind": ["exact"], "time": ["gte", "lt"]}


class DeadLetterViewSet(TenantReadOnlyViewSet):
    queryset = DeadLetter.objects.all()
    serializer_class = serializers.DeadLetterSerializer
    read_roles = MANAGERS
    filterset_fields = ["reason", "device"]


class MinuteRollupViewSet(TenantReadOnlyViewSet):
    queryset = MinuteRollup.objects.all()
    serializer_class = serializers.MinuteRollupSerializer
    read_roles = FACTORY_STAFF
    filterset_fields = {"device": ["exact"], "station": ["exact"], "minute": ["gte", "lt"]}


class AlarmViewSet(TenantReadOnlyViewSet):
    queryset = Alarm.objects.select_related("device", "station")
    serializer_class = serializers.AlarmSerializer
    read_roles = FACTORY_STAFF
    action_roles = {"acknowledge": FLOOR, "clear": FLOOR}
    filterset_fields = ["state", "kind", "device", "station"]

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alarm = services.alarm_acknowledge(alarm=self.get_object(), by=request.user)
        return Response(self.get_serializer(alarm).data)

    @action(detail=True, methods=["post"])
    def clear(self, request, pk=None):
        alarm = services.alarm_clear(alarm=self.get_object(), by=request.user)
        return Response(self.get_serializer(alarm).data)


class TelemetryPolicyViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The factory's retention and alarm thresholds (one row; `PUT /current/` to change)."""

    queryset = TelemetryPolicy.objects.order_by("id")
    serializer_class = serializers.TelemetryPolicySerializer
    read_roles = FACTORY_STAFF
    write_roles = MANAGERS
    action_roles = {"current": MANAGERS}

    def get_object(self):
        # `current/` has no id: it is the acting factory's policy (an OPTIONS request on it asks
        # for the object too, to describe PUT).
        if self.lookup_field not in self.kwargs:
            policy = services.telemetry_policy_for(self.request.organization.pk)
            self.check_object_permissions(self.request, policy)
            return policy
        return super().get_object()

    @action(detail=False, methods=["put"])
    def current(self, request):
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        policy = services.telemetry_policy_update(
            factory=request.organization.factory,
            changes=dict(serializer.validated_data),
            by=request.user,
        )
        return Response(self.get_serializer(policy).data)


class StationHandoffViewSet(TenantReadOnlyViewSet):
    queryset = StationHandoff.objects.order_by("-created_at", "-id")
    serializer_class = serializers.StationHandoffSerializer
    read_roles = FLOOR
    filterset_fields = ["outcome", "device", "work_order"]
