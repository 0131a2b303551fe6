"""Inventory API: catalogue, stock and ledger, reservations, purchasing and the supplier portal,
inspection, cycle counts, MRP shortages and suggestions. Every write goes through a service.
Running MRP and releasing to cutting are production's (production/api/inventory_views.py)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.schema import LIST_OF_OBJECTS
from core.api.values import ValuesListMixin
from core.api.viewsets import TenantModelViewSet, TenantReadOnlyViewSet, TenantViewSet
from core.errors import DomainError
from core.roles import FACTORY_STAFF, MANAGERS, PLANNING, QUALITY, SUPPLIERS, WAREHOUSE
from inventory import selectors, services
from inventory.api import serializers as s
from inventory.models import (
    Bin,
    CycleCount,
    FabricInspection,
    Lot,
    Material,
    MaterialShortage,
    PurchaseOrder,
    PurchaseSuggestion,
    ReleaseOverride,
    Reservation,
    StockBalance,
    StockMove,
    SupplierItem,
    Warehouse,
)

INSPECTORS = WAREHOUSE | QUALITY
STOCK_READERS = FACTORY_STAFF


class MaterialViewSet(TenantModelViewSet):
    """Fabrics, trims, packaging and finished goods; `code` is how other apps name them."""

    queryset = Material.objects.all()
    serializer_class = s.MaterialSerializer
    read_roles = STOCK_READERS
    write_roles = WAREHOUSE
    filterset_fields = ["kind", "is_active", "trim_type"]
    search_fields = ["code", "name"]

    # The set-up pages and the imports write through the same services.
    def perform_create(self, serializer):
        serializer.instance = services.material_create(
            factory=self.request.organization.factory,
            by=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer):
        serializer.instance = services.material_update(
            material=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class SupplierItemViewSet(TenantModelViewSet):
    """The supplier catalogue: price, minimum order quantity and lead time per material."""

    queryset = SupplierItem.objects.select_related("material", "supplier")
    serializer_class = s.SupplierItemSerializer
    read_roles = STOCK_READERS
    write_roles = PLANNING
    filterset_fields = ["material", "supplier"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.supplier_item_create(
            factory=self.request.organization.factory,
            material=data.pop("material"),
            supplier_code=data.pop("supplier_code"),
            by=self.request.user,
            **data,
        )

    def perform_update(self, serializer):
        serializer.instance = services.supplier_item_update(
            item=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.supplier_item_remove(item=instance, by=self.request.user)


class WarehouseViewSet(TenantModelViewSet):
    queryset = Warehouse.objects.all()
    serializer_class = s.WarehouseSerializer
    read_roles = STOCK_READERS
    write_roles = WAREHOUSE


class BinViewSet(TenantModelViewSet):
    queryset = Bin.objects.select_related("warehouse")
    serializer_class = s.BinSerializer
    read_roles = STOCK_READERS
    write_roles = WAREHOUSE
    filterset_fields = ["warehouse", "is_active"]
    search_fields = ["code"]


class LotViewSet(TenantReadOnlyViewSet):
    """Rolls and batches; they come into being by receiving."""

    queryset = Lot.objects.select_related("material")
    serializer_class = s.LotSerializer
    read_roles = STOCK_READERS
    filterset_fields = ["material", "dye_lot", "inspection"]
    search_fields = ["code", "dye_lot"]


class StockBalanceViewSet(ValuesListMixin, TenantReadOnlyViewSet):
    """On hand per lot and bin (the ledger's running sums)."""

    queryset = StockBalance.objects.select_related("material", "lot", "bin").filter(quantity__gt=0)
    serializer_class = s.StockBalanceSerializer
    read_roles = STOCK_READERS
    filterset_fields = ["material", "lot", "bin"]


class StockMoveViewSet(ValuesListMixin, TenantReadOnlyViewSet):
    """The immutable ledger. Issues, returns and transfers are posted through its actions."""

    queryset = StockMove.objects.select_related("material", "lot")
    serializer_class = s.StockMoveSerializer
    read_roles = STOCK_READERS
    action_roles = {"issue": WAREHOUSE, "return_": WAREHOUSE, "transfer": WAREHOUSE}
    filterset_fields = ["kind", "material", "lot", "work_order"]

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _created(self, move):
        return Response(self.get_serializer(move).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def issue(self, request):
        return self._created(
            services.stock_issue(by=request.user, **self._input(s.IssueSerializer))
        )

    @action(detail=False, methods=["post"], url_path="return", url_name="return")
    def return_(self, request):
        return self._created(
            services.stock_return(by=request.user, **self._input(s.IssueSerializer))
        )

    @action(detail=False, methods=["post"])
    def transfer(self, request):
        return self._created(
            services.stock_transfer(by=request.user, **self._input(s.TransferSerializer))
        )


class ReservationViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Lots held for work orders."""

    queryset = Reservation.objects.select_related("lot")
    serializer_class = s.ReservationSerializer
    read_roles = STOCK_READERS
    write_roles = WAREHOUSE
    action_roles = {"release": WAREHOUSE, "reserve": WAREHOUSE}
    filterset_fields = ["work_order", "material", "lot", "status"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reservation = services.reservation_create(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(reservation).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def reserve(self, request):
        """Reserve a material for a work order, one dye lot where possible."""
        serializer = s.ReserveMaterialSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        result = services.material_reserve(by=request.user, **serializer.validated_data)
        return Response(
            {
                "reservations": self.get_serializer(result.reservations, many=True).data,
                "dye_lots": result.dye_lots,
                "short": str(result.short),
            },
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        reservation = services.reservation_release(reservation=self.get_object(), by=request.user)
        return Response(self.get_serializer(reservation).data)


class PurchaseOrderViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Purchase orders. Suppliers see the ones addressed to them (the supplier portal) and
    confirm quantities and ship dates; the factory may confirm on their behalf."""

    queryset = PurchaseOrder.objects.select_related(
        "supplier", "factory__organization"
    ).prefetch_related("lines__material")
    serializer_class = s.PurchaseOrderSerializer
    read_roles = FACTORY_STAFF | SUPPLIERS
    write_roles = PLANNING
    action_roles = {
        "send": PLANNING,
        "cancel": PLANNING,
        "confirm": PLANNING | SUPPLIERS,
        "receive": WAREHOUSE,
        "supplier_performance": FACTORY_STAFF,
    }
    filterset_fields = ["status", "supplier"]
    search_fields = ["number"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        factory = request.organization.factory
        order = services.purchase_order_create(
            factory=factory,
            supplier=services.supplier_by_code(factory=factory, code=data["supplier_code"]),
            lines=[dict(line) for line in data["lines"]],
            note=data.get("note", ""),
            tolerance_pct=data.get("tolerance_pct"),
            by=request.user,
        )
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED)

    def _fresh(self, order):
        return Response(self.get_serializer(self.get_queryset().get(pk=order.pk)).data)

    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._fresh(services.purchase_order_send(order=self.get_object(), by=request.user))

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._fresh(services.purchase_order_cancel(order=self.get_object(), by=request.user))

    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        order = self.get_object()
        serializer = s.ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = services.purchase_order_confirm(
            order=order,
            organization=request.organization,
            lines=[dict(line) for line in serializer.validated_data["lines"]],
            by=request.user,
        )
        return self._fresh(order)

    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        order = self.get_object()
        serializer = s.ReceiveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        line = order.lines.filter(pk=data["line"]).first()
        if line is None:
            raise DomainError(
                _("This line is not on the purchase order."), errors={"line": [_("Unknown line.")]}
            )
        lots = services.purchase_line_receive(
            line=line,
            bin=data["bin"],
            lots=[dict(lot) for lot in data["lots"]],
            close=data["close"],
            by=request.user,
        )
        return Response(
            {
                "purchase_order": self.get_serializer(self.get_queryset().get(pk=order.pk)).data,
                "lots": s.LotSerializer(lots, many=True).data,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: LIST_OF_OBJECTS})
    @action(detail=False, methods=["get"], url_path="supplier-performance")
    def supplier_performance(self, request):
        if request.organization.kind != "factory":
            return Response([])
        rows = selectors.supplier_performance(request.organization.factory)
        return Response(
            [
                {
                    "supplier": row.supplier_id,
                    "supplier_name": row.supplier_name,
                    "lines_received": row.lines_received,
                    "on_time_rate": row.on_time_rate,
                    "inspections": row.inspections,
                    "quality_rate": row.quality_rate,
                }
                for row in rows
            ]
        )


class FabricInspectionViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Four-point inspections of incoming rolls."""

    queryset = FabricInspection.objects.select_related("lot")
    serializer_class = s.FabricInspectionSerializer
    read_roles = STOCK_READERS
    write_roles = INSPECTORS
    filterset_fields = ["lot", "result"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inspection = services.fabric_inspection_record(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(inspection).data, status=status.HTTP_201_CREATED)


class CycleCountViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Cycle counts: start by scanning a bin, record counts, submit; managers approve large
    variances."""

    queryset = CycleCount.objects.select_related("bin").prefetch_related("lines__lot__material")
    serializer_class = s.CycleCountSerializer
    read_roles = WAREHOUSE
    write_roles = WAREHOUSE
    action_roles = {
        "record": WAREHOUSE,
        "submit": WAREHOUSE,
        "approve": MANAGERS,
        "reject": MANAGERS,
    }
    filterset_fields = ["status", "bin"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.cycle_count_start(
            factory=request.organization.factory,
            barcode=serializer.validated_data["barcode"],
            by=request.user,
        )
        return Response(self._data(count), status=status.HTTP_201_CREATED)

    def _data(self, count):
        return self.get_serializer(self.get_queryset().get(pk=count.pk)).data

    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        count = self.get_object()
        serializer = s.CountRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entries = [dict(e) for e in serializer.validated_data["entries"]]
        return Response(
            self._data(services.cycle_count_record(count=count, entries=entries, by=request.user))
        )

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return Response(
            self._data(services.cycle_count_submit(count=self.get_object(), by=request.user))
        )

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return Response(
            self._data(services.cycle_count_approve(count=self.get_object(), by=request.user))
        )

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return Response(
            self._data(services.cycle_count_reject(count=self.get_object(), by=request.user))
        )


class MaterialShortageViewSet(TenantReadOnlyViewSet):
    """Shortages per work order and material (filter by `run`; the latest run is current)."""

    queryset = MaterialShortage.objects.select_related("work_order")
    serializer_class = s.MaterialShortageSerializer
    read_roles = FACTORY_STAFF
    filterset_fields = ["run", "work_order", "material"]


class PurchaseSuggestionViewSet(TenantReadOnlyViewSet):
    """What MRP proposes to buy; `order` turns chosen suggestions into draft purchase orders."""

    queryset = PurchaseSuggestion.objects.select_related("material", "supplier")
    serializer_class = s.PurchaseSuggestionSerializer
    read_roles = WAREHOUSE
    # The warehouse clerk, who sees the shortage first, raises the draft purchase orders; a
    # planner sends them (PurchaseOrderViewSet's "send").
    action_roles = {"order": WAREHOUSE}
    filterset_fields = ["run", "supplier", "material"]

    @action(detail=False, methods=["post"])
    def order(self, request):
        serializer = s.SuggestionOrderSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        orders = services.purchase_suggestions_order(
            factory=request.organization.factory,
            suggestions=serializer.validated_data["suggestions"],
            by=request.user,
        )
        return Response(
            s.PurchaseOrderSerializer(
                orders, many=True, context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ReleaseOverrideViewSet(TenantReadOnlyViewSet):
    """Work orders released to cutting although materials were short, with the reason.
    Releasing is production's (`release-overrides/release/`, production/api/inventory_views.py).
    """

    queryset = ReleaseOverride.objects.all()
    serializer_class = s.ReleaseOverrideSerializer
    read_roles = FACTORY_STAFF
    lookup_value_regex = r"\d+"  # release-overrides/release/ is production's route
    filterset_fields = ["work_order"]
