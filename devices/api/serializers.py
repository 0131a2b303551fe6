from rest_framework import serializers

from core.api.serializers import TenantModelSerializer
from devices.models import (
    Alarm,
    DeadLetter,
    Device,
    MinuteRollup,
    PollStatus,
    RegisterMap,
    StationHandoff,
    TelemetryPolicy,
    TelemetryRecord,
)


class DeviceSerializer(TenantModelSerializer):
    # Blank until the device is first polled (and always for MQTT devices): say so in the schema.
    poll_status = serializers.ChoiceField(
        choices=PollStatus.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Device
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "vendor",
            "model_name",
            "protocol",
            "line",
            "station",
            "operator",
            "gateway",
            "is_active",
            "is_online",
            "last_seen_at",
            "mqtt_username",
            "credentials_issued_at",
            "register_map",
            "modbus_host",
            "modbus_port",
            "modbus_unit",
            "poll_seconds",
            "poll_status",
            "poll_error",
        ]
        read_only_fields = [
            "is_active",
            "is_online",
            "poll_status",
            "poll_error",
            "last_seen_at",
            "mqtt_username",
            "credentials_issued_at",
        ]


class DeviceImportSerializer(serializers.Serializer):
    csv = serializers.CharField(
        help_text="CSV text: code,name,kind,vendor,model,protocol,line,station,operator"
    )


class RegisterMapSerializer(TenantModelSerializer):
    # Required here, so a map posted without it is a 400 naming the field; the service checks
    # each entry.
    registers = serializers.ListField(child=serializers.JSONField(), allow_empty=False)

    class Meta:
        model = RegisterMap
        fields = ["id", "vendor", "model_name", "registers"]


class TelemetryRecordSerializer(TenantModelSerializer):
    class Meta:
        model = TelemetryRecord
        fields = ["id", "device", "sequence", "time", "received_at", "kind", "data"]


class DeadLetterSerializer(TenantModelSerializer):
    payload = serializers.SerializerMethodField()

    class Meta:
        model = DeadLetter
        fields = ["id", "device", "topic", "payload", "reason", "detail", "received_at"]

    def get_payload(self, obj) -> str:
        return bytes(obj.payload[:2000]).decode(errors="replace")


class MinuteRollupSerializer(TenantModelSerializer):
    class Meta:
        model = MinuteRollup
        fields = [
            "id",
            "device",
            "station",
            "minute",
            "running_seconds",
            "idle_seconds",
            "stopped_seconds",
            "stitches",
            "trims",
            "arrivals",
            "departures",
            "pieces",
            "events",
        ]


class AlarmSerializer(TenantModelSerializer):
    class Meta:
        model = Alarm
        fields = [
            "id",
            "kind",
            "state",
            "subject",
            "device",
            "station",
            "message",
            "value",
            "opened_at",
            "acknowledged_at",
            "acknowledged_by",
            "cleared_at",
        ]
        read_only_fields = fields


class TelemetryPolicySerializer(TenantModelSerializer):
    class Meta:
        model = TelemetryPolicy
        fields = [
            "id",
            "retention_days",
            "offline_after_minutes",
            "stopped_after_minutes",
            "wip_threshold",
        ]


class StationHandoffSerializer(TenantModelSerializer):
    class Meta:
        model = StationHandoff
        fields = [
            "id",
            "device",
            "sequence",
            "record_id",
            "outcome",
            "operation_record",
            "work_order",
            "detail",
            "created_at",
        ]
