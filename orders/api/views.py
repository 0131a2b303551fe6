"""Endpoints of orders/: tech packs, merchant orders (e-commerce integrations), shipments,
webhooks, daily sales. Thin: validate, call a service, serialize."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.values import ValuesListMixin
from core.api.viewsets import TenantModelViewSet, TenantReadOnlyViewSet, TenantViewSet
from core.errors import DomainError
from core.roles import FACTORY_STAFF, MERCHANTS, PLANNING
from orders import services
from orders.api import serializers as s
from orders.api.serializers import order_page_extras
from orders.models import (
    DailySale,
    Order,
    OrderShipment,
    Style,
    StyleVersion,
    WebhookDelivery,
    WebhookEndpoint,
)
from orders.services import imports, sales
from orders.services import webhooks as webhook_services
from orders.techpack_excel import tech_pack_import, workbook_bytes

ORDER_READERS = FACTORY_STAFF | MERCHANTS
UPLOADS = [MultiPartParser, FormParser, JSONParser]


def _upload(request):
    upload = request.FILES.get("file")
    if upload is None:
        raise DomainError(_("Upload a file."), errors={"file": [_("No file.")]})
    return upload


class StyleViewSet(TenantModelViewSet):
    """Styles of the factory; partner merchants read the ones they may order."""

    queryset = Style.objects.all()
    serializer_class = s.StyleSerializer
    read_roles = ORDER_READERS
    write_roles = PLANNING
    filterset_fields = ["category", "season"]
    search_fields = ["number", "name"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.style_create(
            factory=self.request.organization.factory,
            number=data["number"],
            name=data["name"],
            category=data["category"],
            season=data.get("season", ""),
            merchant=data.get("merchant"),
            by=self.request.user,
        )


class StyleVersionViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Tech packs: create a draft (with BOM, routing and size chart), release it, revise it,
    and export or import it as an Excel workbook."""

    queryset = StyleVersion.objects.select_related("style").prefetch_related(
        "bom", "operations", "size_chart"
    )
    serializer_class = s.StyleVersionSerializer
    read_roles = ORDER_READERS
    write_roles = PLANNING
    action_roles = {
        "release": PLANNING,
        "revise": PLANNING,
        "workbook": FACTORY_STAFF,
        "import_workbook": PLANNING,
    }
    filterset_fields = ["style", "status"]
    parser_classes = UPLOADS

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = services.style_version_create(
            style=data["style"],
            sizes=data.get("sizes") or [],
            colours=data.get("colours") or [],
            bom=data.get("bom", []),
            operations=data.get("operations", []),
            size_chart=data.get("size_chart", []),
            notes=data.get("notes", ""),
            by=request.user,
        )
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        version = services.style_version_release(version=self.get_object(), by=request.user)
        return Response(self.get_serializer(version).data)

    @extend_schema(request=None, responses={201: s.StyleVersionSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        version = services.style_version_revise(version=self.get_object(), by=request.user)
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def workbook(self, request, pk=None):
        version = self.get_object()
        response = HttpResponse(
            workbook_bytes(version),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{version.style.number}-v{version.version}.xlsx"'
        )
        return response

    @action(detail=False, methods=["post"], url_path="import")
    def import_workbook(self, request):
        version = tech_pack_import(
            factory=request.organization.factory, upload=_upload(request), by=request.user
        )
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)


class OrderViewSet(
    ValuesListMixin, TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """Merchant orders. Merchants create (with Idempotency-Key), place, cancel and import; the
    factory accepts, rejects and cancels before cutting. Conversion, progress, re-orders,
    capable-to-promise and factory matching are served on these routes by production
    (production/api/order_views.py)."""

    queryset = Order.objects.select_related(
        "factory__organization", "merchant", "version__style"
    ).prefetch_related("lines", "events__by_organization")
    serializer_class = s.OrderSerializer
    read_roles = ORDER_READERS
    write_roles = MERCHANTS
    action_roles = {
        "place": MERCHANTS,
        "accept": PLANNING,
        "reject": PLANNING,
        "cancel": MERCHANTS | PLANNING,
        "deliver": MERCHANTS | PLANNING,
        "import_orders": MERCHANTS,
    }
    lookup_value_regex = r"\d+"  # orders/capable-to-promise/ etc. are production's routes
    filterset_fields = ["status", "factory", "merchant", "external_ref"]
    search_fields = ["number", "external_ref"]
    ordering_fields = ["created_at", "requested_date", "number"]
    parser_classes = UPLOADS
    values_extra_fields = frozenset({"lines", "events", "amount"})
    values_extra_lookups = ("unit_price", "total_quantity")

    def values_extras(self, rows, fields):
        return order_page_extras(fields, [row["pk"] for row in rows])

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = services.order_create(
            merchant=request.organization,
            factory=data["factory"],
            version=data["version"],
            quantities=data["quantities"],
            requested_date=data["requested_date"],
            ship_to=data["ship_to"],
            unit_price=data.get("unit_price"),
            notes=data.get("notes", ""),
            external_ref=data.get("external_ref", ""),
            place=data.get("place", True),
            quotation=data.get("quotation"),
            by=request.user,
        )
        return Response(self._fresh(order), status=status.HTTP_201_CREATED)

    def _fresh(self, order) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=order.pk)).data

    def _reason(self, request) -> str:
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["reason"]

    @action(detail=True, methods=["post"])
    def place(self, request, pk=None):
        order = services.order_place(
            order=self.get_object(), by=request.user, acting=request.organization
        )
        return Response(self._fresh(order))

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        order = services.order_accept(
            order=self.get_object(), by=request.user, acting=request.organization
        )
        return Response(self._fresh(order))

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        order = services.order_reject(
            order=self.get_object(),
            reason=self._reason(request),
            by=request.user,
            acting=request.organization,
        )
        return Response(self._fresh(order))

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = services.order_cancel(
            order=self.get_object(),
            reason=self._reason(request),
            by=request.user,
            acting=request.organization,
        )
        return Response(self._fresh(order))

    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        order = self.get_object()
        services.order_deliver(order=order, by=request.user, acting=request.organization)
        return Response(self._fresh(order))

    @action(detail=False, methods=["post"], url_path="import")
    def import_orders(self, request):
        created = imports.orders_import(
            merchant=request.organization, upload=_upload(request), by=request.user
        )
        return Response(
            {
                "created": [
                    {"id": o.pk, "number": o.number, "external_ref": o.external_ref}
                    for o in created
                ]
            },
            status=status.HTTP_201_CREATED,
        )


