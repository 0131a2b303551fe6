"""Production's order-facing services and doors run on a merchant order: the fixtures of
tests/orders/."""

from tests.orders.fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    accepted_order,
    buyer,
    factory,
    merchant,
    place_order,
    planner,
    version,
)
