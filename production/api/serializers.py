"""Serializers of production's shop-floor endpoints (thin: services do the rules)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import TenantModelSerializer
from core.limits import QuantityField
from production.models import (
    Bundle,
    Carton,
    CartonLine,
    ConversionJob,
    DefectCode,
    FinalAudit,
    FinishedGoodsReceipt,
    Inspection,
    InspectionDefect,
    LineBalance,
    OperationRecord,
    ScheduleEntry,
    Shipment,
)


class OperationRecordSerializer(TenantModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    operation_name = serializers.CharField(source="operation.name", read_only=True)

    class Meta:
        model = OperationRecord
        fields = [
            "id", "bundle", "operation", "operation_name", "work_order", "worker", "worker_name",
            "station", "line", "recorded_at", "work_date", "good_pieces", "defective_pieces",
            "is_rework", "source", "external_event_id", "reason", "recorded_by", "voided_at",
            "voided_by", "void_reason",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "maxLength": 60}]})
class BundleEntryField(serializers.Field):
    """A bundle as a client names it: a JSON integer is the bundle's id (as this API has always
    taken it); a string is what is printed or scanned on the ticket (`bundle_resolve`)."""

    default_error_messages = {
        "invalid": _("Give the bundle's id (a number) or its ticket text."),
        "max_length": _("Ensure this field has no more than 60 characters."),
    }

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid")
        if len(data) > 60:
            self.fail("max_length")
        return data.strip()

    def to_representation(self, value):
        return value


class OperationRecordCreateSerializer(serializers.Serializer):
    """Bundle: its id as a JSON integer; or, as a string, the ticket's QR text (`SLB:<id>`), its
    printed code (`<work order>-<number>`) or its number within `work_order`
    (production.services.bundle_resolve: a number several open work orders have is refused as
    `bundle_ambiguous`); operation: id or code; badge: in any written form ("B0041" or
    "B000041", factories.badges)."""

    bundle = BundleEntryField()
    work_order = serializers.IntegerField(required=False, allow_null=True)
    operation = serializers.CharField(max_length=40)
    badge = serializers.CharField(max_length=40)
    station = serializers.CharField(max_length=40, required=False, allow_blank=True)
    good_pieces = QuantityField(min_value=None, required=False, allow_null=True)
    defective_pieces = QuantityField(min_value=None, required=False, default=0)
    is_rework = serializers.BooleanField(required=False, default=False)
    source = serializers.ChoiceField(
        choices=[OperationRecord.Source.SCAN, OperationRecord.Source.MANUAL],
        default=OperationRecord.Source.SCAN,
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    external_event_id = serializers.CharField(max_length=100, required=False, allow_blank=True)


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class HoldSerializer(serializers.Serializer):
    """Input of `hold`: why the bundle or carton is held."""

    reason = serializers.CharField(max_length=300)


class HoldReleaseSerializer(serializers.Serializer):
    """Input of `release` (of a hold): an optional note for the audit."""

    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class BundleSerializer(TenantModelSerializer):
    class Meta:
        model = Bundle
        fields = [
            "id", "work_order", "lay", "number", "size", "colour", "quantity", "status", "hold",
            "hold_reason",
        ]  # fmt: skip
        read_only_fields = fields


class ScheduleEntrySerializer(TenantModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)
    due_date = serializers.DateField(source="work_order.due_date", read_only=True)

    class Meta:
        model = ScheduleEntry
        fields = [
            "id", "work_order", "work_order_number", "due_date", "line", "sequence",
            "start_date", "finish_date", "load_minutes", "changeover_minutes", "late_days",
            "daily_minutes", "pinned_line", "pinned_start", "is_unplaced", "planned_at",
        ]  # fmt: skip
        read_only_fields = fields


class MoveSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    start = serializers.DateField(required=False, allow_null=True)
    # A move that overloads a line is refused (409, code "overload") unless confirmed.
    confirm = serializers.BooleanField(required=False, default=False)


class LineBalanceSerializer(TenantModelSerializer):
    class Meta:
        model = LineBalance
        fields = [
            "id", "work_order", "line", "cycle_time", "efficiency", "output_per_hour",
            "bottleneck", "assignments", "loads", "is_current", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "cycle_time", "efficiency", "output_per_hour", "bottleneck", "assignments", "loads",
            "is_current", "created_at",
        ]  # fmt: skip


class DefectCodeSerializer(TenantModelSerializer):
    class Meta:
        model = DefectCode
        fields = ["id", "code", "name", "name_en", "severity", "is_active"]


class InspectionDefectSerializer(TenantModelSerializer):
    code = serializers.CharField(source="defect_code.code", read_only=True)

    class Meta:
        model = InspectionDefect
        fields = ["id", "code", "count", "operation", "worker", "rework_pieces", "photo"]
        read_only_fields = fields


class InspectionSerializer(TenantModelSerializer):
    defects = InspectionDefectSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id", "kind", "work_order", "bundle", "operation", "station", "line", "worker",
            "checked_pieces", "defective_pieces", "rejected_pieces", "result", "notes",
            "inspector", "inspected_at", "defects",
        ]  # fmt: skip
        read_only_fields = fields


class DefectInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=10)
    count = QuantityField(min_value=1, default=1)
    operation = serializers.IntegerField(required=False, allow_null=True)
    rework_pieces = QuantityField(min_value=0, default=0)


class InspectionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Inspection.Kind.choices)
    work_order = serializers.IntegerField(required=False, allow_null=True)
    bundle = serializers.CharField(max_length=60, required=False, allow_blank=True)
    operation = serializers.CharField(max_length=40, required=False, allow_blank=True)
    station = serializers.IntegerField(required=False, allow_null=True)
    worker = serializers.IntegerField(required=False, allow_null=True)
    checked_pieces = QuantityField(min_value=None)
    defective_pieces = QuantityField(min_value=None, required=False, allow_null=True)
    rejected_pieces = QuantityField(min_value=None, required=False, default=0)
    result = serializers.ChoiceField(choices=Inspection.Result.choices)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)
    defects = DefectInputSerializer(many=True, required=False)


class FinalAuditSerializer(TenantModelSerializer):
    class Meta:
        model = FinalAudit
        fields = [
            "id", "work_order", "lot_size", "level", "aql_major", "aql_minor", "code_letter",
            "sample_size", "major_accept", "major_reject", "minor_accept", "minor_reject",
            "critical_found", "major_found", "minor_found", "result", "notes", "auditor",
            "audited_at",
        ]  # fmt: skip
        read_only_fields = [
            "code_letter", "sample_size", "major_accept", "major_reject", "minor_accept",
            "minor_reject", "result", "auditor", "audited_at",
        ]  # fmt: skip


class ReceiptSerializer(TenantModelSerializer):
    class Meta:
        model = FinishedGoodsReceipt
        fields = ["id", "work_order", "colour", "size", "quantity", "received_by", "received_at"]
        read_only_fields = ["received_by", "received_at"]


class CartonLineSerializer(TenantModelSerializer):
    class Meta:
        model = CartonLine
        fields = ["colour", "size", "quantity"]


class CartonSerializer(TenantModelSerializer):
    lines = CartonLineSerializer(many=True)

    class Meta:
        model = Carton
        fields = ["id", "work_order", "number", "kind", "shipment", "gross_weight_kg", "lines"]
        fields += ["packed_at", "hold", "hold_reason"]
        read_only_fields = ["number", "kind", "shipment", "packed_at", "hold", "hold_reason"]


class ShipmentSerializer(TenantModelSerializer):
    cartons = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Carton.objects.all(), required=True
    )

    class Meta:
        model = Shipment
        fields = [
            "id", "number", "work_order", "order", "carrier", "tracking_number", "status",
            "shipped_at", "cartons",
        ]  # fmt: skip
        read_only_fields = ["number", "order", "status", "shipped_at"]


class ConversionJobSerializer(TenantModelSerializer):
    total = serializers.IntegerField(read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ConversionJob
        fields = [
            "id",
            "order_ids",
            "status",
            "total",
            "done",
            "failed",
            "percent",
            "results",
            "created_at",
            "finished_at",
        ]
        read_only_fields = ["status", "done", "failed", "results", "created_at", "finished_at"]
