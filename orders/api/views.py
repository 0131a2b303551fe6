"""Endpoints of orders/: tech packs, merchant orders (e-commerce integrations), shipments,
webhooks, daily sales. Thin: validate, call a service, serialize."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.viewsets import TenantModelViewSet, TenantReadOnlyViewSet, TenantViewSet
from core.errors import DomainError
from core.roles import FACTORY_STAFF, MERCHANTS, PLANNING
from orders import selectors, services
from orders.api import serializers as s
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
from production.services import order_convert

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

    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        version = services.style_version_revise(version=self.get_object(), by=request.user)
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def workbook(self, request, pk=None):
        from orders.techpack_excel import workbook_bytes

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
        from orders.techpack_excel import tech_pack_import

        version = tech_pack_import(
            factory=request.organization.factory, upload=_upload(request), by=request.user
        )
        return Response(self.get_serializer(version).data, status=status.HTTP_201_CREATED)


class OrderViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Merchant orders. Merchants create (with Idempotency-Key), place, cancel, re-order and
    import; the factory accepts, rejects, converts and cancels before cutting."""

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
        "convert": PLANNING,
        "progress": ORDER_READERS,
        "reorder": MERCHANTS,
        "import_orders": MERCHANTS,
        "capable_to_promise": ORDER_READERS,
        "factory_matches": MERCHANTS,
    }
    filterset_fields = ["status", "factory", "merchant", "external_ref"]
    search_fields = ["number", "external_ref"]
    ordering_fields = ["created_at", "requested_date", "number"]
    parser_classes = UPLOADS

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
            unit_price=data["unit_price"],
            notes=data.get("notes", ""),
            external_ref=data.get("external_ref", ""),
            place=data.get("place", True),
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

    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        result = order_convert(
            order=self.get_object(), by=request.user, acting=request.organization
        )
        return Response(
            {
                "work_order": result.work_order_id,
                "created": result.created,
                "report": result.report,
            },
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(selectors.order_progress(self.get_object()))

    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        cells = request.data.get("quantities") if hasattr(request.data, "get") else None
        order = sales.order_reorder(
            order=self.get_object(),
            by=request.user,
            acting=request.organization,
            quantities=cells if isinstance(cells, list) else None,
        )
        return Response(self._fresh(order), status=status.HTTP_201_CREATED)

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

    @action(detail=False, methods=["get"], url_path="capable-to-promise")
    def capable_to_promise(self, request):
        params = request.query_params
        version = (
            StyleVersion.objects.visible_to(request.organization)
            .filter(pk=params.get("version") or 0)
            .first()
        )
        if version is None:
            raise DomainError(_("Choose a tech pack."), errors={"version": [_("Unknown.")]})
        try:
            quantity = int(params.get("quantity", "0"))
        except ValueError:
            raise DomainError(_("Not a number."), errors={"quantity": [_("Not a number.")]})
        promise = selectors.capable_to_promise(
            factory=version.factory, version=version, quantity=max(0, quantity)
        )
        return Response(promise.__dict__)

    @action(detail=False, methods=["get"], url_path="factory-matches")
    def factory_matches(self, request):
        params = request.query_params
        try:
            quantity = int(params.get("quantity") or 0)
            requested = (
                dt.date.fromisoformat(params["requested_date"])
                if params.get("requested_date")
                else None
            )
            sam = Decimal(params["sam"]) if params.get("sam") else None
        except (ValueError, InvalidOperation):
            raise DomainError(_("The search is not valid."), errors={"query": [_("Invalid.")]})
        matches = selectors.factory_matches(
            merchant=request.organization,
            category=params.get("category", ""),
            sizes=[x for x in params.get("sizes", "").split(",") if x],
            quantity=quantity,
            requested_date=requested,
            sam=sam,
        )
        return Response(
            [
                {
                    "factory": m.factory.pk,
                    "name": m.factory.organization.name,
                    "score": m.score,
                    "earliest_date": m.promise.date,
                    "on_time_pct": m.on_time_pct,
                    "first_pass_yield_pct": m.first_pass_yield_pct,
                    "reasons": [str(r) for r in m.reasons],
                }
                for m in matches
            ]
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
    """Merchants report daily sales per SKU (one row, a list, or a CSV/Excel file) and read
    sell-through with a re-order suggestion per style."""

    queryset = DailySale.objects.select_related("style")
    serializer_class = s.DailySaleSerializer
    read_roles = ORDER_READERS
    write_roles = MERCHANTS
    action_roles = {"import_sales": MERCHANTS, "sell_through": ORDER_READERS}
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

    @action(detail=False, methods=["get"], url_path="sell-through")
    def sell_through(self, request):
        style = (
            Style.objects.visible_to(request.organization)
            .filter(pk=request.query_params.get("style") or 0)
            .first()
        )
        if style is None:
            raise DomainError(_("Choose a style."), errors={"style": [_("Unknown.")]})
        merchant = request.organization
        if merchant.kind != "merchant":
            raise DomainError(_("Sell-through is a merchant's figure."), status_code=403)
        figures = selectors.sell_through(merchant=merchant, style=style)
        return Response(
            {
                "style": style.pk,
                "sell_through_pct": figures.sell_through_pct,
                "lead_days": figures.lead_days,
                "rows": [
                    {
                        "colour": r.colour,
                        "size": r.size,
                        "received": r.received,
                        "sold": r.sold,
                        "stock": r.stock,
                        "open": r.open_quantity,
                        "sell_through_pct": r.sell_through_pct,
                        "suggested": r.suggested,
                    }
                    for r in figures.rows
                ],
            }
        )
