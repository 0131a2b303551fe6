"""API rate limits per token or user, counted in the default cache (Redis when configured).

The rate is `API_RATE` (REST_FRAMEWORK's "organization" rate), or the acting organization's own
rate from `API_RATE_BY_ORGANIZATION` (organization code → rate, e.g. an integrator that syncs a
large catalogue). Each token (each signed-in user for sessions) has its own budget, counted over
a sliding window: a burst may use the whole budget at once, then waits for the window to free.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.models import ApiToken


def rate_for(organization) -> str | None:
    rates = getattr(settings, "API_RATE_BY_ORGANIZATION", {})
    code = getattr(organization, "code", None)
    if code in rates:
        return rates[code]
    return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][OrganizationRateThrottle.scope]


class OrganizationRateThrottle(SimpleRateThrottle):
    scope = "organization"

    def get_rate(self):
        # Read the live setting (DRF caches it at import), so deployments and tests can tune it.
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def allow_request(self, request, view):
        # Known only now, after authentication: whose rate applies.
        self.rate = rate_for(getattr(request, "organization", None))
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
