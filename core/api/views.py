"""Core endpoints: who am I, memberships, API tokens, the audit log."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core import services
from core.api.serializers import TenantModelSerializer
from core.api.viewsets import TenantReadOnlyViewSet, TenantViewSet
from core.models import ApiToken, AuditEntry, Invitation, Membership, Organization
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
    """People of the acting organization: change a role, remove a member, leave. People join
    by accepting an invitation (`/api/v1/invitations/`). An organization always keeps an
    owner."""

    queryset = Membership.objects.select_related("user").order_by("user__username")
    serializer_class = MembershipSerializer
    read_roles = ORG_ADMINS
    write_roles = OWNERS | MERCHANTS | SUPPLIERS
    action_roles = {
        "deactivate": OWNERS | MERCHANTS | SUPPLIERS,
        # a district official's account is the district's own: it never writes through the API
        "leave": EVERYONE - DISTRICT,
    }
    filterset_fields = ["role", "is_active"]

    def partial_update(self, request, *args, **kwargs):
        membership = services.membership_change_role(
            membership=self.get_object(), role=request.data.get("role", "")
        )
        return Response(self.get_serializer(membership).data)

    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        membership = services.membership_deactivate(membership=self.get_object())
        return Response(self.get_serializer(membership).data)

    @extend_schema(request=None)
    @action(detail=False, methods=["post"])
    def leave(self, request):
        """The caller leaves the acting organization (refused for its last owner)."""
        membership = services.membership_leave(user=request.user, organization=request.organization)
        return Response(self.get_serializer(membership).data)


class InvitationSerializer(TenantModelSerializer):
    # pending, accepted, declined or revoked (plain text: "status" enums of other components
    # would collide in the schema)
    status = serializers.CharField(read_only=True)
    # Required here: an open link (no username) is the platform console's; the API names the
    # person it invites.
    username = serializers.CharField(max_length=150)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "organization",
            "username",
            "role",
            "status",
            "created_at",
            "expires_at",
            "responded_at",
        ]
        read_only_fields = ["organization", "status", "created_at", "expires_at", "responded_at"]


class InvitationViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Invitations the acting organization sent. Inviting a username answers the same whether
    or not such a user exists; nothing is granted until the person accepts."""

    queryset = Invitation.objects.order_by("-created_at", "-id")
    serializer_class = InvitationSerializer
    read_roles = ORG_ADMINS
    write_roles = OWNERS | MERCHANTS | SUPPLIERS
    action_roles = {"revoke": OWNERS | MERCHANTS | SUPPLIERS}
    filterset_fields = ["status"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            organization=request.organization,
            username=serializer.validated_data["username"],
            role=serializer.validated_data["role"],
            by=request.user,
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = services.invitation_revoke(invitation=self.get_object(), by=request.user)
        return Response(self.get_serializer(invitation).data)


class ReceivedInvitationSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    organization_kind = serializers.CharField(source="organization.kind", read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "organization",
            "organization_name",
            "organization_kind",
            "role",
            "status",
            "expires_at",
        ]
        read_only_fields = fields


class ReceivedInvitationViewSet(
    viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """The invitations addressed to the signed-in person: accept (join with the role) or
    decline. Not scoped to an acting organization: the person is not a member yet."""

    # The model, for the router and the isolation walk; the rows are the caller's own.
    queryset = Invitation.objects.all()
    serializer_class = ReceivedInvitationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return services.invitations_for(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        membership = services.invitation_accept(invitation=self.get_object(), user=request.user)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        invitation = services.invitation_decline(invitation=self.get_object(), user=request.user)
        return Response(self.get_serializer(invitation).data)


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
