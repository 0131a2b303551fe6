"""The one API router: no two endpoints answer the same address, so none shadows another.

A prefix may be registered twice when a higher app serves extra actions at a lower app's address
(production's doors under `orders/`), but never with the same URL pattern.
"""

from collections import Counter

import config.urls  # noqa: F401  (the apps register their routes when the URLconf loads)
from core.api.routers import api_router


def test_no_two_api_endpoints_share_an_address():
    counts = Counter(str(pattern.pattern) for pattern in api_router.urls)

    assert [address for address, n in counts.items() if n > 1] == []


def test_fabric_inspections_and_quality_inspections_are_two_endpoints():
    prefixes = {prefix for prefix, _viewset, _basename in api_router.registry}

    assert {"inspections", "fabric-inspections"} <= prefixes
