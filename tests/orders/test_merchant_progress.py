"""The merchant's view of an order's production, composed from production's figures of its
work orders: finished pieces per size × colour never above what was ordered, no internals."""

import datetime as dt

import pytest

from orders.selectors import merchant_progress
from tests.factories import OrderFactory, OrderLineFactory, OrderShipmentFactory

pytestmark = pytest.mark.django_db


def work_order(cells, *, cut, due):
    return {
        "cut": cut,
        "due_date": due,
        "cells": [{"size": s, "colour": c, "finished": n} for s, c, n in cells],
    }


@pytest.fixture
def order():
    order = OrderFactory(total_quantity=60, shipped_quantity=15, promised_date=None)
    OrderLineFactory(order=order, size="M", colour="Black", quantity=40)
    OrderLineFactory(order=order, size="L", colour="Black", quantity=20)
    OrderShipmentFactory(order=order, quantity=15, tracking_no="SF9")
    return order


def test_finished_pieces_are_summed_over_work_orders_and_capped_at_the_order(order):
    progress = merchant_progress(
        order,
        work_orders=[
            work_order([("M", "Black", 30), ("L", "Black", 22)], cut=52, due=dt.date(2026, 5, 2)),
            work_order([("M", "Black", 5)], cut=10, due=dt.date(2026, 5, 1)),
        ],
    )

    assert progress["matrix"] == [
        {"colour": "Black", "cells": [{"ordered": 40, "done": 35}, {"ordered": 20, "done": 20}]}
    ]
    assert (progress["finished"], progress["percent_finished"], progress["cut"]) == (55, 92, 62)
    assert (progress["shipped"], progress["percent_shipped"]) == (15, 25)
    assert progress["shipments"][0]["tracking_number"] == "SF9"
    # Without a promise the earliest work order's due date is the expected ship date.
    assert progress["expected_ship_date"] == dt.date(2026, 5, 1)


def test_before_conversion_nothing_is_cut_or_finished(order):
    progress = merchant_progress(order, work_orders=[])

    assert (progress["cut"], progress["finished"], progress["percent_finished"]) == (0, 0, 0)
    assert progress["expected_ship_date"] == order.requested_date
    assert "operations" not in progress


def test_sizes_follow_the_size_run_and_colours_the_order():
    # Given an order whose lines were entered Red before Black, XL and S before M
    order = OrderFactory(total_quantity=60, promised_date=None)
    order.version.sizes, order.version.colours = ["S", "M", "L", "XL"], ["Black", "Red"]
    order.version.save(update_fields=["sizes", "colours"])
    for colour, size in [("Red", "XL"), ("Red", "S"), ("Black", "M"), ("Black", "S")]:
        OrderLineFactory(order=order, size=size, colour=colour, quantity=15)

    # When the merchant's view is drawn
    progress = merchant_progress(order, work_orders=[])

    # Then sizes run S, M, XL (the size run, not A–Z) and colours as the order lists them
    assert progress["sizes"] == ["S", "M", "XL"]
    assert [row["colour"] for row in progress["matrix"]] == ["Red", "Black"]
    assert [c["ordered"] for c in progress["matrix"][0]["cells"]] == [15, 0, 15]


@pytest.mark.parametrize("status", ["draft", "placed", "rejected", "cancelled"])
def test_no_promise_date_is_shown_before_the_factory_accepts(status):
    order = OrderFactory(status=status, promised_date=dt.date(2026, 5, 9))
    OrderLineFactory(order=order, size="M", colour="Black", quantity=40)

    progress = merchant_progress(order, work_orders=[])

    assert (progress["promised_date"], progress["expected_ship_date"]) == (None, None)


def test_the_promise_date_is_shown_once_accepted():
    order = OrderFactory(status="accepted", promised_date=dt.date(2026, 5, 9))
    OrderLineFactory(order=order, size="M", colour="Black", quantity=40)

    progress = merchant_progress(order, work_orders=[])

    assert progress["promised_date"] == progress["expected_ship_date"] == dt.date(2026, 5, 9)
