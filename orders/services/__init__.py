"""Writes of orders/: tech packs, merchant orders and their lifecycle, webhooks, sales.

Conversion lives in `orders.conversion` (`order_convert`, `orders_convert`).
"""

from orders.services.lifecycle import (
    order_accept,
    order_cancel,
    order_create,
    order_deliver,
    order_place,
    order_reject,
    order_shipment_record,
)
from orders.services.techpacks import (
    default_piece_rate,
    style_create,
    style_version_create,
    style_version_release,
    style_version_revise,
)

__all__ = [
    "default_piece_rate",
    "order_accept",
    "order_cancel",
    "order_create",
    "order_deliver",
    "order_place",
    "order_reject",
    "order_shipment_record",
    "style_create",
    "style_version_create",
    "style_version_release",
    "style_version_revise",
]