class OrderShipmentViewSet(TenantReadOnlyViewSet):
    """Shipments of orders, as the merchant is told about them."""

    queryset = OrderShipment.objects.select_related("order")
    serializer_class = s.OrderShipmentSerializer
    read_roles = ORDER_READERS
    filterset_fields = ["order"]


class WebhookEndpointViewSet(TenantModelViewSet):
    """A merchant's webhook endpoints; the secret is shown to the merchant to verify with."""

    queryset = WebhookEndpoint.objects.all()
    serializer_class = s.WebhookEndpointSerializer
    read_roles = MERCHANTS
    write_roles = MERCHANTS
    action_roles = {"rotate_secret": MERCHANTS}

    def perform_create(self, serializer):
        serializer.instance = webhook_services.webhook_endpoint_create(
            merchant=self.request.organization,
            url=serializer.validated_data["url"],
            by=self.request.user,
        )

    def perform_update(self, serializer):
        serializer.instance = webhook_services.webhook_endpoint_update(
            endpoint=serializer.instance,
            url=serializer.validated_data.get("url"),
            is_active=serializer.validated_data.get("is_active"),
            by=self.request.user,
        )

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = webhook_services.webhook_endpoint_rotate_secret(
            endpoint=self.get_object(), by=request.user
        )
        return Response(self.get_serializer(endpoint).data)


class WebhookDeliveryViewSet(TenantReadOnlyViewSet):
    """The delivery log: every event sent, its attempts and outcome; replay one."""

    queryset = WebhookDelivery.objects.all()
    serializer_class = s.WebhookDeliverySerializer
    read_roles = MERCHANTS
    action_roles = {"replay": MERCHANTS}
    filterset_fields = ["status", "event_type", "endpoint"]

    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        delivery = webhook_services.webhook_delivery_replay(
            delivery=self.get_object(), by=request.user
        )
        return Response(self.get_serializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class DailySaleViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Merchants report daily sales per SKU (one row, a list, or a CSV/Excel file). Sell-through
    with a re-order suggestion is production's route (it needs the lead time)."""

    queryset = DailySale.objects.select_related("style")
    serializer_class = s.DailySaleSerializer
    read_roles = ORDER_READERS
    write_roles = MERCHANTS
    action_roles = {"import_sales": MERCHANTS}
    lookup_value_regex = r"\d+"  # daily-sales/sell-through/ is production's route
    filterset_fields = ["style", "date"]
    parser_classes = UPLOADS

    def create(self, request, *args, **kwargs):
        rows = request.data if isinstance(request.data, list) else [request.data]
        if not all(isinstance(row, dict) for row in rows):
            raise serializers.ValidationError({"rows": [_("Send objects.")]})
        count = sales.daily_sales_record(
            merchant=request.organization, rows=rows, by=request.user, first_row=0
        )
        return Response({"recorded": count}, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"], url_path="import")
    def import_sales(self, request):
        count = imports.daily_sales_import(
            merchant=request.organization, upload=_upload(request), by=request.user
        )
        return Response({"recorded": count}, status=status.HTTP_201_CREATED)
