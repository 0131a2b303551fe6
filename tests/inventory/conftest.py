"""Fixtures of the inventory tests: one factory with a supplier partner, a store with bins,
a fabric with its catalogue entry, and a work order that needs it."""

import datetime as dt
from decimal import Decimal

import pytest

from core.roles import OrgKind, Role
from inventory import services
from production.models import WorkOrder
from production.services import order_convert
from tests.factories import (
    BinFactory,
    FactoryFactory,
    MaterialFactory,
    MaterialRequirementFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    SupplierItemFactory,
    UserFactory,
    WarehouseFactory,
    WorkOrderFactory,
    released_version,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Users here never log in with a password; hashing with PBKDF2 would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def factory(db):
    return FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="f-one"))


@pytest.fixture
def clerk(factory):
    user = UserFactory(username="clerk")
    MembershipFactory(user=user, organization=factory.organization, role=Role.WAREHOUSE_CLERK)
    return user


@pytest.fixture
def manager(factory):
    user = UserFactory(username="manager")
    MembershipFactory(user=user, organization=factory.organization, role=Role.FACTORY_MANAGER)
    return user


@pytest.fixture
def supplier(factory):
    org = OrganizationFactory(kind=OrgKind.SUPPLIER, code="s-cloth", name="Cloth Co")
    PartnershipFactory(factory=factory, partner=org)
    return org


@pytest.fixture
def supplier_user(supplier):
    user = UserFactory(username="cloth-sales")
    MembershipFactory(user=user, organization=supplier, role=Role.SUPPLIER_SALES)
    return user


@pytest.fixture
def warehouse(factory):
    return WarehouseFactory(factory=factory, code="RAW", name="Raw materials")


@pytest.fixture
def bin_a(warehouse):
    return BinFactory(warehouse=warehouse, code="A-01")


@pytest.fixture
def bin_b(warehouse):
    return BinFactory(warehouse=warehouse, code="A-02")


@pytest.fixture
def fabric(factory):
    return MaterialFactory(factory=factory, code="FAB-POP-BLK", average_cost=Decimal("0"))


@pytest.fixture
def offer(fabric, supplier):
    return SupplierItemFactory(
        factory=fabric.factory,
        material=fabric,
        supplier=supplier,
        unit_price=Decimal("20.0000"),
        minimum_quantity=Decimal("300"),
        lead_time_days=10,
    )


@pytest.fixture
def version(factory):
    return released_version(factory=factory, number="ST-100")


@pytest.fixture
def work_order(version):
    return WorkOrderFactory(version=version, number="WO-1")


@pytest.fixture
def other_work_order(version):
    return WorkOrderFactory(version=version, number="WO-2")


def need(work_order, material, quantity, days=10):
    return MaterialRequirementFactory(
        work_order=work_order,
        material_code=material.code if hasattr(material, "code") else material,
        quantity=Decimal(str(quantity)),
        need_date=dt.date.today() + dt.timedelta(days=days),
    )


def receive(
    *, factory, supplier, material, bin, lots, by, price="20", tolerance=None, inspect=True
):
    """Order, send and receive `lots` [(code, quantity, dye_lot)]; fabric passes inspection."""
    total = sum(Decimal(str(q)) for _c, q, _d in lots)
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[
            {
                "material": material,
                "quantity": total,
                "need_date": dt.date.today(),
                "unit_price": Decimal(price),
            }
        ],
        tolerance_pct=tolerance,
        by=by,
    )
    services.purchase_order_send(order=order, by=by)
    received = services.purchase_line_receive(
        line=order.lines.get(),
        bin=bin,
        lots=[{"code": c, "quantity": q, "dye_lot": d} for c, q, d in lots],
        by=by,
    )
    if inspect and material.kind == "fabric":
        for lot in received:
            services.fabric_inspection_record(
                lot=lot, inspected_metres="10", width_cm="145", defects={}, by=by
            )
    for lot in received:
        lot.refresh_from_db()
    return order, received


def converted_with_reservation(*, factory, order, by, supplier_code: str):
    """`order` (accepted) converted, with 60 m of a received 100 m roll (R1) of FAB-1 reserved
    for its work order. Returns (work order, lot)."""
    supplier = OrganizationFactory(kind=OrgKind.SUPPLIER, code=supplier_code)
    PartnershipFactory(factory=factory, partner=supplier)
    fabric = MaterialFactory(factory=factory, code="FAB-1")
    store = BinFactory(warehouse=WarehouseFactory(factory=factory, code="RAW"), code="A-01")
    _po, (lot,) = receive(
        factory=factory, supplier=supplier, material=fabric, bin=store,
        lots=[("R1", "100", "D1")], by=by,
    )  # fmt: skip
    work_order = WorkOrder.objects.get(pk=order_convert(order=order, by=by).work_order_id)
    services.material_reserve(work_order=work_order, material=fabric, quantity="60", by=by)
    return work_order, lot
