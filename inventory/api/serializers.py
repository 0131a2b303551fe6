"""Serializers of inventory/: thin shapes around the models; writes go through services."""

from rest_framework import serializers

from core.api.serializers import TenantModelSerializer, scope_related_field
from core.limits import MeasureField, QuantityField
from inventory.models import (
    Bin,
    CycleCount,
    CycleCountLine,
    FabricInspection,
    Lot,
    Material,
    MaterialShortage,
    MrpRun,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseSuggestion,
    ReleaseOverride,
    Reservation,
    StockBalance,
    StockMove,
    SupplierItem,
    Warehouse,
)

# Bounded above by core.limits (MAX_MEASURE); a negative or zero quantity is the services' to
# refuse, with their own message.
QUANTITY = {"min_value": None}


def work_orders():
    """Production's work orders, as the ones stock moves and reservations point at: the model
    comes from inventory's own foreign key, so inventory imports nothing of production. The
    input only accepts one the acting organization sees (`scope_related_field`)."""
    return StockMove._meta.get_field("work_order").related_model.objects.all()


class MaterialSerializer(TenantModelSerializer):
    class Meta:
        model = Material
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "trim_type",
            "unit",
            "colour",
            "composition",
            "width_cm",
            "weight_gsm",
            "shrinkage_pct",
            "style_code",
            "size",
            "average_cost",
            "is_active",
        ]
        read_only_fields = ["average_cost"]


