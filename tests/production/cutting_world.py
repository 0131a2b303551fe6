"""A cutting room world: an order of 30 S + 30 M in Black, converted and released, with two
inspected rolls of its main fabric in stock, one roll of another fabric, and a supervisor."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from core.roles import OrgKind, Role
from inventory.models import Lot, StockBalance
from inventory.services.ledger import receipt_post
from orders.services import order_accept, order_create
from production.models import Lay, WorkOrder
from production.services import order_convert, work_order_release
from tests.factories import (
    BinFactory,
    FactoryFactory,
    LotFactory,
    MaterialFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    UserFactory,
    released_version,
)


def user_with(factory, role, name):
    user = UserFactory(username=name)
    MembershipFactory(user=user, organization=factory.organization, role=role)
    return user


def roll(*, material, bin, code, metres, by, colour="Black", inspection="passed", dye_lot="D1"):
    lot = LotFactory(
        material=material,
        code=code,
        dye_lot=dye_lot,
        colour=colour,
        inspection=inspection,
        received_quantity=Decimal(metres),
    )
    receipt_post(lot=lot, bin=bin, quantity=Decimal(metres), unit_cost=Decimal("20"), by=by)
    return lot


def build_cutting_world(tag: str = "c", *, release: bool = True) -> SimpleNamespace:
    factory = FactoryFactory(organization=OrganizationFactory(code=f"{tag}-f", name=f"{tag} F"))
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT, code=f"{tag}-m", name=f"{tag} M")
    PartnershipFactory(factory=factory, partner=merchant)
    buyer = UserFactory(username=f"{tag}-buyer")
    MembershipFactory(user=buyer, organization=merchant, role=Role.MERCHANT_BUYER)
    planner = user_with(factory, Role.PLANNER, f"{tag}-planner")
    supervisor = user_with(factory, Role.SUPERVISOR, f"{tag}-supervisor")
    version = released_version(factory=factory, number=f"{tag}-ST", sizes=("S", "M"))
    order = order_create(
        merchant=merchant,
        factory=factory,
        version=version,
        quantities=[
            {"colour": "Black", "size": "S", "quantity": 30},
            {"colour": "Black", "size": "M", "quantity": 30},
        ],
        requested_date=dt.date.today() + dt.timedelta(days=40),
        ship_to="Changsha",
        unit_price="50.00",
        by=buyer,
    )
    order = order_accept(order=order, by=planner, acting=factory.organization)
    result = order_convert(order=order, by=planner)
    work_order = WorkOrder.objects.get(pk=result.work_order_id)
    fabric = MaterialFactory(factory=factory, code=f"FAB-{version.pk}", colour="")
    other = MaterialFactory(factory=factory, code=f"{tag}-OTHER")
    bin = BinFactory(warehouse__factory=factory, code=f"{tag}-A1")
    rolls = [
        roll(material=fabric, bin=bin, code=f"{tag}-R1", metres="100", by=planner),
        roll(material=fabric, bin=bin, code=f"{tag}-R2", metres="100", by=planner, dye_lot="D2"),
    ]
    if release:
        work_order_release(work_order=work_order, by=planner, override_reason="Thread on the way")
        work_order.refresh_from_db()
    return SimpleNamespace(
        factory=factory,
        merchant=merchant,
        planner=planner,
        supervisor=supervisor,
        version=version,
        order=order,
        work_order=work_order,
        fabric=fabric,
        other=other,
        bin=bin,
        rolls=rolls,
        lays=list(Lay.objects.filter(cut_plan__work_order=work_order).order_by("number")),
    )


def lot_on_hand(lot: Lot) -> Decimal:
    return sum(
        StockBalance.objects.filter(lot=lot).values_list("quantity", flat=True), Decimal("0")
    )
