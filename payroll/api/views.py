"""Payroll API: thin doors into payroll.services; wage data is for payroll staff only.

Workers reach their own pay through `my-earnings` and their own disputes; nobody outside the
factory reaches any of it (every model is factory-internal).
"""

from decimal import Decimal

from django.http import Http404, HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.schema import ANY_OBJECT
from core.api.viewsets import TenantModelViewSet, TenantReadOnlyViewSet, TenantViewSet
from core.roles import FLOOR, PAYROLL, Role
from payroll import outputs, selectors, services
from payroll.api import serializers as s
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

WORKERS = frozenset({Role.WORKER})
ATTENDANCE = FLOOR | PAYROLL


def _by(request) -> dict:
    return {"by": request.user if request.user.is_authenticated else None}


def _factory(request):
    return request.organization.factory


class PayPolicyViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """The factory's wage rules (minimum wage, bonus, overtime, period kind). POST sets them
    (there is one policy per factory); PATCH changes some of them."""

    queryset = PayPolicy.objects.all()
    serializer_class = s.PayPolicySerializer
    read_roles = PAYROLL
    write_roles = PAYROLL

    def perform_create(self, serializer):
        self.perform_update(serializer)

    def perform_update(self, serializer):
        serializer.instance = services.pay_policy_update(
            factory=_factory(self.request), **_by(self.request), **serializer.validated_data
        )


class RateAdjustmentViewSet(TenantModelViewSet):
    """Piece-rate multipliers by operator grade and by operation difficulty."""

    queryset = RateAdjustment.objects.all()
    serializer_class = s.RateAdjustmentSerializer
    read_roles = PAYROLL
    write_roles = PAYROLL
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.rate_adjustment_set(
            factory=_factory(self.request),
            kind=data["kind"],
            multiplier=data["multiplier"],
            grade=data.get("grade"),
            operation_code=data.get("operation_code", ""),
            reason=data.get("reason", ""),
            **_by(self.request),
        )


class TimeRateViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    """Hourly rates of non-piece work (training, waiting, machine down)."""

    queryset = TimeRate.objects.all()
    serializer_class = s.TimeRateSerializer
    read_roles = PAYROLL
    write_roles = PAYROLL

    def perform_create(self, serializer):
        serializer.instance = services.time_rate_set(
            factory=_factory(self.request), **serializer.validated_data, **_by(self.request)
        )


class TimeEntryViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    """Minutes of non-piece work, from a supervisor (with a reason) or from device data."""

    queryset = TimeEntry.objects.select_related("worker")
    serializer_class = s.TimeEntrySerializer
    read_roles = ATTENDANCE
    write_roles = ATTENDANCE
    filterset_fields = ["worker", "day", "kind", "source"]

    def perform_create(self, serializer):
        serializer.instance = services.time_entry_record(
            factory=_factory(self.request), **serializer.validated_data, **_by(self.request)
        )


class AttendanceEventViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    """Clock-ins and clock-outs: badge scans, or a supervisor's entry with a reason."""

    queryset = AttendanceEvent.objects.all()
    serializer_class = s.AttendanceEventSerializer
    read_roles = ATTENDANCE
    write_roles = ATTENDANCE
    filterset_fields = ["worker", "direction", "source"]

    def perform_create(self, serializer):
        serializer.instance = services.attendance_clock(
            factory=_factory(self.request), **serializer.validated_data, **_by(self.request)
        )


class AttendanceDayViewSet(TenantReadOnlyViewSet):
    """Attended minutes per worker and day."""

    queryset = AttendanceDay.objects.all()
    serializer_class = s.AttendanceDaySerializer
    read_roles = ATTENDANCE
    filterset_fields = ["worker", "day", "unmatched"]


