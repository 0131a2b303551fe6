"""Template context for the web shell: acting organization, memberships, navigation."""

from core.navigation import navigation_for


def shell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = getattr(request, "role", None)
    return {
        "acting_organization": getattr(request, "organization", None),
        "acting_role": role,
        "my_memberships": getattr(request, "memberships", []),
        "navigation": navigation_for(role, request.path),
    }
