"""API rate limits per token or user, counted in the default cache (Redis when configured).

The rate is `API_RATE` (REST_FRAMEWORK's "organization" rate), or the acting organization's own
rate from `API_RATE_BY_ORGANIZATION` (organization code → rate, e.g. an integrator that syncs a
large catalogue). Each token (each signed-in user for sessions) has its own budget over a
sliding minute, estimated from two counters — this window's and the last one's, weighted by how
much of it still overlaps the sliding minute — so a request costs one read of two keys and one
increment, not a list of every request's time. A burst may use the whole budget at once, then
waits until the estimate frees room; refused requests do not count.
"""

import math

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
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        current, previous = f"{self.key}:{window}", f"{self.key}:{window - 1}"
        counts = self.cache.get_many([current, previous])
        self.elapsed = now - window * self.duration
        self.counts = (counts.get(previous, 0), counts.get(current, 0))
        if self._estimate(self.elapsed) >= self.num_requests:
            return self.throttle_failure()
        if not self.cache.add(current, 1, 2 * self.duration):
            self.cache.incr(current)
        return True

    def _estimate(self, elapsed: float) -> float:
        previous, current = self.counts
        return previous * (1 - elapsed / self.duration) + current

    def wait(self):
        """Whole seconds until the estimate leaves room for one more request."""
        previous, current = self.counts
        duration, elapsed, limit = self.duration, self.elapsed, self.num_requests
        if current < limit:  # the last window's share must fade: prev × (1 − t/d) < limit − cur
            seconds = duration * (1 - (limit - current) / previous) - elapsed
        else:  # only in the next window, as this one's count fades in turn
            seconds = (duration - elapsed) + duration * (1 - limit / current)
        return max(1, math.ceil(seconds))

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