def _money_as_text(value):
    """Decimals as strings, as DRF's decimal fields give them (never binary floats)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _money_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_money_as_text(item) for item in value]
    return value


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PayPeriodViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Pay periods: open → calculated → approved (locked) → paid, and their documents."""

    queryset = PayPeriod.objects.all()
    serializer_class = s.PayPeriodSerializer
    read_roles = PAYROLL
    write_roles = PAYROLL
    action_roles = {
        "calculate": PAYROLL,
        "approve": PAYROLL,
        "pay": PAYROLL,
        "figures": PAYROLL,
        "wage_sheet": PAYROLL,
        "bank_file": PAYROLL,
        "payslips_pdf": PAYROLL,
    }
    filterset_fields = ["status", "kind"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.pay_period_open(
            factory=_factory(self.request),
            starts_on=data["starts_on"],
            kind=data.get("kind"),
            ends_on=data.get("ends_on"),
            **_by(self.request),
        )

    def perform_update(self, serializer):
        period = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.pay_period_update(
            period=period,
            starts_on=data.get("starts_on", period.starts_on),
            ends_on=data.get("ends_on", period.ends_on),
            **_by(self.request),
        )

    def _answer(self, period):
        return Response(self.get_serializer(period).data)

    @action(detail=True, methods=["post"], serializer_class=s.NoBodySerializer)
    def calculate(self, request, pk=None):
        period = services.pay_period_calculate(period=self.get_object(), **_by(request))
        return Response(s.PayPeriodSerializer(period, context={"request": request}).data)

    @action(detail=True, methods=["post"], serializer_class=s.ApproveSerializer)
    def approve(self, request, pk=None):
        period = self.get_object()
        body = s.ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        period = services.pay_period_approve(period=period, **body.validated_data, **_by(request))
        return Response(s.PayPeriodSerializer(period, context={"request": request}).data)

    @action(detail=True, methods=["post"], serializer_class=s.NoBodySerializer)
    def pay(self, request, pk=None):
        period = services.pay_period_mark_paid(period=self.get_object(), **_by(request))
        return Response(s.PayPeriodSerializer(period, context={"request": request}).data)

    @extend_schema(responses={200: ANY_OBJECT})
    @action(detail=True, methods=["get"])
    def figures(self, request, pk=None):
        period = self.get_object()
        return Response(
            _money_as_text(
                {
                    **selectors.period_figures(period),
                    "by_line": selectors.totals_by_line(period),
                    "by_department": selectors.totals_by_department(period),
                }
            )
        )

    @action(detail=True, methods=["get"], url_path="wage-sheet")
    def wage_sheet(self, request, pk=None):
        period = self.get_object()
        return _download(
            outputs.wage_sheet_xlsx(period),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"wages-{period.starts_on:%Y%m%d}.xlsx",
        )

    @action(detail=True, methods=["get"], url_path="bank-file")
    def bank_file(self, request, pk=None):
        period = self.get_object()
        return _download(
            outputs.bank_transfer_csv(period, by=request.user),
            "text/csv; charset=utf-8",
            f"bank-{period.starts_on:%Y%m%d}.csv",
        )

    @action(detail=True, methods=["get"], url_path="payslips-pdf")
    def payslips_pdf(self, request, pk=None):
        period = self.get_object()
        return _download(
            outputs.payslips_pdf(period, outputs.payable_payslips(period)),
            "application/pdf",
            f"payslips-{period.starts_on:%Y%m%d}.pdf",
        )


class PayAdjustmentViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    """Corrections with a reason, paid in an open period."""

    queryset = PayAdjustment.objects.all()
    serializer_class = s.PayAdjustmentSerializer
    read_roles = PAYROLL
    write_roles = PAYROLL
    filterset_fields = ["period", "worker"]

    def perform_create(self, serializer):
        serializer.instance = services.pay_adjustment_add(
            **serializer.validated_data, **_by(self.request)
        )


class PayslipViewSet(TenantReadOnlyViewSet):
    queryset = Payslip.objects.all()
    serializer_class = s.PayslipSerializer
    read_roles = PAYROLL
    action_roles = {"pdf": PAYROLL}
    filterset_fields = ["period", "worker"]

    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        slip = self.get_object()
        return _download(
            outputs.payslips_pdf(slip.period, [slip]),
            "application/pdf",
            f"payslip-{slip.employee_no}-{slip.period.starts_on:%Y%m%d}.pdf",
        )


class WageDayViewSet(TenantReadOnlyViewSet):
    queryset = WageDay.objects.all()
    serializer_class = s.WageDaySerializer
    read_roles = PAYROLL
    filterset_fields = ["period", "worker", "day"]


class WageLineViewSet(TenantReadOnlyViewSet):
    queryset = WageLine.objects.all()
    serializer_class = s.WageLineSerializer
    read_roles = PAYROLL
    filterset_fields = ["period", "worker", "day"]


class DisputeViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    """Operators question a line of their pay; the payroll clerk answers."""

    queryset = Dispute.objects.all()
    serializer_class = s.DisputeSerializer
    read_roles = PAYROLL | WORKERS
    write_roles = WORKERS
    action_roles = {"answer": PAYROLL}
    filterset_fields = ["status", "worker"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self.request, "role", None) == Role.WORKER:
            return queryset.filter(worker__user=self.request.user)
        return queryset

    def perform_create(self, serializer):
        worker = selectors.worker_of(self.request.user, self.request.organization)
        if worker is None:
            raise Http404
        data = serializer.validated_data
        serializer.instance = services.dispute_open(
            worker=worker,
            day=data["day"],
            subject=data.get("subject", ""),
            message=data["message"],
            operation_id=data["operation"].pk if data.get("operation") else None,
            **_by(self.request),
        )

    @action(detail=True, methods=["post"], serializer_class=s.DisputeAnswerSerializer)
    def answer(self, request, pk=None):
        dispute = self.get_object()
        body = s.DisputeAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dispute = services.dispute_answer(
            dispute=dispute, answer=body.validated_data["answer"], **_by(request)
        )
        return Response(s.DisputeSerializer(dispute, context={"request": request}).data)


class MyEarningsViewSet(TenantViewSet):
    """An operator's own pieces and pay: today by operation, and each day of the period."""

    serializer_class = s.MyEarningsSerializer
    queryset = WageDay.objects.none()  # the answer is computed, not listed; for the schema
    read_roles = WORKERS

    def list(self, request):
        worker = selectors.worker_of(request.user, request.organization)
        if worker is None:
            raise Http404
        return Response(s.MyEarningsSerializer(selectors.my_earnings(worker)).data)
