"""API rate limits per token or user, counted in the default cache (Redis when configured)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.models import ApiToken


class OrganizationRateThrottle(SimpleRateThrottle):
    scope = "organization"

    def get_rate(self):
        # Read the live setting (DRF caches it at import), so deployments and tests can tune it.
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