class SupplierItemSerializer(TenantModelSerializer):
    supplier_code = serializers.CharField(write_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    material_code = serializers.CharField(source="material.code", read_only=True)
    # The supplier's own number for the material (the model's `supplier_code`, a name the
    # write-only organization code above already takes).
    article_no = serializers.CharField(required=False, allow_blank=True, max_length=60)

    class Meta:
        model = SupplierItem
        fields = [
            "id",
            "material",
            "material_code",
            "supplier",
            "supplier_code",
            "supplier_name",
            "article_no",
            "unit_price",
            "minimum_quantity",
            "lead_time_days",
            "is_preferred",
        ]
        read_only_fields = ["supplier"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # who offers what is fixed; price and terms change
            fields["material"].read_only = True
            fields["supplier_code"].required = False
        return fields


class WarehouseSerializer(TenantModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "is_active"]


class BinSerializer(TenantModelSerializer):
    label = serializers.CharField(source="label_payload", read_only=True)

    class Meta:
        model = Bin
        fields = ["id", "warehouse", "code", "is_active", "label"]


class LotSerializer(TenantModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    label = serializers.CharField(source="label_payload", read_only=True)

    class Meta:
        model = Lot
        fields = [
            "id",
            "material",
            "material_code",
            "code",
            "dye_lot",
            "colour",
            "supplier",
            "purchase_order_line",
            "received_quantity",
            "width_cm",
            "inspection",
            "received_at",
            "label",
        ]
        read_only_fields = fields


class StockBalanceSerializer(TenantModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    dye_lot = serializers.CharField(source="lot.dye_lot", read_only=True)
    bin_code = serializers.CharField(source="bin.code", read_only=True)

    class Meta:
        model = StockBalance
        fields = [
            "id",
            "material",
            "material_code",
            "lot",
            "lot_code",
            "dye_lot",
            "bin",
            "bin_code",
            "quantity",
        ]
        read_only_fields = fields


class StockMoveSerializer(TenantModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    lot_code = serializers.CharField(source="lot.code", read_only=True)

    class Meta:
        model = StockMove
        fields = [
            "id",
            "kind",
            "material",
            "material_code",
            "lot",
            "lot_code",
            "from_bin",
            "to_bin",
            "quantity",
            "unit_cost",
            "work_order",
            "purchase_order_line",
            "cycle_count",
            "reference",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class _ScopedInput(serializers.Serializer):
    """Input of an action: related fields are scoped to the acting organization."""

    def get_fields(self):
        fields = super().get_fields()
        organization = getattr(self.context.get("request"), "organization", None)
        for field in fields.values():
            scope_related_field(field, organization)
        return fields


class IssueSerializer(_ScopedInput):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.all())
    bin = serializers.PrimaryKeyRelatedField(queryset=Bin.objects.all())
    work_order = serializers.PrimaryKeyRelatedField(queryset=work_orders())
    quantity = MeasureField(**QUANTITY)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class TransferSerializer(_ScopedInput):
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.all())
    from_bin = serializers.PrimaryKeyRelatedField(queryset=Bin.objects.all())
    to_bin = serializers.PrimaryKeyRelatedField(queryset=Bin.objects.all())
    quantity = MeasureField(**QUANTITY)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class ReservationSerializer(TenantModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    dye_lot = serializers.CharField(source="lot.dye_lot", read_only=True)

    class Meta:
        model = Reservation
        fields = [
            "id",
            "lot",
            "lot_code",
            "dye_lot",
            "material",
            "work_order",
            "quantity",
            "issued_quantity",
            "status",
            "created_at",
        ]
        read_only_fields = ["material", "issued_quantity", "status", "created_at"]


class ReserveMaterialSerializer(_ScopedInput):
    work_order = serializers.PrimaryKeyRelatedField(queryset=work_orders())
    material = serializers.PrimaryKeyRelatedField(queryset=Material.objects.all())
    quantity = MeasureField(**QUANTITY)
    colour = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class PurchaseOrderLineSerializer(TenantModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    material_name = serializers.CharField(source="material.name", read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "id",
            "material",
            "material_code",
            "material_name",
            "unit",
            "quantity",
            "unit_price",
            "need_date",
            "confirmed_quantity",
            "confirmed_ship_date",
            "received_quantity",
            "received_on",
            "is_closed",
        ]
        read_only_fields = [
            "confirmed_quantity",
            "confirmed_ship_date",
            "received_quantity",
            "received_on",
            "is_closed",
        ]
        extra_kwargs = {"unit_price": {"required": False}}


class PurchaseOrderSerializer(TenantModelSerializer):
    supplier_code = serializers.CharField(write_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    factory_name = serializers.CharField(source="factory.organization.name", read_only=True)
    lines = PurchaseOrderLineSerializer(many=True)

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "factory_name",
            "supplier",
            "supplier_code",
            "supplier_name",
            "status",
            "tolerance_pct",
            "note",
            "created_at",
            "sent_at",
            "confirmed_at",
            "lines",
        ]
        read_only_fields = ["number", "supplier", "status", "created_at", "sent_at", "confirmed_at"]
        extra_kwargs = {"tolerance_pct": {"required": False}}


class ConfirmLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    quantity = MeasureField(**QUANTITY)
    ship_date = serializers.DateField()


class ConfirmSerializer(serializers.Serializer):
    lines = ConfirmLineSerializer(many=True)


class ReceiveLotSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    quantity = MeasureField(**QUANTITY)
    dye_lot = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    colour = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    width_cm = serializers.DecimalField(
        max_digits=6, decimal_places=1, required=False, allow_null=True, default=None
    )


class ReceiveSerializer(_ScopedInput):
    line = serializers.IntegerField()
    bin = serializers.PrimaryKeyRelatedField(queryset=Bin.objects.all())
    lots = ReceiveLotSerializer(many=True)
    close = serializers.BooleanField(required=False, default=False)


class FabricInspectionSerializer(TenantModelSerializer):
    defects = serializers.DictField(child=QuantityField(), write_only=True)
    lot_code = serializers.CharField(source="lot.code", read_only=True)

    class Meta:
        model = FabricInspection
        fields = [
            "id",
            "lot",
            "lot_code",
            "inspected_metres",
            "width_cm",
            "defects",
            "defects_1",
            "defects_2",
            "defects_3",
            "defects_4",
            "points",
            "points_per_100_sq_yd",
            "pass_limit",
            "result",
            "note",
            "inspected_at",
        ]
        read_only_fields = [
            "defects_1",
            "defects_2",
            "defects_3",
            "defects_4",
            "points",
            "points_per_100_sq_yd",
            "pass_limit",
            "result",
            "inspected_at",
        ]


class CycleCountLineSerializer(TenantModelSerializer):
    lot_code = serializers.CharField(source="lot.code", read_only=True)
    material_code = serializers.CharField(source="lot.material.code", read_only=True)
    variance = serializers.DecimalField(read_only=True, max_digits=14, decimal_places=3)

    class Meta:
        model = CycleCountLine
        fields = [
            "id",
            "lot",
            "lot_code",
            "material_code",
            "expected_quantity",
            "counted_quantity",
            "variance",
        ]
        read_only_fields = fields


class CycleCountSerializer(TenantModelSerializer):
    barcode = serializers.CharField(write_only=True)
    bin_code = serializers.CharField(source="bin.code", read_only=True)
    lines = CycleCountLineSerializer(many=True, read_only=True)

    class Meta:
        model = CycleCount
        fields = [
            "id",
            "barcode",
            "bin",
            "bin_code",
            "status",
            "variance_value",
            "started_at",
            "submitted_at",
            "decided_at",
            "lines",
        ]
        read_only_fields = [
            "bin",
            "status",
            "variance_value",
            "started_at",
            "submitted_at",
            "decided_at",
        ]


class CountEntrySerializer(serializers.Serializer):
    lot = serializers.CharField(max_length=60)
    quantity = MeasureField(**QUANTITY)


class CountRecordSerializer(serializers.Serializer):
    entries = CountEntrySerializer(many=True)


class MrpRunSerializer(TenantModelSerializer):
    class Meta:
        model = MrpRun
        fields = ["id", "work_orders", "shortages", "suggestions", "seconds", "created_at"]
        read_only_fields = fields


class MaterialShortageSerializer(TenantModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number", read_only=True)

    class Meta:
        model = MaterialShortage
        fields = [
            "id",
            "run",
            "work_order",
            "work_order_number",
            "material",
            "material_code",
            "need_date",
            "required",
            "from_stock",
            "from_purchases",
            "short",
        ]
        read_only_fields = fields


class PurchaseSuggestionSerializer(TenantModelSerializer):
    material_code = serializers.CharField(source="material.code", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", default="", read_only=True)

    class Meta:
        model = PurchaseSuggestion
        fields = [
            "id",
            "run",
            "material",
            "material_code",
            "supplier",
            "supplier_name",
            "quantity",
            "short_quantity",
            "unit_price",
            "need_date",
            "order_by",
            "purchase_order",
        ]
        read_only_fields = fields


class SuggestionOrderSerializer(_ScopedInput):
    suggestions = serializers.PrimaryKeyRelatedField(
        queryset=PurchaseSuggestion.objects.all(), many=True
    )


class ReleaseOverrideSerializer(TenantModelSerializer):
    class Meta:
        model = ReleaseOverride
        fields = ["id", "work_order", "reason", "shortages", "created_by", "created_at"]
        read_only_fields = fields
