"""Template context for the web shell: acting organization, memberships, navigation."""

from core.navigation import navigation_for
from core.roles import PLATFORM_OPERATOR


def shell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = getattr(request, "role", None)
    menu_role = role
    if menu_role is None and user.is_platform_operator:
        menu_role = PLATFORM_OPERATOR  # the console's entry; operators have no tenant role
    return {
        "acting_organization": getattr(request, "organization", None),
        "acting_role": role,
        "my_memberships": getattr(request, "memberships", []),
        "navigation": navigation_for(menu_role, request.path),
    }
