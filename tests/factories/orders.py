"""factory_boy factories of orders/: styles, tech packs, orders, webhooks, sales."""

import datetime as dt
from decimal import Decimal

import factory as fb

from core.roles import OrgKind
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
from tests.factories.core import OrganizationFactory
from tests.factories.floor import FactoryFactory

__all__ = [
    "StyleFactory",
    "StyleVersionFactory",
    "SizeChartPointFactory",
    "BomLineFactory",
    "RoutingOperationFactory",
    "OrderFactory",
    "OrderLineFactory",
    "OrderEventFactory",
    "OrderShipmentFactory",
    "WebhookEndpointFactory",
    "WebhookDeliveryFactory",
    "DailySaleFactory",
    "released_version",
    "QuotationFactory",
    "QuotationLineFactory",
]


class StyleFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Style

    factory = fb.SubFactory(FactoryFactory)
    number = fb.Sequence(lambda n: f"ST{n:04d}")
    name = fb.Sequence(lambda n: f"Dress {n}")
    category = "woven"
    season = "2026SS"


class StyleVersionFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = StyleVersion

    style = fb.SubFactory(StyleFactory)
    factory = fb.SelfAttribute("style.factory")

    @fb.post_generation
    def style_in_the_same_factory(obj, create, extracted, **kwargs):
        # `factory=` alone (e.g. `version__factory=` from an order) made the style in a new
        # factory: move it to the version's, as the app never links across tenants (and
        # row-level security hides another factory's style from the factory's own requests).
        if obj.style.factory_id != obj.factory_id:
            obj.style.factory = obj.factory
            if create:
                obj.style.save(update_fields=["factory"])

    version = 1
    status = StyleVersion.Status.RELEASED
    sizes = fb.LazyFunction(lambda: ["S", "M", "L", "XL"])
    colours = fb.LazyFunction(lambda: ["Black", "Red"])


class SizeChartPointFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = SizeChartPoint

    version = fb.SubFactory(StyleVersionFactory)
    factory = fb.SelfAttribute("version.factory")
    code = fb.Sequence(lambda n: f"P{n}")
    name = "Chest width"
    values = fb.LazyAttribute(
        lambda o: {size: str(50 + 2 * i) for i, size in enumerate(o.version.sizes)}
    )


class BomLineFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = BomLine

    version = fb.SubFactory(StyleVersionFactory)
    factory = fb.SelfAttribute("version.factory")
    sequence = fb.Sequence(lambda n: n + 1)
    material_code = fb.Sequence(lambda n: f"FAB-{n:03d}")
    description = "Cotton twill"
    unit = "m"
    consumption = fb.LazyAttribute(
        lambda o: {
            size: str(Decimal("1.20") + Decimal("0.05") * i)
            for i, size in enumerate(o.version.sizes)
        }
    )
    wastage_pct = Decimal("3.00")
    is_main_fabric = True


class RoutingOperationFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = RoutingOperation

    version = fb.SubFactory(StyleVersionFactory)
    factory = fb.SelfAttribute("version.factory")
    sequence = fb.Sequence(lambda n: n + 1)
    code = fb.Sequence(lambda n: f"OP{n:02d}")
    name = fb.Sequence(lambda n: f"Operation {n}")
    machine_type = "lockstitch"
    sam = Decimal("0.800")
    piece_rate = Decimal("0.2880")


def released_version(*, factory, sizes=("S", "M", "L", "XL"), colours=("Black", "Red"), **kw):
    """A released tech pack with one main fabric, a thread line and three operations."""
    version = StyleVersionFactory(
        style=StyleFactory(factory=factory, **kw), sizes=list(sizes), colours=list(colours)
    )
    BomLineFactory(version=version, sequence=1, material_code=f"FAB-{version.pk}")
    BomLineFactory(
        version=version,
        sequence=2,
        material_code=f"THR-{version.pk}",
        unit="cone",
        is_main_fabric=False,
        consumption=dict.fromkeys(sizes, "0.05"),
    )
    for seq in (1, 2, 3):
        RoutingOperationFactory(version=version, sequence=seq, code=f"OP{seq}")
    return version


class OrderFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Order

    version = fb.SubFactory(StyleVersionFactory)
    factory = fb.SelfAttribute("version.factory")
    merchant = fb.SubFactory(OrganizationFactory, kind=OrgKind.MERCHANT)
    number = fb.Sequence(lambda n: f"SO{n:06d}")
    status = Order.Status.ACCEPTED
    requested_date = fb.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))
    ship_to = "Changsha"
    unit_price = Decimal("45.00")
    total_quantity = 0


class OrderLineFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = fb.SubFactory(OrderFactory)
    factory = fb.SelfAttribute("order.factory")
    size = "M"
    colour = "Black"
    quantity = 100


class OrderEventFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = OrderEvent

    order = fb.SubFactory(OrderFactory)
    factory = fb.SelfAttribute("order.factory")
    from_status = Order.Status.DRAFT
    to_status = Order.Status.PLACED


class OrderShipmentFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = OrderShipment

    order = fb.SubFactory(OrderFactory)
    factory = fb.SelfAttribute("order.factory")
    carrier = "SF Express"
    tracking_no = fb.Sequence(lambda n: f"SF{n:010d}")
    quantity = 10
    shipped_at = fb.LazyFunction(lambda: dt.datetime.now(dt.UTC))


class WebhookEndpointFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    merchant = fb.SubFactory(OrganizationFactory, kind=OrgKind.MERCHANT)
    url = "http://127.0.0.1:9/hook"


class WebhookDeliveryFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = fb.SubFactory(WebhookEndpointFactory)
    merchant = fb.SelfAttribute("endpoint.merchant")
    event_type = "order.placed"
    body = "{}"


class DailySaleFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = DailySale

    style = fb.SubFactory(StyleFactory)
    factory = fb.SelfAttribute("style.factory")

    @fb.post_generation
    def style_in_the_same_factory(obj, create, extracted, **kwargs):
        # `factory=` alone (e.g. `version__factory=` from an order) made the style in a new
        # factory: move it to the version's, as the app never links across tenants (and
        # row-level security hides another factory's style from the factory's own requests).
        if obj.style.factory_id != obj.factory_id:
            obj.style.factory = obj.factory
            if create:
                obj.style.save(update_fields=["factory"])

    merchant = fb.SubFactory(OrganizationFactory, kind=OrgKind.MERCHANT)
    date = fb.LazyFunction(dt.date.today)
    size = "M"
    colour = "Black"
    quantity_sold = 5


class QuotationFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Quotation

    version = fb.SubFactory(StyleVersionFactory)
    factory = fb.SelfAttribute("version.factory")
    merchant = fb.SubFactory(OrganizationFactory, kind=OrgKind.MERCHANT)
    number = fb.Sequence(lambda n: f"QT{n:06d}")
    status = Quotation.Status.SENT
    margin_pct = Decimal("20.00")
    valid_until = fb.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))


class QuotationLineFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = QuotationLine

    quotation = fb.SubFactory(QuotationFactory)
    factory = fb.SelfAttribute("quotation.factory")
    size = "M"
    unit_cost = Decimal("36.00")
    unit_price = Decimal("45.00")
