"""Request middleware: the user's language and the acting organization."""

from django.urls import reverse
from django.utils import translation

from core import rls
from core.acting import SESSION_KEY, acting_membership, memberships_of, set_acting


class UserLanguageMiddleware:
    """A signed-in user's language setting wins over the browser's Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class ActingOrganizationMiddleware:
    """Session users act for the organization they chose (or their first membership)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The request's row-level-security scope: none until the acting organization is known
        # (here, or by an API token in DRF's authentication), restored when the request ends.
        with rls.request():
            return self._act(request)

    def _act(self, request):
        # Loaded once per request: the shell's organization switcher lists them too.
        request.memberships = (
            list(memberships_of(request.user)) if request.user.is_authenticated else []
        )
        membership = acting_membership(request.memberships, request.session.get(SESSION_KEY))
        if membership is None:
            set_acting(request)
        else:
            set_acting(
                request,
                organization=membership.organization,
                role=membership.role,
                membership=membership,
            )
        if request.user.is_superuser and request.path_info.startswith(reverse("admin:index")):
            # The Django admin is the platform operators' tool: it spans tenants.
            rls.act_platform()
        return self.get_response(request)
