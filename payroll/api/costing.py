"""Costing API, the factory's alone: pre-costs, quotations (the merchant's side sees prices and
validity only), actual cost per work order and margin per merchant order.

These doors are payroll's because they compose orders' tech packs and quotations with
inventory's prices and ledger, production's records and devices' machine time (payroll is the
layer above all of them); the rules are orders.costing, orders.services.quotations and
payroll.costing.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.schema import ANY_OBJECT
from core.api.viewsets import TenantViewSet
from core.roles import MERCHANTS, PLANNING
from orders import services as order_services
from orders.api.serializers import QuotationSerializer, ReasonSerializer
from orders.costing import pre_cost_payload
from orders.models import Order, Quotation, StyleVersion
from payroll import costing
from production.models import WorkOrder

COSTING = PLANNING


def actual_cost_payload(cost: costing.ActualCost) -> dict:
    return {
        "work_order": cost.work_order.pk,
        "number": cost.work_order.number,
        "pieces": cost.pieces,
        "material": str(cost.material),
        "wages": str(cost.wages),
        "machine_hours": str(cost.machine_hours),
        "machine": str(cost.machine),
        "total": str(cost.total),
        "per_garment": str(cost.per_garment),
        "pre_cost": None if cost.pre_cost is None else str(cost.pre_cost),
        "variance": None if cost.variance is None else str(cost.variance),
    }


def margin_payload(margin: costing.OrderMargin) -> dict:
    return {
        "order": margin.order.pk,
        "number": margin.order.number,
        "revenue": str(margin.revenue),
        "revenue_basis": margin.revenue_basis,
        "cost": str(margin.cost),
        "margin": str(margin.margin),
        "margin_pct": None if margin.margin_pct is None else str(margin.margin_pct),
        "work_orders": [actual_cost_payload(cost) for cost in margin.work_orders],
    }


class PreCostViewSet(TenantViewSet, mixins.RetrieveModelMixin):
    """A tech-pack version's pre-cost per size (material lines, labour, overhead); by the
    version's id."""

    queryset = StyleVersion.objects.select_related("style", "factory")
    read_roles = COSTING

    @extend_schema(responses={200: ANY_OBJECT})
    def retrieve(self, request, *args, **kwargs):
        return Response(pre_cost_payload(costing.version_pre_cost(self.get_object())))


class QuotationViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Quotations: the factory builds one from a tech pack's pre-cost and sends it; the
    merchant sees the sent ones (prices and validity, never cost or margin) and accepts or
    declines."""

    queryset = Quotation.objects.select_related(
        "factory__organization", "merchant", "version__style"
    ).prefetch_related("lines")
    serializer_class = QuotationSerializer
    read_roles = COSTING | MERCHANTS
    write_roles = COSTING
    action_roles = {"send": COSTING, "accept": MERCHANTS, "decline": MERCHANTS}
    filterset_fields = ["status", "version"]
    search_fields = ["number"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        factory = request.organization.factory
        quotation = order_services.quotation_create(
            factory=factory,
            merchant=order_services.partner_merchant_by_code(
                factory=factory, code=data["merchant_code"]
            ),
            version=data["version"],
            valid_until=data["valid_until"],
            margin_pct=data.get("margin_pct"),
            target_price=data.get("target_price"),
            prices=costing.version_prices(data["version"]),
            notes=data.get("notes", ""),
            by=request.user,
        )
        return Response(self._fresh(quotation), status=status.HTTP_201_CREATED)

    def _fresh(self, quotation) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=quotation.pk)).data

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        quotation = order_services.quotation_send(
            quotation=self.get_object(), by=request.user, acting=request.organization
        )
        return Response(self._fresh(quotation))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        quotation = order_services.quotation_accept(
            quotation=self.get_object(), by=request.user, acting=request.organization
        )
        return Response(self._fresh(quotation))

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        quotation = order_services.quotation_decline(
            quotation=self.get_object(),
            reason=reason.validated_data["reason"],
            by=request.user,
            acting=request.organization,
        )
        return Response(self._fresh(quotation))


class WorkOrderCostViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Actual cost per work order (material, piece wages, machine time) against its pre-cost."""

    queryset = WorkOrder.objects.select_related("version", "factory").order_by("-created_at", "-pk")
    read_roles = COSTING
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "number", "due_date"]

    @extend_schema(responses={200: ANY_OBJECT})
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        costs = costing.work_order_actual_costs(request.organization.factory, page)
        return self.get_paginated_response([actual_cost_payload(costs[wo.pk]) for wo in page])

    @extend_schema(responses={200: ANY_OBJECT})
    def retrieve(self, request, *args, **kwargs):
        return Response(actual_cost_payload(costing.work_order_actual_cost(self.get_object())))


class OrderMarginViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Margin per merchant order: revenue − the actual cost of its work orders."""

    queryset = Order.objects.select_related("merchant", "version__style").order_by(
        "-created_at", "-pk"
    )
    read_roles = COSTING
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "number", "requested_date"]

    @extend_schema(responses={200: ANY_OBJECT})
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        margins = costing.order_margins(request.organization.factory, page)
        return self.get_paginated_response([margin_payload(m) for m in margins])

    @extend_schema(responses={200: ANY_OBJECT})
    def retrieve(self, request, *args, **kwargs):
        margin = costing.order_margins(request.organization.factory, [self.get_object()])[0]
        return Response(margin_payload(margin))
