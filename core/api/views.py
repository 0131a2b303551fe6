"""Core endpoints: who am I, memberships, API tokens, the audit log."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core import services
from core.api.serializers import TenantModelSerializer
from core.api.viewsets import TenantReadOnlyViewSet, TenantViewSet
from core.models import ApiToken, AuditEntry, Membership, Organization
from core.roles import DISTRICT, FACTORY_ALL, MANAGERS, MERCHANTS, OWNERS, SUPPLIERS

EVERYONE = FACTORY_ALL | MERCHANTS | SUPPLIERS | DISTRICT
ORG_ADMINS = MANAGERS | MERCHANTS | SUPPLIERS | DISTRICT


class OrganizationSerializer(TenantModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "kind", "code", "name", "contact_phone", "is_active"]
        read_only_fields = ["kind", "code", "is_active"]


class OrganizationViewSet(TenantReadOnlyViewSet, mixins.UpdateModelMixin):
    """The acting organization itself."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    read_roles = EVERYONE
    write_roles = OWNERS | MERCHANTS | SUPPLIERS


class MembershipSerializer(TenantModelSerializer):
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "name", "organization", "role", "is_active", "created_at"]
        read_only_fields = ["organization", "is_active", "created_at"]


class MembershipViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """People of the acting organization: add by username, change role, deactivate."""

    queryset = Membership.objects.select_related("user").order_by("user__username")
    serializer_class = MembershipSerializer
    read_roles = ORG_ADMINS
    write_roles = OWNERS | MERCHANTS | SUPPLIERS
    action_roles = {"deactivate": OWNERS | MERCHANTS | SUPPLIERS}
    filterset_fields = ["role", "is_active"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_add(
            organization=request.organization,
            username=serializer.validated_data["user"]["username"],
            role=serializer.validated_data["role"],
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        membership = services.membership_change_role(
            membership=self.get_object(), role=request.data.get("role", "")
        )
        return Response(self.get_serializer(membership).data)

    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        membership = services.membership_deactivate(membership=self.get_object())
        return Response(self.get_serializer(membership).data)


class ApiTokenSerializer(TenantModelSerializer):
    key = serializers.SerializerMethodField(help_text=_("Shown once, at creation."))

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scope",
            "role",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "created_at",
            "key",
        ]
        read_only_fields = ["prefix", "revoked_at", "last_used_at", "created_at"]
        extra_kwargs = {"role": {"required": False}}

    def get_key(self, obj) -> str | None:
        return self.context.get("plain_key")


class ApiTokenViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Integration tokens of the acting organization: create (key shown once), revoke."""

    queryset = ApiToken.objects.all()
    serializer_class = ApiTokenSerializer
    read_roles = OWNERS | MERCHANTS | SUPPLIERS
    write_roles = OWNERS | MERCHANTS | SUPPLIERS
    action_roles = {"revoke": OWNERS | MERCHANTS | SUPPLIERS}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = services.api_token_create(
            organization=request.organization,
            by=request.user,
            **serializer.validated_data,
        )
        data = self.get_serializer(
            token, context={**self.get_serializer_context(), "plain_key": key}
        ).data
        return Response(data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = services.api_token_revoke(token=self.get_object(), by=request.user)
        return Response(self.get_serializer(token).data)


class AuditEntrySerializer(TenantModelSerializer):
    actor_name = serializers.CharField(source="actor.username", default="", read_only=True)
    object_type = serializers.CharField(source="content_type.model", read_only=True)
    action_name = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "timestamp",
            "actor_name",
            "via_token",
            "action",
            "action_name",
            "object_type",
            "object_pk",
            "object_repr",
            "changes",
        ]


class AuditEntryViewSet(TenantReadOnlyViewSet):
    """What was created, changed and deleted while acting for this organization."""

    queryset = AuditEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    serializer_class = AuditEntrySerializer
    read_roles = OWNERS | MERCHANTS | SUPPLIERS
    filterset_fields = ["action", "object_pk"]
