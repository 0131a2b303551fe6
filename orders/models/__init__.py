"""Models of orders/: tech packs (styles and their versions), merchant orders, webhooks, sales,
quotations."""

from orders.models.merchant_orders import Order, OrderEvent, OrderLine, OrderShipment
from orders.models.quotations import Quotation, QuotationLine
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
    "Quotation",
    "QuotationLine",
    "RoutingOperation",
    "SizeChartPoint",
    "Style",
    "StyleVersion",
    "WebhookDelivery",
    "WebhookEndpoint",
]
