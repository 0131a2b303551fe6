"""Models of orders/: tech packs (styles and their versions), merchant orders, webhooks, sales."""

from orders.models.merchant_orders import Order, OrderEvent, OrderLine, OrderShipment
from orders.models.sales import DailySale
from orders.models.styles import BomLine, RoutingOperation, SizeChartPoint, Style, StyleVersion
from orders.models.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "BomLine",
    "DailySale",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderShipment",
    "RoutingOperation",
    "SizeChartPoint",
    "Style",
    "StyleVersion",
    "WebhookDelivery",
    "WebhookEndpoint",
]
