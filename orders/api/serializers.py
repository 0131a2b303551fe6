"""Serializers of orders/: thin shapes; every rule is in the services."""

from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from rest_framework import serializers

from core.api.serializers import TenantModelSerializer
from core.api.values import ValuesPlan
from core.limits import MoneyField
from core.roles import OrgKind
from factories.models import Factory
from orders.models import (
    DailySale,
    Order,
    OrderEvent,
    OrderLine,
    OrderShipment,
    Quotation,
    QuotationLine,
    Style,
    StyleVersion,
    WebhookDelivery,
    WebhookEndpoint,
)
from orders.services.techpacks import tech_pack_of
from orders.webhooks import public_attempt_log, validate_webhook_url


def acting_kind(serializer) -> str | None:
    request = serializer.context.get("request")
    organization = getattr(request, "organization", None)
    return getattr(organization, "kind", None)


class StyleSerializer(TenantModelSerializer):
    class Meta:
        model = Style
        fields = ["id", "number", "name", "category", "season", "merchant", "created_at"]
        read_only_fields = ["merchant", "created_at"]


def _decimals_as_text(value):
    """Decimals as strings, as DRF renders every DecimalField (no float rounding on the way)."""
    if isinstance(value, dict):
        return {key: _decimals_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decimals_as_text(item) for item in value]
    return str(value) if isinstance(value, Decimal) else value


class StyleVersionSerializer(TenantModelSerializer):
    """A tech pack. BOM, routing (piece rates) and size chart are the factory's own: merchants
    see sizes and colours only."""

    style_number = serializers.CharField(source="style.number", read_only=True)
    style_name = serializers.CharField(source="style.name", read_only=True)
    bom = serializers.ListField(child=serializers.DictField(), required=False, write_only=True)
    operations = serializers.ListField(
        child=serializers.DictField(), required=False, write_only=True
    )
    size_chart = serializers.ListField(
        child=serializers.DictField(), required=False, write_only=True
    )

    class Meta:
        model = StyleVersion
        fields = [
            "id",
            "style",
            "style_number",
            "style_name",
            "version",
            "status",
            "sizes",
            "colours",
            "notes",
            "released_at",
            "bom",
            "operations",
            "size_chart",
        ]
        read_only_fields = ["version", "status", "released_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if acting_kind(self) == OrgKind.FACTORY:
            pack = _decimals_as_text(tech_pack_of(instance))
            data.update(
                bom=pack["bom"],
                operations=pack["operations"],
                size_chart=pack["size_chart"],
                sam_per_garment=str(instance.sam_per_garment),
            )
        return data


class GridCellSerializer(serializers.Serializer):
    colour = serializers.CharField()
    size = serializers.CharField()
    quantity = serializers.IntegerField()
    shipped_quantity = serializers.IntegerField(read_only=True)


class OrderSerializer(TenantModelSerializer):
    """An order with its grid and history. Creating one takes `quantities` as grid cells."""

    factory = serializers.PrimaryKeyRelatedField(queryset=Factory.objects.all())
    factory_name = serializers.CharField(source="factory.organization.name", read_only=True)
    merchant_name = serializers.CharField(source="merchant.name", read_only=True)
    style_number = serializers.CharField(source="version.style.number", read_only=True)
    quantities = serializers.ListField(child=serializers.DictField(), write_only=True)
    lines = GridCellSerializer(many=True, read_only=True)
    events = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    place = serializers.BooleanField(default=True, write_only=True)
    unit_price = MoneyField(required=False, allow_null=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "factory",
            "factory_name",
            "merchant",
            "merchant_name",
            "version",
            "style_number",
            "status",
            "requested_date",
            "promised_date",
            "ship_to",
            "unit_price",
            "amount",
            "notes",
            "external_ref",
            "total_quantity",
            "shipped_quantity",
            "reorder_of",
            "quotation",
            "quantities",
            "place",
            "lines",
            "events",
            "created_at",
        ]
        read_only_fields = [
            "number",
            "merchant",
            "status",
            "promised_date",
            "total_quantity",
            "shipped_quantity",
            "reorder_of",
            "created_at",
        ]

    def get_events(self, order) -> list[dict]:
        return [
            {
                "from": event.from_status,
                "to": event.to_status,
                "at": event.at,
                "by": getattr(event.by_organization, "name", ""),
                "note": event.note,
            }
            for event in order.events.all()
        ]


def order_page_extras(fields: dict, order_ids: list[int]) -> dict:
    """`lines`, `events` and `amount` of a page of orders read with values() (core.api.values):
    two queries for the whole page, each cell exactly as OrderSerializer writes it."""
    grid = ValuesPlan.of_class(GridCellSerializer, model=OrderLine)
    lines, events = defaultdict(list), defaultdict(list)
    cells = OrderLine.objects.filter(order_id__in=order_ids).values("order_id", *grid.lookups)
    for row, cell in zip(cells, grid.represent(cells, {}), strict=True):
        lines[row["order_id"]].append(cell)
    history = OrderEvent.objects.filter(order_id__in=order_ids).values_list(
        "order_id", "from_status", "to_status", "at", "by_organization__name", "note"
    )
    for order_id, from_status, to_status, at, by, note in history:
        events[order_id].append(
            {"from": from_status, "to": to_status, "at": at, "by": by or "", "note": note}
        )
    amount = fields["amount"].to_representation
    return {
        "lines": lambda row: lines[row["pk"]],
        "events": lambda row: events[row["pk"]],
        "amount": lambda row: amount(Order.amount.fget(SimpleNamespace(**row))),
    }


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class OrderShipmentSerializer(TenantModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)

    class Meta:
        model = OrderShipment
        fields = [
            "id",
            "order",
            "order_number",
            "carrier",
            "tracking_no",
            "quantity",
            "lines",
            "shipped_at",
            "reference",
        ]
        read_only_fields = fields


class WebhookEndpointSerializer(TenantModelSerializer):
    url = serializers.URLField(max_length=500, validators=[validate_webhook_url])

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "secret", "is_active", "created_at"]
        read_only_fields = ["secret", "created_at"]


