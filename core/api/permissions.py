"""The one permission class every endpoint uses: acting organization, role, token scope."""

from rest_framework import permissions

from core.models import ApiToken


class RolePermission(permissions.BasePermission):
    """Allows an action only to the roles the view grants it to. Fails closed."""

    def has_permission(self, request, view) -> bool:
        if getattr(request, "organization", None) is None:
            return False
        roles_for_action = getattr(view, "roles_for_action", None)
        if roles_for_action is None or request.role not in roles_for_action():
            return False
        token = request.auth
        if isinstance(token, ApiToken) and token.scope == ApiToken.Scope.READ:
            return request.method in permissions.SAFE_METHODS
        return True
