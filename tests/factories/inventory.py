"""factory_boy factories of inventory/ (materials, warehouses, lots, purchasing, counting)."""

import datetime as dt
from decimal import Decimal

import factory as fb

from core.roles import OrgKind
from inventory.models import (
    Bin,
    FabricInspection,
    Lot,
    Material,
    PurchaseOrder,
    PurchaseOrderLine,
    SupplierItem,
    Warehouse,
)
from tests.factories.core import OrganizationFactory
from tests.factories.floor import FactoryFactory

__all__ = [
    "MaterialFactory",
    "TrimFactory",
    "SupplierItemFactory",
    "WarehouseFactory",
    "BinFactory",
    "LotFactory",
    "PurchaseOrderFactory",
    "PurchaseOrderLineFactory",
    "FabricInspectionFactory",
]


class MaterialFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Material

    factory = fb.SubFactory(FactoryFactory)
    code = fb.Sequence(lambda n: f"FAB-{n:03d}")
    name = fb.Sequence(lambda n: f"Poplin {n}")
    kind = Material.Kind.FABRIC
    unit = Material.Unit.METRE
    colour = "Black"
    composition = "100% cotton"
    width_cm = Decimal("145.0")
    weight_gsm = 120
    average_cost = Decimal("18.5000")


class TrimFactory(MaterialFactory):
    code = fb.Sequence(lambda n: f"BTN-{n:03d}")
    name = "Button 18L"
    kind = Material.Kind.TRIM
    trim_type = Material.TrimType.BUTTON
    unit = Material.Unit.PIECE
    composition = ""
    width_cm = None
    weight_gsm = None
    average_cost = Decimal("0.0800")


class SupplierItemFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = SupplierItem

    material = fb.SubFactory(MaterialFactory)
    factory = fb.SelfAttribute("material.factory")
    supplier = fb.SubFactory(OrganizationFactory, kind=OrgKind.SUPPLIER)
    unit_price = Decimal("18.5000")
    minimum_quantity = Decimal("100")
    lead_time_days = 10


class WarehouseFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    factory = fb.SubFactory(FactoryFactory)
    code = fb.Sequence(lambda n: f"W{n}")
    name = fb.Sequence(lambda n: f"Store {n}")


class BinFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Bin

    warehouse = fb.SubFactory(WarehouseFactory)
    factory = fb.SelfAttribute("warehouse.factory")
    code = fb.Sequence(lambda n: f"A-{n:02d}")


class LotFactory(fb.django.DjangoModelFactory):
    """A lot row only: stock comes in through the ledger services, never through a factory."""

    class Meta:
        model = Lot

    material = fb.SubFactory(MaterialFactory)
    factory = fb.SelfAttribute("material.factory")
    code = fb.Sequence(lambda n: f"R{n:05d}")
    dye_lot = "D1"
    received_quantity = Decimal("100")


class PurchaseOrderFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = PurchaseOrder

    factory = fb.SubFactory(FactoryFactory)
    number = fb.Sequence(lambda n: f"PO-{n:05d}")
    supplier = fb.SubFactory(OrganizationFactory, kind=OrgKind.SUPPLIER)
    status = PurchaseOrder.Status.SENT


class PurchaseOrderLineFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = PurchaseOrderLine

    purchase_order = fb.SubFactory(PurchaseOrderFactory)
    factory = fb.SelfAttribute("purchase_order.factory")
    # SubFactory's own first argument is named `factory`, so the tenant is passed lazily.
    material = fb.LazyAttribute(lambda line: MaterialFactory(factory=line.factory))
    quantity = Decimal("500")
    unit_price = Decimal("18.0000")
    need_date = fb.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=14))


class FabricInspectionFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = FabricInspection

    lot = fb.SubFactory(LotFactory)
    factory = fb.SelfAttribute("lot.factory")
    inspected_metres = Decimal("100")
    width_cm = Decimal("145.0")
    defects_1 = 4
    points = 4
    points_per_100_sq_yd = Decimal("2.73")
    pass_limit = Decimal("40")
    result = FabricInspection.Result.PASSED
