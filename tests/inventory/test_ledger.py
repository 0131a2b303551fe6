"""The stock ledger: immutable moves, derived balances, reservations, no negative stock."""

from decimal import Decimal

import pytest

from core.errors import Conflict, DomainError
from inventory import selectors, services
from inventory.models import Reservation, StockBalance, StockMove
from tests.factories import MaterialFactory
from tests.inventory.conftest import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def roll(factory, supplier, fabric, bin_a, clerk):
    _order, (lot,) = receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "100", "D1")],
        by=clerk,
    )
    return lot


def on_hand(lot, bin):
    balance = StockBalance.objects.filter(lot=lot, bin=bin).first()
    return balance.quantity if balance else Decimal("0")


def test_receipt_posts_a_move_and_the_balance_follows(roll, bin_a):
    move = StockMove.objects.get(lot=roll)
    assert (move.kind, move.quantity, move.to_bin, move.from_bin) == (
        "receipt",
        Decimal("100.000"),
        bin_a,
        None,
    )
    assert on_hand(roll, bin_a) == Decimal("100")


def test_issue_to_a_work_order_reduces_on_hand(roll, bin_a, work_order, clerk):
    move = services.stock_issue(lot=roll, bin=bin_a, quantity="30", work_order=work_order, by=clerk)
    assert (move.kind, move.quantity, move.work_order) == ("issue", Decimal("30"), work_order)
    assert on_hand(roll, bin_a) == Decimal("70")


def test_issuing_more_than_on_hand_is_refused_and_writes_nothing(roll, bin_a, work_order, clerk):
    moves = StockMove.objects.count()
    with pytest.raises(DomainError) as error:
        services.stock_issue(lot=roll, bin=bin_a, quantity="100.5", work_order=work_order, by=clerk)
    assert error.value.code == "insufficient_stock"
    assert StockMove.objects.count() == moves
    assert on_hand(roll, bin_a) == Decimal("100")


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "NaN"])
def test_issue_of_a_non_positive_quantity_is_refused(roll, bin_a, work_order, clerk, quantity):
    with pytest.raises(DomainError):
        services.stock_issue(
            lot=roll, bin=bin_a, quantity=quantity, work_order=work_order, by=clerk
        )
    assert on_hand(roll, bin_a) == Decimal("100")


def test_issuing_a_lot_reserved_for_another_order_is_refused(
    roll, bin_a, work_order, other_work_order, clerk
):
    services.reservation_create(lot=roll, work_order=other_work_order, quantity="80", by=clerk)
    moves = StockMove.objects.count()
    with pytest.raises(DomainError) as error:
        services.stock_issue(lot=roll, bin=bin_a, quantity="30", work_order=work_order, by=clerk)
    assert error.value.code == "reserved_for_another_order"
    assert StockMove.objects.count() == moves
    assert on_hand(roll, bin_a) == Decimal("100")


def test_issuing_the_free_part_of_a_reserved_lot_is_allowed(
    roll, bin_a, work_order, other_work_order, clerk
):
    services.reservation_create(lot=roll, work_order=other_work_order, quantity="80", by=clerk)
    services.stock_issue(lot=roll, bin=bin_a, quantity="20", work_order=work_order, by=clerk)
    assert on_hand(roll, bin_a) == Decimal("80")


def test_issuing_to_the_reserving_order_consumes_its_reservation(roll, bin_a, work_order, clerk):
    reservation = services.reservation_create(
        lot=roll, work_order=work_order, quantity="60", by=clerk
    )
    services.stock_issue(lot=roll, bin=bin_a, quantity="100", work_order=work_order, by=clerk)
    reservation.refresh_from_db()
    assert (reservation.status, reservation.issued_quantity) == ("consumed", Decimal("60"))


def test_reserving_more_than_available_is_refused(roll, work_order, other_work_order, clerk):
    services.reservation_create(lot=roll, work_order=other_work_order, quantity="70", by=clerk)
    with pytest.raises(DomainError):
        services.reservation_create(lot=roll, work_order=work_order, quantity="31", by=clerk)
    assert Reservation.objects.count() == 1


