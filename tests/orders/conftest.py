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