class WebhookDeliverySerializer(TenantModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event_type",
            "body",
            "status",
            "attempts",
            "attempt_log",
            "last_status_code",
            "next_attempt_at",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["attempt_log"] = public_attempt_log(instance.attempt_log)
        return data


class DailySaleSerializer(TenantModelSerializer):
    style_number = serializers.CharField(source="style.number", read_only=True)

    class Meta:
        model = DailySale
        fields = [
            "id",
            "style",
            "style_number",
            "date",
            "size",
            "colour",
            "quantity_sold",
            "stock_on_hand",
        ]


class QuotationLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuotationLine
        fields = ["size", "unit_cost", "unit_price"]


class QuotationSerializer(TenantModelSerializer):
    """A quotation. The merchant's view has prices and validity only: `margin_pct`, the lines'
    `unit_cost` and the notes are the factory's (COST_FIELDS are removed for anyone else)."""

    merchant_code = serializers.CharField(write_only=True)
    merchant_name = serializers.CharField(source="merchant.name", read_only=True)
    factory_name = serializers.CharField(source="factory.organization.name", read_only=True)
    style_number = serializers.CharField(source="version.style.number", read_only=True)
    style_name = serializers.CharField(source="version.style.name", read_only=True)
    lines = QuotationLineSerializer(many=True, read_only=True)
    target_price = MoneyField(required=False, allow_null=True, write_only=True)
    margin_pct = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True
    )

    COST_FIELDS = ("margin_pct", "notes", "created_at")

    class Meta:
        model = Quotation
        fields = [
            "id",
            "number",
            "factory",
            "factory_name",
            "merchant",
            "merchant_code",
            "merchant_name",
            "version",
            "style_number",
            "style_name",
            "status",
            "margin_pct",
            "target_price",
            "valid_until",
            "notes",
            "lines",
            "created_at",
            "sent_at",
            "answered_at",
        ]
        read_only_fields = [
            "number",
            "factory",
            "merchant",
            "status",
            "created_at",
            "sent_at",
            "answered_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if acting_kind(self) != OrgKind.FACTORY:
            for name in self.COST_FIELDS:
                data.pop(name, None)
            data["lines"] = [
                {"size": line["size"], "unit_price": line["unit_price"]} for line in data["lines"]
            ]
        return data
