"""Payroll API serializers: thin shapes; every rule lives in payroll.services."""

from rest_framework import serializers

from core.api.serializers import TenantModelSerializer
from factories.selectors import worker_accounts_masked
from payroll.models import (
    AttendanceDay,
    AttendanceEvent,
    Dispute,
    PayAdjustment,
    PayPeriod,
    PayPolicy,
    Payslip,
    RateAdjustment,
    TimeEntry,
    TimeRate,
    WageDay,
    WageLine,
)


class PayPolicySerializer(TenantModelSerializer):
    class Meta:
        model = PayPolicy
        exclude = ["factory"]
        read_only_fields = ["updated_at"]


class RateAdjustmentSerializer(TenantModelSerializer):
    class Meta:
        model = RateAdjustment
        fields = ["id", "kind", "grade", "operation_code", "multiplier", "reason", "updated_at"]
        read_only_fields = ["updated_at"]
        validators = []  # uniqueness is an update in the service, not an error


class TimeRateSerializer(TenantModelSerializer):
    class Meta:
        model = TimeRate
        fields = ["id", "kind", "hourly_rate", "updated_at"]
        read_only_fields = ["updated_at"]
        validators = []


class TimeEntrySerializer(TenantModelSerializer):
    class Meta:
        model = TimeEntry
        fields = [
            "id", "worker", "day", "kind", "minutes", "source", "source_ref", "reason",
            "entered_by", "created_at",
        ]  # fmt: skip
        read_only_fields = ["entered_by", "created_at"]
        validators = []


class AttendanceEventSerializer(TenantModelSerializer):
    class Meta:
        model = AttendanceEvent
        fields = ["id", "worker", "at", "direction", "source", "reason", "entered_by", "created_at"]
        read_only_fields = ["entered_by", "created_at"]


class AttendanceDaySerializer(TenantModelSerializer):
    class Meta:
        model = AttendanceDay
        fields = ["id", "worker", "day", "minutes", "first_in", "last_out", "unmatched"]


class PayPeriodSerializer(TenantModelSerializer):
    class Meta:
        model = PayPeriod
        fields = [
            "id", "kind", "starts_on", "ends_on", "status", "calculated_at", "approved_at",
            "approved_by", "approved_with_open_disputes", "paid_at", "paid_by", "workers",
            "worker_days", "good_pieces", "records", "gross_total", "created_at",
        ]  # fmt: skip
        read_only_fields = [f for f in fields if f not in ("kind", "starts_on", "ends_on")]
        extra_kwargs = {"kind": {"required": False}, "ends_on": {"required": False}}
        validators = []


class NoBodySerializer(serializers.Serializer):
    """An action that takes no body."""


class ApproveSerializer(serializers.Serializer):
    confirm_open_disputes = serializers.BooleanField(default=False)


class PayAdjustmentSerializer(TenantModelSerializer):
    class Meta:
        model = PayAdjustment
        fields = [
            "id", "period", "worker", "amount", "reason", "corrects_period", "created_by",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["created_by", "created_at"]


class PayslipListSerializer(serializers.ListSerializer):
    """A page of payslips reads its workers' masked accounts in one query, not one per row."""

    def to_representation(self, data):
        slips = list(data.all() if hasattr(data, "all") else data)
        self.child.masked_accounts = worker_accounts_masked({s.worker_id for s in slips})
        return super().to_representation(slips)


class PayslipSerializer(TenantModelSerializer):
    # The worker's account, last four only, read from the worker (the payslip keeps no copy;
    # the bank file alone has the number).
    bank_account = serializers.SerializerMethodField()
    masked_accounts: dict[int, str] | None = None

    class Meta:
        model = Payslip
        exclude = ["factory"]
        list_serializer_class = PayslipListSerializer

    def get_bank_account(self, instance) -> str:
        accounts = self.masked_accounts
        if accounts is None or instance.worker_id not in accounts:
            accounts = worker_accounts_masked([instance.worker_id])
        return accounts.get(instance.worker_id, "")


class WageDaySerializer(TenantModelSerializer):
    class Meta:
        model = WageDay
        exclude = ["factory"]


class WageLineSerializer(TenantModelSerializer):
    class Meta:
        model = WageLine
        exclude = ["factory"]


class DisputeSerializer(TenantModelSerializer):
    class Meta:
        model = Dispute
        fields = [
            "id", "worker", "day", "operation", "subject", "message", "status", "answer",
            "answered_by", "answered_at", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "worker", "status", "answer", "answered_by", "answered_at", "created_at",
        ]  # fmt: skip
        extra_kwargs = {"subject": {"required": False}}


class DisputeAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


class EarningLineSerializer(serializers.Serializer):
    operation = serializers.CharField(source="operation_code")
    name = serializers.CharField(source="operation_name")
    good_pieces = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class EarningDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    good_pieces = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)


class MyEarningsSerializer(serializers.Serializer):
    """An operator's own pay: today by operation, and each day of the current period."""

    today = serializers.DateField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    today_lines = EarningLineSerializer(many=True)
    days = EarningDaySerializer(many=True)
