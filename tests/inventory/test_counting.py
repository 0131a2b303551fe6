"""Cycle counting: scan a bin, count, variance → adjustment, approval above the threshold."""

from decimal import Decimal

import pytest

from core.errors import Conflict, DomainError, NotAllowed
from inventory import selectors, services
from inventory.models import CycleCount, StockBalance, StockMove
from tests.inventory.conftest import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolls(factory, supplier, fabric, bin_a, clerk):
    _order, lots = receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "100", "D1"), ("R2", "50", "D1")],
        by=clerk,
        price="20",
    )
    return lots


def test_starting_a_count_snapshots_the_bin(rolls, factory, clerk):
    count = services.cycle_count_start(factory=factory, barcode="BIN:A-01", by=clerk)
    assert sorted((line.lot.code, line.expected_quantity) for line in count.lines.all()) == [
        ("R1", Decimal("100")),
        ("R2", Decimal("50")),
    ]


def test_an_unknown_barcode_is_refused(rolls, factory, clerk):
    with pytest.raises(DomainError) as error:
        services.cycle_count_start(factory=factory, barcode="BIN:NOPE", by=clerk)
    assert error.value.code == "unknown_barcode"
    assert CycleCount.objects.count() == 0


def test_counting_a_locked_bin_is_refused(rolls, factory, clerk):
    services.cycle_count_start(factory=factory, barcode="BIN:A-01", by=clerk)
    with pytest.raises(Conflict) as error:
        services.cycle_count_start(factory=factory, barcode="A-01", by=clerk)
    assert error.value.code == "bin_locked"
    assert CycleCount.objects.count() == 1


def test_a_small_variance_posts_an_adjustment_at_once(rolls, factory, clerk):
    count = services.cycle_count_start(factory=factory, barcode="BIN:A-01", by=clerk)
    services.cycle_count_record(
        count=count,
        entries=[{"lot": "LOT:R1", "quantity": "98"}, {"lot": "R2", "quantity": "50"}],
        by=clerk,
    )
    count = services.cycle_count_submit(count=count, by=clerk)
    adjustment = StockMove.objects.get(kind="adjustment")
    assert (count.status, count.variance_value) == ("posted", Decimal("40.00"))
    assert (adjustment.lot.code, adjustment.quantity, adjustment.from_bin.code) == (
        "R1",
        Decimal("2"),
        "A-01",
    )
    assert StockBalance.objects.get(lot__code="R1").quantity == Decimal("98")
    assert selectors.stock_balances_verify(factory) == []


def test_a_large_variance_waits_for_approval(rolls, factory, clerk, manager):
    count = services.cycle_count_start(factory=factory, barcode="BIN:A-01", by=clerk)
    services.cycle_count_record(
        count=count,
        entries=[{"lot": "R1", "quantity": "80"}, {"lot": "R2", "quantity": "0"}],
        by=clerk,
    )
    count = services.cycle_count_submit(count=count, by=clerk)
    assert (count.status, StockMove.objects.filter(kind="adjustment").count()) == ("pending", 0)
    services.cycle_count_approve(count=count, by=manager)
    assert dict(StockBalance.objects.values_list("lot__code", "quantity")) == {
        "R1": Decimal("80"),
        "R2": Decimal("0"),
    }


def test_a_rejected_count_adjusts_nothing_and_unlocks_the_bin(rolls, factory, clerk, manager):
    count = services.cycle_count_start(factory=factory, barcode="BIN:A-01", by=clerk)
    services.cycle_count_record(
        count=count,
        entries=[{"lot": "R1", "quantity": "1"}, {"lot": "R2", "quantity": "50"}],
        by=clerk,
    )
    services.cycle_count_submit(count=count, by=clerk)
    services.cycle_count_reject(count=CycleCount.objects.get(), by=manager)
    assert StockMove.objects.filter(kind="adjustment").count() == 0
    assert services.cycle_count_start(factory=factory, barcode="A-01", by=clerk).status == "open"


def test_stock_found_in_the_bin_that_the_ledger_did_not_expect(rolls, factory, clerk, bin_b):
    services.stock_transfer(
        lot=rolls[1], from_bin=rolls[1].balances.get().bin, to_bin=bin_b, quantity="50", by=clerk
    )
    count = services.cycle_count_start(factory=factory, barcode="BIN:A-01", by=clerk)
    services.cycle_count_record(
        count=count,
        entries=[{"lot": "R1", "quantity": "100"}, {"lot": "R2", "quantity": "5"}],
        by=clerk,
    )
    services.cycle_count_submit(count=count, by=clerk)
    assert StockBalance.objects.get(lot__code="R2", bin__code="A-01").quantity == Decimal("5")


def test_counting_an_unknown_lot_writes_nothing(rolls, factory, clerk):
    count = services.cycle_count_start(factory=factory, barcode="BIN:A-01", by=clerk)
    with pytest.raises(DomainError) as error:
        services.cycle_count_record(
            count=count,
            entries=[{"lot": "R1", "quantity": "3"}, {"lot": "LOT:GHOST", "quantity": "1"}],
            by=clerk,
        )
    assert error.value.code == "unknown_barcode"
    assert count.lines.filter(counted_quantity__isnull=False).count() == 0


def test_a_posted_count_cannot_be_recounted(rolls, factory, clerk):
    count = services.cycle_count_start(factory=factory, barcode="BIN:A-01", by=clerk)
    services.cycle_count_record(
        count=count,
        entries=[{"lot": "R1", "quantity": "100"}, {"lot": "R2", "quantity": "50"}],
        by=clerk,
    )
    services.cycle_count_submit(count=count, by=clerk)
    with pytest.raises(NotAllowed):
        services.cycle_count_record(count=count, entries=[{"lot": "R1", "quantity": "1"}], by=clerk)


def test_submitting_with_a_lot_left_uncounted_is_refused(rolls, factory, clerk):
    count = services.cycle_count_start(factory=factory, barcode="BIN:A-01", by=clerk)
    services.cycle_count_record(count=count, entries=[{"lot": "R1", "quantity": "99"}], by=clerk)
    with pytest.raises(DomainError) as error:
        services.cycle_count_submit(count=count, by=clerk)
    count.refresh_from_db()
    assert (
        error.value.code,
        count.status,
        StockMove.objects.filter(kind="adjustment").count(),
    ) == (
        "count_incomplete",
        "open",
        0,
    )
