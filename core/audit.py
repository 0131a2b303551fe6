"""Audit log context: who acted, for which organization, through which token.

django-auditlog records every create, update and delete of a registered model; this module
attaches the actor and the acting organization to each entry, for web requests (middleware),
API requests, Celery tasks and management commands alike.
"""

import contextlib

from auditlog.context import set_extra_data


@contextlib.contextmanager
def acting_as(*, user=None, organization=None, via_token: str = ""):
    """Attribute the writes made inside this block to `user` acting for `organization`."""
    with set_extra_data(
        context_data={
            "actor_id": getattr(user, "pk", None),
            "organization_id": getattr(organization, "pk", None),
            "via_token": via_token,
        }
    ):
        yield


class AuditContextMiddleware:
    """Reads the actor lazily, so that API token authentication (which happens in the view)
    is seen too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def actor_id():
            user = getattr(request, "user", None)
            return user.pk if user is not None and user.is_authenticated else None

        def organization_id():
            org = getattr(request, "organization", None)
            return org.pk if org is not None else None

        def via_token():
            return getattr(request, "api_token_prefix", "")

        with set_extra_data(
            context_data={
                "actor_id": actor_id,
                "organization_id": organization_id,
                "via_token": via_token,
                "remote_addr": request.META.get("REMOTE_ADDR"),
            }
        ):
            return self.get_response(request)
