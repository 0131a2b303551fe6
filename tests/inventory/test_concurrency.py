"""No negative stock under concurrency: row locks on PostgreSQL, real threads."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from core import rls
from core.errors import DomainError
from inventory import services
from inventory.models import Lot, StockBalance, StockMove
from tests.inventory.conftest import receive

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def issue_concurrently(lot_id, bin, work_orders, clerk) -> list:
    """Each thread issues the whole roll to its own work order at the same moment."""
    barrier = threading.Barrier(len(work_orders))
    outcomes = []

    def clerk_issues(work_order):
        try:
            barrier.wait(timeout=10)
            # A new thread has no row-level-security scope: act for the factory, as its
            # clerk's request would.
            with rls.scope(rls.for_factory(work_order.factory_id)):
                _issue(work_order)
            outcomes.append("issued")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    def _issue(work_order):
        services.stock_issue(
            lot=Lot.objects.get(pk=lot_id),
            bin=bin,
            quantity="60",
            work_order=work_order,
            by=clerk,
        )

    threads = [threading.Thread(target=clerk_issues, args=(wo,)) for wo in work_orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_two_clerks_issuing_the_last_roll_one_succeeds(
    factory, supplier, fabric, bin_a, work_order, other_work_order, clerk
):
    assert connection.vendor == "postgresql"
    _order, rolls = receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[(f"R{n}", "60", "D1") for n in range(5)],
        by=clerk,
    )
    for roll in rolls:  # five rounds: five chances for a race to slip through
        outcomes = issue_concurrently(roll.pk, bin_a, [work_order, other_work_order], clerk)
        assert outcomes == ["insufficient_stock", "issued"]
        assert StockBalance.objects.get(lot=roll).quantity == Decimal("0")
        assert StockMove.objects.filter(lot=roll, kind="issue").count() == 1