def test_an_uninspected_roll_cannot_be_issued(factory, supplier, fabric, bin_a, work_order, clerk):
    _order, (lot,) = receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R9", "50", "D1")],
        by=clerk,
        inspect=False,
    )
    with pytest.raises(DomainError) as error:
        services.stock_issue(lot=lot, bin=bin_a, quantity="5", work_order=work_order, by=clerk)
    assert error.value.code == "lot_not_released"
    assert on_hand(lot, bin_a) == Decimal("50")


def test_return_from_the_floor_is_limited_to_what_was_issued(roll, bin_a, work_order, clerk):
    services.stock_issue(lot=roll, bin=bin_a, quantity="30", work_order=work_order, by=clerk)
    services.stock_return(lot=roll, bin=bin_a, quantity="10", work_order=work_order, by=clerk)
    with pytest.raises(DomainError) as error:
        services.stock_return(lot=roll, bin=bin_a, quantity="21", work_order=work_order, by=clerk)
    assert error.value.code == "return_exceeds_issue"
    assert on_hand(roll, bin_a) == Decimal("80")


def test_transfer_moves_stock_between_bins(roll, bin_a, bin_b, clerk):
    services.stock_transfer(lot=roll, from_bin=bin_a, to_bin=bin_b, quantity="40", by=clerk)
    assert (on_hand(roll, bin_a), on_hand(roll, bin_b)) == (Decimal("60"), Decimal("40"))


def test_nothing_moves_out_of_a_bin_being_counted(roll, bin_a, bin_b, factory, clerk):
    services.cycle_count_start(factory=factory, barcode="BIN:A-01", by=clerk)
    with pytest.raises(Conflict) as error:
        services.stock_transfer(lot=roll, from_bin=bin_a, to_bin=bin_b, quantity="1", by=clerk)
    assert error.value.code == "bin_locked"
    assert on_hand(roll, bin_a) == Decimal("100")


def test_balances_agree_with_the_sum_of_moves(roll, bin_a, bin_b, work_order, clerk, factory):
    services.stock_transfer(lot=roll, from_bin=bin_a, to_bin=bin_b, quantity="40", by=clerk)
    services.stock_issue(lot=roll, bin=bin_b, quantity="15", work_order=work_order, by=clerk)
    services.stock_return(lot=roll, bin=bin_a, quantity="5", work_order=work_order, by=clerk)
    assert selectors.stock_balances_verify(factory) == []


def test_available_is_on_hand_minus_reserved(roll, work_order, factory, clerk, fabric):
    services.reservation_create(lot=roll, work_order=work_order, quantity="25", by=clerk)
    (row,) = [r for r in selectors.stock_by_material(factory) if r.material == fabric]
    assert (row.on_hand, row.reserved, row.available) == (
        Decimal("100"),
        Decimal("25"),
        Decimal("75"),
    )


def test_moving_average_cost_absorbs_each_receipt(factory, supplier, fabric, bin_a, clerk):
    receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "100", "D1")],
        by=clerk,
        price="20",
    )
    receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R2", "300", "D2")],
        by=clerk,
        price="24",
    )
    fabric.refresh_from_db()
    assert fabric.average_cost == Decimal("23.0000")


def test_issues_are_valued_at_the_moving_average(roll, bin_a, work_order, clerk):
    move = services.stock_issue(lot=roll, bin=bin_a, quantity="10", work_order=work_order, by=clerk)
    assert move.unit_cost == Decimal("20.0000")


def test_stock_value_report_sums_on_hand_at_average_cost(roll, factory, fabric, clerk):
    button = MaterialFactory(factory=factory, code="BTN", kind="trim", unit="pcs")
    report = selectors.stock_value_report(factory)
    assert report["total"] == Decimal("2000.00")
    assert [row.material for row in report["rows"]] == [fabric]
    assert button not in [row.material for row in report["rows"]]


