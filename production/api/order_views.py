"""Endpoints at orders' addresses that need production: converting an order (one, or a bulk
job), its progress, re-orders and sell-through (they need the lead time), capable-to-promise and
factory matching. orders/ cannot import production/, so production serves these doors on the
same routes (`orders/<id>/convert/`, `orders/capable-to-promise/`, ...)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.schema import ANY_OBJECT
from core.api.viewsets import TenantViewSet
from core.errors import DomainError
from core.limits import check_quantity
from core.roles import FACTORY_STAFF, MERCHANTS, PLANNING
from factories.models import Factory
from orders import selectors as order_selectors
from orders.api.serializers import DailySaleSerializer, OrderSerializer
from orders.models import DailySale, Order, Style, StyleVersion
from orders.services import sales
from production import selectors, services
from production.api import serializers as s
from production.models import ConversionJob
from production.services import conversion_job_create

ORDER_READERS = FACTORY_STAFF | MERCHANTS


class OrderProductionViewSet(TenantViewSet):
    """The production side of merchant orders: the factory converts an accepted order into a
    work order; both sides read its progress; the merchant re-orders what sells, asks what date
    a factory can promise and which partner factories suit an order."""

    queryset = Order.objects.select_related(
        "factory__organization", "merchant", "version__style"
    ).prefetch_related("lines", "events__by_organization")
    serializer_class = OrderSerializer  # orders' own shape, for the re-order it answers with
    read_roles = ORDER_READERS
    write_roles = MERCHANTS
    action_roles = {
        "convert": PLANNING,
        "progress": ORDER_READERS,
        "reorder": MERCHANTS,
        "capable_to_promise": ORDER_READERS,
        "factory_matches": MERCHANTS,
    }
    lookup_value_regex = r"\d+"

    @extend_schema(request=None, responses={200: ANY_OBJECT, 201: ANY_OBJECT})
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        result = services.order_convert(
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

    @extend_schema(responses={200: ANY_OBJECT})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(selectors.order_progress(self.get_object()))

    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        order = self.get_object()
        cells = request.data.get("quantities") if hasattr(request.data, "get") else None
        reorder = sales.order_reorder(
            order=order,
            by=request.user,
            acting=request.organization,
            lead_days=selectors.reorder_lead_days(
                merchant=request.organization, style=order.version.style
            ),
            quantities=cells if isinstance(cells, list) else None,
        )
        fresh = self.get_queryset().get(pk=reorder.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

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
        check_quantity(max(0, quantity), field="quantity")
        promise = selectors.capable_to_promise(
            factory=version.factory, version=version, quantity=max(0, quantity)
        )
        return Response(promise.__dict__)

    @action(detail=False, methods=["get"], url_path="factory-matches")
    def factory_matches(self, request):
        params = request.query_params
        try:
            quantity = check_quantity(max(0, int(params.get("quantity") or 0)), field="quantity")
            requested = (
                dt.date.fromisoformat(params["requested_date"])
                if params.get("requested_date")
                else None
            )
            sam = Decimal(params["sam"]) if params.get("sam") else None
        except (ValueError, InvalidOperation):
            raise DomainError(_("The search is not valid."), errors={"query": [_("Invalid.")]})
        matches = order_selectors.factory_matches(
            merchant=request.organization,
            earliest_date_at=lambda factory: (
                selectors.capable_to_promise(
                    factory=factory, version=None, quantity=quantity, sam=sam
                ).date
            ),
            first_pass_yield_at=selectors.first_pass_yield_recent,
            category=params.get("category", ""),
            sizes=[x for x in params.get("sizes", "").split(",") if x],
            quantity=quantity,
            requested_date=requested,
        )
        return Response(
            [
                {
                    "factory": m.factory.pk,
                    "name": m.factory.organization.name,
                    "score": m.score,
                    "earliest_date": m.earliest_date,
                    "on_time_pct": m.on_time_pct,
                    "first_pass_yield_pct": m.first_pass_yield_pct,
                    "reasons": [str(r) for r in m.reasons],
                }
                for m in matches
            ]
        )


class DailySaleProductionViewSet(TenantViewSet):
    """Sell-through per style with a re-order suggestion that covers the factory's lead time."""

    queryset = DailySale.objects.select_related("style")
    serializer_class = DailySaleSerializer
    read_roles = ORDER_READERS
    action_roles = {"sell_through": ORDER_READERS}
    lookup_value_regex = r"\d+"

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
        figures = order_selectors.sell_through(
            merchant=merchant,
            style=style,
            lead_days=selectors.reorder_lead_days(merchant=merchant, style=style),
        )
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


class ConversionJobViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Bulk conversion of accepted orders by a Celery task; poll for its progress."""

    queryset = ConversionJob.objects.all()
    serializer_class = s.ConversionJobSerializer
    read_roles = PLANNING
    write_roles = PLANNING

    def create(self, request, *args, **kwargs):
        ids = request.data.get("order_ids") if hasattr(request.data, "get") else None
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise serializers.ValidationError({"order_ids": [_("A list of order ids.")]})
        orders = Order.objects.visible_to(request.organization).filter(pk__in=ids)
        job = conversion_job_create(
            factory=Factory.objects.get(pk=request.organization.pk), orders=orders, by=request.user
        )
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)
