"""Cutting-room and traceability endpoints: lays (spread and cut actions), re-cuts, and the
carton (backward) and lot (forward) traces. Thin: the rules are production's services."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import TenantModelSerializer
from core.api.viewsets import TenantReadOnlyViewSet
from core.roles import FACTORY_STAFF, FLOOR, QUALITY
from inventory.models import Lot
from production import selectors, services
from production.models import Carton, Lay, LayEvent, Recut, SpreadRoll


class SpreadRollSerializer(serializers.ModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    dye_lot = serializers.CharField(source="lot.dye_lot", read_only=True)

    class Meta:
        model = SpreadRoll
        fields = [
            "sequence", "lot", "lot_code", "dye_lot", "plies", "length_m", "end_bits_m",
            "shade_group", "stock_move", "spread_at",
        ]  # fmt: skip
        read_only_fields = fields


class LayEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = LayEvent
        fields = ["kind", "device_code", "time", "plies", "metres"]
        read_only_fields = fields


class LaySerializer(TenantModelSerializer):
    work_order = serializers.IntegerField(source="cut_plan.work_order_id", read_only=True)
    marker = serializers.CharField(source="marker.__str__", read_only=True)
    qr = serializers.CharField(source="qr_payload", read_only=True)
    sizes = serializers.SerializerMethodField()
    rolls = SpreadRollSerializer(many=True, read_only=True)
    events = LayEventSerializer(many=True, read_only=True)

    class Meta:
        model = Lay
        fields = [
            "id", "work_order", "cut_plan", "number", "colour", "plies", "fabric_length_m",
            "marker", "status", "spread_at", "cut_at", "qr", "sizes", "rolls", "events",
        ]  # fmt: skip
        read_only_fields = fields

    def get_sizes(self, lay) -> list[dict]:
        return selectors.lay_cut_rows(lay)


class SpreadSerializer(serializers.Serializer):
    rolls = serializers.ListField(child=serializers.DictField(), allow_empty=False)


class CutSerializer(serializers.Serializer):
    cut = serializers.DictField(child=serializers.IntegerField(min_value=0), allow_empty=False)


class RecutSerializer(TenantModelSerializer):
    lot = serializers.CharField(required=False, allow_blank=True, write_only=True)
    lot_code = serializers.CharField(source="lot.code", read_only=True, default=None)

    class Meta:
        model = Recut
        fields = [
            "id", "bundle", "lay", "pieces", "reason", "lot", "lot_code", "length_m",
            "stock_move", "recorded_at",
        ]  # fmt: skip
        read_only_fields = ["lay", "stock_move", "recorded_at"]


class LayViewSet(TenantReadOnlyViewSet):
    """Lays of the factory's cut plans; `spread` records the rolls, `cut` the actual sizes."""

    queryset = Lay.objects.select_related(
        "marker", "cut_plan__work_order__version"
    ).prefetch_related("rolls__lot", "events")
    serializer_class = LaySerializer
    read_roles = FACTORY_STAFF
    action_roles = {"spread": FLOOR, "cut": FLOOR}
    filterset_fields = ["cut_plan", "status", "colour"]

    @action(detail=True, methods=["post"], serializer_class=SpreadSerializer)
    def spread(self, request, pk=None):
        """Body: {"rolls": [{"lot", "plies", "length_m", "end_bits_m", "shade_group"}]}."""
        lay = self.get_object()
        body = SpreadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lay = services.lay_spread(lay=lay, rolls=body.validated_data["rolls"], by=request.user)
        return Response(LaySerializer(self.get_queryset().get(pk=lay.pk)).data)

    @action(detail=True, methods=["post"], serializer_class=CutSerializer)
    def cut(self, request, pk=None):
        """Body: {"cut": {"S": 120, "M": 118}} — garments actually cut per size."""
        lay = self.get_object()
        body = CutSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lay = services.lay_cut_confirm(lay=lay, cut=body.validated_data["cut"], by=request.user)
        return Response(LaySerializer(self.get_queryset().get(pk=lay.pk)).data)


class RecutViewSet(TenantReadOnlyViewSet, mixins.CreateModelMixin):
    """Re-cuts of defective panels, optionally issuing fabric from a lot (by code or id)."""

    queryset = Recut.objects.select_related("lot")
    serializer_class = RecutSerializer
    read_roles = FLOOR | QUALITY
    write_roles = FLOOR
    filterset_fields = ["bundle", "lay"]

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        recut = services.recut_record(
            bundle=data["bundle"],
            pieces=data["pieces"],
            reason=data["reason"],
            lot=data.get("lot") or None,
            length_m=data.get("length_m"),
            by=request.user,
        )
        return Response(self.get_serializer(recut).data, status=status.HTTP_201_CREATED)


def _bundle(bundle) -> dict:
    return {
        "id": bundle.pk,
        "number": bundle.number,
        "work_order": bundle.work_order_id,
        "lay": bundle.lay_id,
        "size": bundle.size,
        "colour": bundle.colour,
        "quantity": bundle.quantity,
    }


