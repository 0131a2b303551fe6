"""orders' models in the support desk's admin (core.admin.SupportAdmin: read-mostly,
filtered by tenant)."""

from django.contrib import admin

from core.admin import SupportAdmin
from orders.models import (
    BomLine,
    DailySale,
    Order,
    OrderEvent,
    OrderLine,
    OrderShipment,
    Quotation,
    QuotationLine,
    RoutingOperation,
    SizeChartPoint,
    Style,
    StyleVersion,
    WebhookDelivery,
    WebhookEndpoint,
)

admin.site.register(
    [
        BomLine,
        DailySale,
        Order,
        OrderEvent,
        OrderLine,
        OrderShipment,
        Quotation,
        QuotationLine,
        RoutingOperation,
        SizeChartPoint,
        Style,
        StyleVersion,
        WebhookDelivery,
        WebhookEndpoint,
    ],
    SupportAdmin,
)
