"""Factory profile, partnerships and the floor (lines, stations, workers)."""

from zoneinfo import available_timezones

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.filters import TenantFilterSet
from core.api.serializers import TenantModelSerializer
from core.api.values import ValuesListMixin
from core.api.viewsets import TenantModelViewSet, TenantReadOnlyViewSet, TenantViewSet
from core.roles import (
    FACTORY_ALL,
    FACTORY_STAFF,
    FLOOR,
    MANAGERS,
    MERCHANTS,
    OWNERS,
    PAYROLL,
    PLANNING,
    SUPPLIERS,
)
from factories import closure, services
from factories.badges import badge_normalise
from factories.models import (
    CalendarDay,
    Factory,
    LineDayPlan,
    Partnership,
    SewingLine,
    Shift,
    Station,
    Worker,
    WorkerSkill,
)
from factories.selectors import workers_with_account

PARTNERS = MERCHANTS | SUPPLIERS


class SetupServiceWrites:
    """Creates and updates through the factory set-up services, the same write path as the
    set-up pages and their Excel imports (checks, factory-owned related rows, audit)."""

    create_service = None
    update_service = None

    def perform_create(self, serializer):
        self.tenant_fields()  # only a factory creates these
        serializer.instance = type(self).create_service(
            factory=self.request.organization.factory,
            data=dict(serializer.validated_data),
            by=self.request.user,
        )

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            serializer.instance, dict(serializer.validated_data), self.request.user
        )


