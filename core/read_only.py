"""Tenants that may be read but not written (a factory closing: docs/operations.md, "Closing a
tenant"), enforced in one place for each door: `ReadOnlyTenantMiddleware` for the HTML pages,
`TenantViewSet.initial` (core.api.viewsets) for the API, the ingest's device lookup for devices.

core imports no domain app: the app that knows why a tenant is read-only registers a resolver
(`register_read_only`) from its AppConfig.ready(), as core.rls.register_reach is fed. A resolver
takes the acting organization and returns the refusal's message, or None when it may write.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

# Pages that write no tenant data (the session's language and organization, signing out).
SESSION_URL_NAMES = frozenset(
    {"core:login", "core:logout", "core:switch", "core:language", "set_language"}
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_resolvers: list[Callable[[object], str | None]] = []


class TenantReadOnly(DomainError):
    """A write refused because the acting organization is read-only (nothing was written)."""

    status_code = 409
    code = "tenant_read_only"


def register_read_only(resolver: Callable[[object], str | None]) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def read_only_reason(org) -> str | None:
    """Why `org` may not write now (a translated message), or None."""
    if org is None:
        return None
    for resolver in _resolvers:
        reason = resolver(org)
        if reason:
            return reason
    return None


def read_only_refusal(org) -> TenantReadOnly | None:
    reason = read_only_reason(org)
    return None if reason is None else TenantReadOnly(reason)


def writes_while_read_only(view):
    """Mark an HTML view that still writes while its tenant is read-only (cancelling the
    closure, starting the export that the owner takes away)."""
    view.writes_while_read_only = True
    return view


class ReadOnlyTenantMiddleware:
    """Refuses every unsafe request of a read-only tenant's page with the tenant's reason.

    The API's views are DRF's: they are left to TenantViewSet, which knows the token's
    organization (set after the middleware has run) and answers in the API's JSON shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or getattr(view_func, "cls", None) is not None:
            return None
        if getattr(view_func, "writes_while_read_only", False):
            return None
        if request.resolver_match.view_name in SESSION_URL_NAMES:
            return None
        reason = read_only_reason(getattr(request, "organization", None))
        if reason is None:
            return None
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse(
                {"code": TenantReadOnly.code, "message": str(reason), "errors": {}},
                status=TenantReadOnly.status_code,
            )
        body = loader.render_to_string(
            "core/read_only.html", {"reason": reason, "heading": _("Read-only")}, request=request
        )
        return HttpResponse(body, status=TenantReadOnly.status_code)