def test_dye_lot_reservation_prefers_one_dye_lot_that_covers_the_need(
    factory, supplier, fabric, bin_a, work_order, clerk
):
    receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[
            ("R1", "50", "D1"),
            ("R2", "50", "D1"),
            ("R3", "60", "D2"),
            ("R4", "60", "D2"),
            ("R5", "200", "D3"),
        ],
        by=clerk,
    )
    result = services.material_reserve(
        work_order=work_order, material=fabric, quantity="110", by=clerk
    )
    assert result.dye_lots == ["D2"]
    assert result.short == Decimal("0")
    assert sum(r.quantity for r in result.reservations) == Decimal("110")


def test_dye_lot_reservation_uses_the_fewest_dye_lots_when_none_suffices(
    factory, supplier, fabric, bin_a, work_order, clerk
):
    receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "50", "D1"), ("R2", "80", "D2"), ("R3", "30", "D3")],
        by=clerk,
    )
    result = services.material_reserve(
        work_order=work_order, material=fabric, quantity="150", by=clerk
    )
    assert result.dye_lots == ["D1", "D2", "D3"]
    assert [r.lot.code for r in result.reservations] == ["R2", "R1", "R3"]
    assert result.short == Decimal("0")


def test_dye_lot_reservation_reports_what_is_short(
    factory, supplier, fabric, bin_a, work_order, clerk
):
    receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "50", "D1")],
        by=clerk,
    )
    result = services.material_reserve(
        work_order=work_order, material=fabric, quantity="80", by=clerk
    )
    assert result.short == Decimal("30")


def test_finished_goods_receipt_and_shipment(factory, work_order, clerk):
    services.finished_goods_receive(
        work_order=work_order, colour="Black", size="M", quantity=40, by=clerk
    )
    moves = services.finished_goods_ship(
        factory=factory,
        style_code="ST-100",
        colour="Black",
        size="M",
        quantity=25,
        reference="SHIP-1",
        by=clerk,
    )
    assert [(m.kind, m.quantity) for m in moves] == [("shipment", Decimal("25"))]
    assert StockBalance.objects.get(material__code="ST-100-Black-M").quantity == Decimal("15")


def test_shipping_more_finished_goods_than_in_stock_writes_nothing(factory, work_order, clerk):
    services.finished_goods_receive(
        work_order=work_order, colour="Black", size="M", quantity=10, by=clerk
    )
    moves = StockMove.objects.count()
    with pytest.raises(DomainError):
        services.finished_goods_ship(
            factory=factory,
            style_code="ST-100",
            colour="Black",
            size="M",
            quantity=11,
            reference="SHIP-1",
            by=clerk,
        )
    assert StockMove.objects.count() == moves
    assert StockBalance.objects.get(material__code="ST-100-Black-M").quantity == Decimal("10")


def test_dye_lot_reservation_keeps_to_the_colour_asked_for(
    factory, supplier, fabric, bin_a, work_order, clerk
):
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "200", "need_date": "2030-01-01"}],
        by=clerk,
    )
    services.purchase_order_send(order=order, by=clerk)
    lots = services.purchase_line_receive(
        line=order.lines.get(),
        bin=bin_a,
        lots=[
            {"code": "W1", "quantity": "100", "dye_lot": "D1", "colour": "White"},
            {"code": "B1", "quantity": "100", "dye_lot": "D2", "colour": "Blue"},
        ],
        by=clerk,
    )
    for lot in lots:
        services.fabric_inspection_record(
            lot=lot, inspected_metres="10", width_cm="145", defects={}, by=clerk
        )
    result = services.material_reserve(
        work_order=work_order, material=fabric, quantity="60", colour="Blue", by=clerk
    )
    assert [(r.lot.code, r.quantity) for r in result.reservations] == [("B1", Decimal("60"))]
