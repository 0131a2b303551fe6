"""Purchasing: orders to partner suppliers, the supplier portal, receiving within tolerance,
four-point inspection and supplier rates."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import DomainError, NotAllowed
from core.roles import OrgKind, Role
from inventory import selectors, services
from inventory.models import FabricInspection, Lot, PurchaseOrder, StockMove
from tests.audit_trail import moves_of
from tests.factories import MembershipFactory, OrganizationFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def order(factory, supplier, fabric, offer, manager):
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "100", "need_date": TODAY}],
        by=manager,
    )
    return services.purchase_order_send(order=order, by=manager)


@pytest.fixture
def other_supplier(factory):
    org = OrganizationFactory(kind=OrgKind.SUPPLIER, code="s-other")
    PartnershipFactory(factory=factory, partner=org)
    user = UserFactory(username="other-sales")
    MembershipFactory(user=user, organization=org, role=Role.SUPPLIER_SALES)
    return org


def test_a_purchase_order_takes_the_catalogue_price(order):
    assert order.lines.get().unit_price == Decimal("20.0000")


def test_a_purchase_order_to_a_supplier_that_is_not_a_partner_is_refused(factory, fabric, manager):
    stranger = OrganizationFactory(kind=OrgKind.SUPPLIER, code="s-stranger")
    with pytest.raises(DomainError) as error:
        services.purchase_order_create(
            factory=factory,
            supplier=stranger,
            lines=[{"material": fabric, "quantity": "10", "need_date": TODAY}],
            by=manager,
        )
    assert error.value.code == "not_a_partner"
    assert PurchaseOrder.objects.count() == 0


def test_the_supplier_confirms_quantities_and_ship_dates(order, supplier, supplier_user):
    line = order.lines.get()
    services.purchase_order_confirm(
        order=order,
        organization=supplier,
        lines=[{"line": line.pk, "quantity": "95", "ship_date": "2030-01-15"}],
        by=supplier_user,
    )
    line.refresh_from_db()
    order.refresh_from_db()
    assert (order.status, line.confirmed_quantity, line.confirmed_ship_date) == (
        "confirmed",
        Decimal("95"),
        dt.date(2030, 1, 15),
    )


def test_a_supplier_confirming_another_suppliers_order_is_refused(order, other_supplier):
    line = order.lines.get()
    with pytest.raises(NotAllowed) as error:
        services.purchase_order_confirm(
            order=order,
            organization=other_supplier,
            lines=[{"line": line.pk, "quantity": "1", "ship_date": "2030-01-15"}],
            by=None,
        )
    assert error.value.code == "not_your_purchase_order"
    line.refresh_from_db()
    assert (line.confirmed_quantity, PurchaseOrder.objects.get().status) == (None, "sent")


def test_confirming_only_some_lines_is_refused(factory, supplier, fabric, offer, manager):
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[
            {"material": fabric, "quantity": "10", "need_date": TODAY},
            {"material": fabric, "quantity": "20", "need_date": TODAY},
        ],
        by=manager,
    )
    services.purchase_order_send(order=order, by=manager)
    first = order.lines.first()
    with pytest.raises(DomainError):
        services.purchase_order_confirm(
            order=order,
            organization=supplier,
            lines=[{"line": first.pk, "quantity": "10", "ship_date": "2030-01-01"}],
            by=manager,
        )
    assert order.lines.filter(confirmed_quantity__isnull=False).count() == 0


def test_receiving_within_tolerance_closes_the_line(order, bin_a, clerk):
    line = order.lines.get()
    services.purchase_line_receive(
        line=line, bin=bin_a, lots=[{"code": "R1", "quantity": "104", "dye_lot": "D1"}], by=clerk
    )
    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.received_quantity, line.is_closed, order.status) == (
        Decimal("104"),
        True,
        "received",
    )


def test_receiving_beyond_tolerance_is_refused_and_writes_nothing(order, bin_a, clerk):
    line = order.lines.get()
    with pytest.raises(DomainError) as error:
        services.purchase_line_receive(
            line=line,
            bin=bin_a,
            lots=[
                {"code": "R1", "quantity": "60", "dye_lot": "D1"},
                {"code": "R2", "quantity": "45.5", "dye_lot": "D1"},
            ],
            by=clerk,
        )
    assert error.value.code == "beyond_tolerance"
    line.refresh_from_db()
    assert (line.received_quantity, Lot.objects.count(), StockMove.objects.count()) == (0, 0, 0)


def test_an_under_delivery_outside_tolerance_leaves_the_line_open(order, bin_a, clerk):
    line = order.lines.get()
    services.purchase_line_receive(
        line=line, bin=bin_a, lots=[{"code": "R1", "quantity": "90", "dye_lot": "D1"}], by=clerk
    )
    line.refresh_from_db()
    assert (line.is_closed, PurchaseOrder.objects.get().status) == (False, "partial")


def test_fabric_rolls_need_a_dye_lot(order, bin_a, clerk):
    with pytest.raises(DomainError):
        services.purchase_line_receive(
            line=order.lines.get(), bin=bin_a, lots=[{"code": "R1", "quantity": "50"}], by=clerk
        )
    assert Lot.objects.count() == 0


def test_received_fabric_waits_for_inspection(order, bin_a, clerk):
    (lot,) = services.purchase_line_receive(
        line=order.lines.get(),
        bin=bin_a,
        lots=[{"code": "R1", "quantity": "100", "dye_lot": "D1"}],
        by=clerk,
    )
    assert lot.inspection == "pending"


def test_four_point_score_per_hundred_square_yards():
    # 100 yards of 60-inch fabric is 166.7 square yards; 20 points → 12 per 100 square yards.
    score = services.purchasing.four_point_score(
        points=20, inspected_metres=Decimal("91.44"), width_cm=Decimal("152.4")
    )
    assert score == Decimal("12.00")


@pytest.fixture
def received_roll(order, bin_a, clerk):
    (lot,) = services.purchase_line_receive(
        line=order.lines.get(),
        bin=bin_a,
        lots=[{"code": "R1", "quantity": "100", "dye_lot": "D1"}],
        by=clerk,
    )
    return lot


def test_a_roll_within_the_limit_passes(received_roll, clerk):
    inspection = services.fabric_inspection_record(
        lot=received_roll, inspected_metres="91.44", width_cm="152.4", defects={"4": 5}, by=clerk
    )
    received_roll.refresh_from_db()
    assert (inspection.points, inspection.result, received_roll.inspection) == (
        20,
        "passed",
        "passed",
    )


def test_a_roll_over_the_limit_fails(received_roll, clerk):
    inspection = services.fabric_inspection_record(
        lot=received_roll, inspected_metres="91.44", width_cm="152.4", defects={"4": 17}, by=clerk
    )
    received_roll.refresh_from_db()
    assert (inspection.points_per_100_sq_yd, inspection.result, received_roll.inspection) == (
        Decimal("40.80"),
        "failed",
        "failed",
    )


def test_an_inspection_with_a_negative_defect_count_writes_nothing(received_roll, clerk):
    with pytest.raises(DomainError):
        services.fabric_inspection_record(
            lot=received_roll, inspected_metres="50", width_cm="150", defects={"1": -1}, by=clerk
        )
    received_roll.refresh_from_db()
    assert (FabricInspection.objects.count(), received_roll.inspection) == (0, "pending")


def test_supplier_on_time_and_quality_rates(order, bin_a, clerk, factory, supplier):
    line = order.lines.get()
    (lot,) = services.purchase_line_receive(
        line=line, bin=bin_a, lots=[{"code": "R1", "quantity": "100", "dye_lot": "D1"}], by=clerk
    )
    services.fabric_inspection_record(
        lot=lot, inspected_metres="91.44", width_cm="152.4", defects={"4": 30}, by=clerk
    )
    (row,) = selectors.supplier_performance(factory)
    assert (row.supplier_id, row.on_time_rate, row.quality_rate) == (
        supplier.pk,
        Decimal("100.0"),
        Decimal("0.0"),
    )


def test_each_purchase_order_move_is_audited(order, bin_a, clerk, manager):
    services.purchase_line_receive(
        line=order.lines.get(),
        bin=bin_a,
        lots=[{"code": "R1", "quantity": "50", "dye_lot": "D1"}],
        by=clerk,
    )
    services.purchase_line_receive(
        line=order.lines.get(),
        bin=bin_a,
        lots=[{"code": "R2", "quantity": "50", "dye_lot": "D1"}],
        by=clerk,
    )

    assert moves_of(order) == [("draft", "sent"), ("sent", "partial"), ("partial", "received")]


def test_a_purchase_order_with_receipts_is_not_cancelled(order, bin_a, clerk, manager):
    services.purchase_line_receive(
        line=order.lines.get(),
        bin=bin_a,
        lots=[{"code": "R1", "quantity": "50", "dye_lot": "D1"}],
        by=clerk,
    )

    with pytest.raises(NotAllowed) as error:
        services.purchase_order_cancel(order=order, by=manager)

    assert error.value.code == "invalid_transition"
    assert PurchaseOrder.objects.get(pk=order.pk).status == "partial"
    assert moves_of(order) == [("draft", "sent"), ("sent", "partial")]


def test_a_sent_purchase_order_is_not_sent_again(order, manager):
    with pytest.raises(NotAllowed) as error:
        services.purchase_order_send(order=order, by=manager)

    assert error.value.code == "invalid_transition"
    assert moves_of(order) == [("draft", "sent")]
