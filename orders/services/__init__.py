"""Writes of orders/: tech packs, merchant orders and their lifecycle, webhooks, sales.

Conversion into work orders is production's (`production.services.order_convert`); it moves the
orders into production with `orders_production_start`.
"""

from orders.services.lifecycle import (
    order_accept,
    order_cancel,
    order_create,
    order_deliver,
    order_place,
    order_promise_set,
    order_reject,
    order_shipment_record,
    orders_production_start,
)
from orders.services.quotations import (
    partner_merchant_by_code,
    quotation_accept,
    quotation_create,
    quotation_decline,
    quotation_send,
    quotations_expire,
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
    "order_promise_set",
    "order_reject",
    "order_shipment_record",
    "orders_production_start",
    "partner_merchant_by_code",
    "quotation_accept",
    "quotation_create",
    "quotation_decline",
    "quotation_send",
    "quotations_expire",
    "style_create",
    "style_version_create",
    "style_version_release",
    "style_version_revise",
]
