"""GET /api/v1/me/: the caller, the organization it acts for, its role and memberships."""

from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.acting import memberships_of, set_acting
from core.models import ApiToken


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    language = serializers.CharField()
    organization = serializers.DictField(allow_null=True)
    role = serializers.CharField(allow_null=True)
    memberships = serializers.ListField(child=serializers.DictField())


class MeView(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class = MeSerializer

    def get(self, request):
        token = request.auth
        if isinstance(token, ApiToken):
            set_acting(request, organization=token.organization, role=token.role)
            memberships = []
        else:
            memberships = [
                {
                    "organization": m.organization_id,
                    "name": m.organization.name,
                    "kind": m.organization.kind,
                    "role": m.role,
                }
                for m in memberships_of(request.user)
            ]
        org = request.organization
        return Response(
            {
                "username": request.user.username,
                "language": request.user.language,
                "organization": (
                    {"id": org.pk, "kind": org.kind, "code": org.code, "name": org.name}
                    if org
                    else None
                ),
                "role": request.role,
                "memberships": memberships,
            }
        )
