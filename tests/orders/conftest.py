import pytest

from tests.orders.fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    accepted_order,
    buyer,
    factory,
    merchant,
    merchant_api,
    place_order,
    planner,
    version,
)


@pytest.fixture
def allow_loopback(settings):
    """Lets webhooks reach the test receiver on 127.0.0.1, as an operator's allow-list would a
    receiver on the factory's LAN; without it loopback is refused like any private address."""
    settings.ORDERS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