class TraceBundleSerializer(serializers.Serializer):
    """A bundle in a trace (what `_bundle` answers), with what the trace adds to it."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    work_order = serializers.IntegerField()
    lay = serializers.IntegerField()
    size = serializers.CharField()
    colour = serializers.CharField()
    quantity = serializers.IntegerField()


class CartonTraceBundleSerializer(TraceBundleSerializer):
    pieces = serializers.IntegerField()
    lay_number = serializers.IntegerField()
    rolls = serializers.ListField(child=serializers.DictField())
    operators = serializers.ListField(child=serializers.DictField())
    recuts = serializers.ListField(child=serializers.DictField())


class CartonTraceSerializer(serializers.Serializer):
    """The answer of GET /carton-traces/{id}/ (documentation of the response)."""

    carton = serializers.IntegerField()
    number = serializers.IntegerField()
    work_order = serializers.IntegerField()
    shipment = serializers.IntegerField(allow_null=True)
    bundles = CartonTraceBundleSerializer(many=True)


class CartonListSerializer(serializers.Serializer):
    carton = serializers.IntegerField()
    number = serializers.IntegerField()


class LotTraceBundleSerializer(TraceBundleSerializer):
    recut_only = serializers.BooleanField()
    cartons = serializers.ListField(child=serializers.IntegerField())


class LotTraceSerializer(serializers.Serializer):
    """The answer of GET /lot-traces/{id}/ (documentation of the response)."""

    lot = serializers.IntegerField()
    code = serializers.CharField()
    dye_lot = serializers.CharField()
    lays = serializers.ListField(child=serializers.DictField())
    bundles = LotTraceBundleSerializer(many=True)
    cartons = serializers.ListField(child=serializers.DictField())
    shipments = serializers.ListField(child=serializers.DictField())


class LotListSerializer(serializers.Serializer):
    lot = serializers.IntegerField()
    code = serializers.CharField()


@extend_schema_view(
    list=extend_schema(responses=CartonListSerializer(many=True)),
    retrieve=extend_schema(responses=CartonTraceSerializer),
)
class CartonTraceViewSet(TenantReadOnlyViewSet):
    """GET /carton-traces/{carton id}/: the carton's bundles, operators, lays and rolls."""

    queryset = Carton.objects.select_related("work_order", "shipment")
    serializer_class = None
    read_roles = FACTORY_STAFF
    ordering_fields = ["packed_at", "number"]

    def list(self, request, *args, **kwargs):
        cartons = self.paginate_queryset(
            self.filter_queryset(self.get_queryset()).order_by("-packed_at", "-pk")
        )
        return self.get_paginated_response([{"carton": c.pk, "number": c.number} for c in cartons])

    def retrieve(self, request, *args, **kwargs):
        trace = selectors.carton_trace(self.get_object())
        carton = trace["carton"]
        return Response(
            {
                "carton": carton.pk,
                "number": carton.number,
                "work_order": carton.work_order_id,
                "shipment": carton.shipment_id,
                "bundles": [
                    _bundle(row["bundle"])
                    | {
                        "pieces": row["pieces"],
                        "lay_number": row["lay"].number,
                        "rolls": row["rolls"],
                        "operators": row["operators"],
                        "recuts": [
                            {"pieces": r.pieces, "reason": r.reason, "lot": r.lot and r.lot.code}
                            for r in row["recuts"]
                        ],
                    }
                    for row in trace["bundles"]
                ],
            }
        )


@extend_schema_view(
    list=extend_schema(responses=LotListSerializer(many=True)),
    retrieve=extend_schema(responses=LotTraceSerializer),
)
class LotTraceViewSet(TenantReadOnlyViewSet):
    """GET /lot-traces/{lot id}/: the lays spread from a lot, their bundles, cartons, shipments."""

    queryset = Lot.objects.select_related("material")
    serializer_class = None
    read_roles = FACTORY_STAFF
    ordering_fields = ["received_at", "code"]

    def list(self, request, *args, **kwargs):
        lots = self.paginate_queryset(
            self.filter_queryset(self.get_queryset()).order_by("-received_at", "-pk")
        )
        return self.get_paginated_response([{"lot": lot.pk, "code": lot.code} for lot in lots])

    def retrieve(self, request, *args, **kwargs):
        trace = selectors.lot_trace(self.get_object())
        lot = trace["lot"]
        return Response(
            {
                "lot": lot.pk,
                "code": lot.code,
                "dye_lot": lot.dye_lot,
                "lays": [
                    {
                        "lay": roll.lay_id,
                        "number": roll.lay.number,
                        "work_order": roll.lay.cut_plan.work_order.number,
                        "plies": roll.plies,
                        "shade_group": roll.shade_group,
                    }
                    for roll in trace["rolls"]
                ],
                "bundles": [
                    _bundle(row["bundle"])
                    | {
                        "recut_only": row["recut_only"],
                        "cartons": [carton.pk for carton in row["cartons"]],
                    }
                    for row in trace["bundles"]
                ],
                "cartons": [
                    {"id": c.pk, "number": c.number, "shipment": c.shipment_id}
                    for c in trace["cartons"]
                ],
                "shipments": [
                    {"id": s.pk, "number": s.number, "shipped_at": s.shipped_at}
                    for s in trace["shipments"]
                ],
            }
        )
