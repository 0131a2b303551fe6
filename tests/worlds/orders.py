from tests.factories import (
    DailySaleFactory,
    OrderEventFactory,
    OrderFactory,
    OrderLineFactory,
    OrderShipmentFactory,
    QuotationFactory,
    QuotationLineFactory,
    SizeChartPointFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
    released_version,
)


def populate(world) -> None:
    world.version = released_version(factory=world.factory, number=f"{world.tag}-ST1")
    SizeChartPointFactory(version=world.version)
    world.quotation = QuotationFactory(
        version=world.version, merchant=world.merchant, number=f"{world.tag}-QT1"
    )
    QuotationLineFactory(quotation=world.quotation, size="M")
    world.order = OrderFactory(
        version=world.version,
        merchant=world.merchant,
        number=f"{world.tag}-SO1",
        quotation=world.quotation,
    )
    OrderLineFactory(order=world.order, size="M", colour="Black", quantity=120)
    world.order.total_quantity = 120
    world.order.save(update_fields=["total_quantity"])
    OrderEventFactory(order=world.order)
    OrderShipmentFactory(order=world.order)
    endpoint = WebhookEndpointFactory(merchant=world.merchant)
    WebhookDeliveryFactory(endpoint=endpoint)
    DailySaleFactory(style=world.version.style, merchant=world.merchant)
