"""Endpoints at inventory's routes that need production: running MRP (production nets the work
orders' requirements) and releasing a work order to cutting. inventory/ cannot import
production/, so production serves these doors on the same routes (`mrp-runs/`,
`release-overrides/release/`)."""

from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import scope_related_field
from core.api.viewsets import TenantViewSet
from core.roles import FACTORY_STAFF, PLANNING, Role
from inventory.api.serializers import MrpRunSerializer, ReleaseOverrideSerializer
from inventory.models import MrpRun, ReleaseOverride
from production import services
from production.models import WorkOrder


class MrpRunViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """MRP runs; POST runs MRP over every open work order now."""

    queryset = MrpRun.objects.all()
    serializer_class = MrpRunSerializer
    read_roles = PLANNING | {Role.WAREHOUSE_CLERK}
    write_roles = PLANNING

    def create(self, request, *args, **kwargs):
        run = services.mrp_run(factory=request.organization.factory, by=request.user)
        return Response(self.get_serializer(run).data, status=status.HTTP_201_CREATED)


class ReleaseSerializer(serializers.Serializer):
    """Input of `release`: a work order the acting organization sees, and the reason."""

    work_order = serializers.PrimaryKeyRelatedField(queryset=WorkOrder.objects.all())
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    def get_fields(self):
        fields = super().get_fields()
        organization = getattr(self.context.get("request"), "organization", None)
        scope_related_field(fields["work_order"], organization)
        return fields


class ReleaseToCuttingViewSet(TenantViewSet):
    """`release` releases a work order to cutting: refused while materials are short, unless a
    reason is given, which inventory logs as a release override."""

    queryset = ReleaseOverride.objects.all()
    serializer_class = ReleaseOverrideSerializer
    read_roles = FACTORY_STAFF
    action_roles = {"release": PLANNING}
    lookup_value_regex = r"\d+"

    @action(detail=False, methods=["post"])
    def release(self, request):
        serializer = ReleaseSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        work_order = services.work_order_release(
            work_order=serializer.validated_data["work_order"],
            override_reason=serializer.validated_data["reason"],
            by=request.user,
        )
        override = ReleaseOverride.objects.filter(work_order=work_order).first()
        return Response(
            {
                "work_order": work_order.pk,
                "status": work_order.status,
                "override": self.get_serializer(override).data if override else None,
            }
        )