class FactorySerializer(TenantModelSerializer):
    code = serializers.CharField(source="organization.code", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Factory
        fields = [
            "id",
            "code",
            "name",
            "district",
            "address",
            "categories",
            "minimum_order_quantity",
            "headcount",
            "rate_per_minute",
            "overhead_pct",
            "machine_hour_rate",
            "time_zone",
            "working_weekdays",
            "statutory_calendar",
            "shares_with_district",
            "personal_data_retention_days",
            "status",
            "closing_grace_ends_on",
        ]
        read_only_fields = ["district", "status", "closing_grace_ends_on"]

    id = serializers.IntegerField(source="pk", read_only=True)

    # The factory's own wage and cost figures: what its piece rates and costs are priced from.
    # Merchants and suppliers read the profile of a partner factory without them.
    # Its retention of leavers' personal data is its own business too (docs/privacy.md).
    OWN_FIGURES = (
        "rate_per_minute",
        "overhead_pct",
        "machine_hour_rate",
        "personal_data_retention_days",
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if getattr(getattr(request, "organization", None), "pk", None) != instance.pk:
            for field in self.OWN_FIGURES:
                data.pop(field, None)
        return data

    def validate_time_zone(self, value: str) -> str:
        if value not in available_timezones():
            raise serializers.ValidationError(_("Unknown time zone, e.g. Asia/Shanghai."))
        return value

    def validate_working_weekdays(self, value) -> list[int]:
        if not isinstance(value, list) or not all(
            isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6 for day in value
        ):
            raise serializers.ValidationError(_("Days of the week are 0 (Monday) to 6 (Sunday)."))
        return sorted(set(value))


class FactoryViewSet(TenantReadOnlyViewSet, mixins.UpdateModelMixin):
    """The acting factory's profile; merchants and suppliers see their partner factories."""

    queryset = Factory.objects.select_related("organization")
    serializer_class = FactorySerializer
    read_roles = FACTORY_ALL | PARTNERS
    write_roles = OWNERS
    action_roles = {"closure": OWNERS}
    writes_while_read_only = frozenset({"closure"})

    @extend_schema(request=None, responses=FactorySerializer)
    @action(detail=True, methods=["post", "delete"])
    def closure(self, request, pk=None):
        """POST closes the factory: read-only for the grace period, then erased (its owner's
        or a platform operator's call). DELETE cancels the closure during the grace period."""
        factory = self.get_object()
        if request.method == "DELETE":
            factory = closure.factory_closure_cancel(factory=factory, by=request.user)
        else:
            factory = closure.factory_closure_request(factory=factory, by=request.user)
        return Response(self.get_serializer(factory).data)


class PartnershipSerializer(TenantModelSerializer):
    partner_code = serializers.CharField(write_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    partner_kind = serializers.CharField(source="partner.kind", read_only=True)
    factory_name = serializers.CharField(source="factory.organization.name", read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "factory",
            "factory_name",
            "partner",
            "partner_code",
            "partner_name",
            "partner_kind",
            "status",
            "invited_at",
            "responded_at",
        ]
        read_only_fields = ["factory", "partner", "status", "invited_at", "responded_at"]


class PartnershipViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Factories invite merchants and suppliers; the invited organization accepts or declines."""

    queryset = Partnership.objects.select_related("partner", "factory__organization")
    serializer_class = PartnershipSerializer
    read_roles = FACTORY_STAFF | PARTNERS
    write_roles = MANAGERS
    action_roles = {"accept": PARTNERS, "decline": PARTNERS, "end": MANAGERS | PARTNERS}
    filterset_fields = ["status"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        partnership = services.partnership_invite(
            factory=request.organization.factory,
            partner_code=serializer.validated_data["partner_code"],
            by=request.user,
        )
        return Response(self.get_serializer(partnership).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        partnership = services.partnership_respond(
            partnership=self.get_object(), accept=True, by=request.user
        )
        return Response(self.get_serializer(partnership).data)

    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        partnership = services.partnership_respond(
            partnership=self.get_object(), accept=False, by=request.user
        )
        return Response(self.get_serializer(partnership).data)

    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        partnership = services.partnership_end(partnership=self.get_object(), by=request.user)
        return Response(self.get_serializer(partnership).data)


class SewingLineSerializer(TenantModelSerializer):
    class Meta:
        model = SewingLine
        fields = [
            "id",
            "code",
            "name",
            "is_hanging",
            "planned_headcount",
            "efficiency",
            "is_active",
            "shift",
        ]


class SewingLineViewSet(SetupServiceWrites, TenantModelViewSet):
    queryset = SewingLine.objects.all()
    create_service = services.line_create
    update_service = staticmethod(
        lambda obj, data, by: services.line_update(line=obj, data=data, by=by)
    )
    serializer_class = SewingLineSerializer
    read_roles = FACTORY_STAFF
    write_roles = MANAGERS
    filterset_fields = ["is_active"]


class StationSerializer(TenantModelSerializer):
    class Meta:
        model = Station
        fields = ["id", "line", "code", "position", "machine_type"]


class StationViewSet(SetupServiceWrites, TenantModelViewSet):
    queryset = Station.objects.all()
    create_service = services.station_create
    update_service = staticmethod(
        lambda obj, data, by: services.station_update(station=obj, data=data, by=by)
    )
    serializer_class = StationSerializer
    read_roles = FACTORY_STAFF
    write_roles = MANAGERS
    filterset_fields = ["line"]


class WorkerSerializer(TenantModelSerializer):
    class Meta:
        model = Worker
        fields = [
            "id",
            "employee_no",
            "badge_id",
            "name",
            "line",
            "department",
            "grade",
            "hired_on",
            "left_on",
            "is_active",
        ]

    def validate_badge_id(self, value: str) -> str:
        """Stored in the one badge format (factories.badges); that another worker holds it, in
        any written form, is the service's refusal (409 `duplicate`, like every taken code)."""
        badge = badge_normalise(value)
        if not badge:
            raise serializers.ValidationError(_("Give the badge number."))
        return badge


class WorkerFilter(TenantFilterSet):
    """The list's filters, and `bank_account`: a worker by their whole account number, matched
    by its keyed hash (the number is stored encrypted and never compared)."""

    bank_account = django_filters.CharFilter(
        method="filter_bank_account", label=gettext_lazy("Bank account (whole number)")
    )

    class Meta:
        model = Worker
        fields = ["line", "department", "is_active"]

    def filter_bank_account(self, queryset, name, value):
        return workers_with_account(queryset, value)


class WorkerViewSet(ValuesListMixin, SetupServiceWrites, TenantModelViewSet):
    queryset = Worker.objects.all()
    create_service = services.worker_create
    update_service = staticmethod(
        lambda obj, data, by: services.worker_update(worker=obj, data=data, by=by)
    )
    serializer_class = WorkerSerializer
    read_roles = FLOOR | PAYROLL
    write_roles = MANAGERS
    filterset_class = WorkerFilter
    search_fields = ["employee_no", "name", "badge_id"]


class ShiftSerializer(TenantModelSerializer):
    minutes = serializers.IntegerField(read_only=True)

    class Meta:
        model = Shift
        fields = ["id", "code", "name", "starts_at", "ends_at", "break_minutes", "is_default"]
        fields += ["minutes"]


class ShiftViewSet(SetupServiceWrites, TenantModelViewSet):
    queryset = Shift.objects.all()
    create_service = services.shift_create
    update_service = staticmethod(
        lambda obj, data, by: services.shift_update(shift=obj, data=data, by=by)
    )
    serializer_class = ShiftSerializer
    read_roles = FACTORY_STAFF
    write_roles = MANAGERS


class WorkerSkillSerializer(TenantModelSerializer):
    class Meta:
        model = WorkerSkill
        fields = ["id", "worker", "operation", "machine_type", "grade", "efficiency"]
        fields += ["measured_at"]
        read_only_fields = ["measured_at"]


class WorkerSkillViewSet(TenantModelViewSet):
    queryset = WorkerSkill.objects.all()
    serializer_class = WorkerSkillSerializer
    read_roles = FLOOR
    write_roles = FLOOR
    filterset_fields = ["worker", "machine_type"]


class CalendarDaySerializer(TenantModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "overtime_minutes", "note"]


class CalendarDayViewSet(TenantModelViewSet):
    """Holidays and overtime days of the factory's calendar."""

    queryset = CalendarDay.objects.all()
    serializer_class = CalendarDaySerializer
    read_roles = FACTORY_STAFF
    write_roles = PLANNING
    filterset_fields = ["kind"]


class LineDayPlanSerializer(TenantModelSerializer):
    class Meta:
        model = LineDayPlan
        fields = ["id", "line", "date", "headcount", "efficiency"]


class LineDayPlanViewSet(TenantModelViewSet):
    """Planned headcount per line and day."""

    queryset = LineDayPlan.objects.all()
    serializer_class = LineDayPlanSerializer
    read_roles = FACTORY_STAFF
    write_roles = PLANNING
    filterset_fields = ["line", "date"]
