"""The DRF base every endpoint inherits: acting organization, scoping, roles, idempotency."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, viewsets

from core.acting import set_acting
from core.api.idempotency import HEADER, run_idempotently
from core.errors import Conflict
from core.models import ApiToken
from core.read_only import SAFE_METHODS, read_only_refusal
from core.roles import MANAGERS, NOBODY, OrgKind

READ_ACTIONS = frozenset({"list", "retrieve", "metadata"})
WRITE_ACTIONS = frozenset({"create", "update", "partial_update", "destroy"})


class TenantViewSet(viewsets.GenericViewSet):
    """Scopes every queryset to the acting organization and grants actions by role.

    `read_roles` may list and retrieve, `write_roles` may create, update and delete, and
    `action_roles` names the roles for each custom action; an action named nowhere is refused.
    """

    read_roles: frozenset = NOBODY
    write_roles: frozenset = MANAGERS
    action_roles: dict[str, frozenset] = {}
    # Actions that still write while the tenant is read-only (core.read_only): the owner's
    # export and the closure's cancellation.
    writes_while_read_only: frozenset[str] = frozenset()

    def roles_for_action(self) -> frozenset:
        if self.action in self.action_roles:
            return self.action_roles[self.action]
        if self.action in READ_ACTIONS:
            return self.read_roles
        if self.action in WRITE_ACTIONS:
            return self.write_roles
        return NOBODY

    def perform_authentication(self, request):
        super().perform_authentication(request)
        token = request.auth
        if isinstance(token, ApiToken):
            set_acting(request, organization=token.organization, role=token.role)
            request._request.api_token_prefix = token.prefix

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS and self.action not in self.writes_while_read_only:
            refusal = read_only_refusal(getattr(request, "organization", None))
            if refusal is not None:
                raise refusal
        key = request.headers.get(HEADER)
        if request.method == "POST" and key:
            handler = self.post
            self.post = lambda req, *a, **kw: run_idempotently(  # noqa: E731
                req, req.organization, key, handler, *a, **kw
            )

    def get_queryset(self):
        return super().get_queryset().visible_to(getattr(self.request, "organization", None))

    # --- writes ---------------------------------------------------------------------------
    def tenant_fields(self) -> dict:
        """Fields a created row gets from the acting organization, never from the body."""
        model = self.get_queryset().model
        field_names = {field.name for field in model._meta.get_fields()}
        org = self.request.organization
        if "factory" in field_names:
            if org.kind != OrgKind.FACTORY:
                raise exceptions.PermissionDenied(_("Only a factory can create this."))
            return {"factory_id": org.pk}
        if "organization" in field_names:
            return {"organization": org}
        return {}

    def perform_create(self, serializer):
        self.save_or_conflict(serializer, **self.tenant_fields())

    def perform_update(self, serializer):
        self.save_or_conflict(serializer)

    @staticmethod
    def save_or_conflict(serializer, **fields):
        try:
            with transaction.atomic():
                serializer.save(**fields)
        except IntegrityError:
            raise Conflict(_("An object with these values already exists."), code="duplicate")


# TenantViewSet comes first so its perform_create/perform_update win over the mixins'.
class TenantModelViewSet(
    TenantViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Full CRUD on a tenant-owned model."""


class TenantReadOnlyViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """List and retrieve only."""
