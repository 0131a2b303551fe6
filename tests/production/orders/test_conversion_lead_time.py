"""The conversion lead time per order: from the order's acceptance to the moment conversion has
written its cut plan, bundles and tickets (WorkOrder.converted_at), and its average."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from orders.services import order_accept
from production.models import WorkOrder
from production.selectors import conversion_lead_times
from production.services import order_convert, orders_convert

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int, second: int = 0, day: int = 2):
    return time_machine.travel(
        dt.datetime(2026, 3, day, hour, minute, second, tzinfo=UTC), tick=False
    )


def test_lead_time_runs_from_acceptance_to_the_cut_plan_and_bundles(factory, place_order, planner):
    # Given two orders accepted at 01:00 and 01:10 UTC
    with at(0, 50):
        first, second = place_order(), place_order()
    with at(1, 0):
        order_accept(order=first, by=planner, acting=factory.organization)
    with at(1, 10):
        order_accept(order=second, by=planner, acting=factory.organization)
    # When the first is converted 6 minutes after its acceptance, the second 2 minutes after
    with at(1, 6):
        order_convert(order=first, by=planner)
    with at(1, 12):
        order_convert(order=second, by=planner)
    # Then
    figures = conversion_lead_times(
        factory,
        dt.datetime(2026, 3, 2, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
    )
    assert [(row["order"], row["seconds"]) for row in figures["rows"]] == [
        (second.number, 120.0),
        (first.number, 360.0),
    ]
    assert (figures["count"], figures["average_seconds"]) == (2, 240.0)


def test_the_bundles_exist_when_the_work_order_is_ready(factory, place_order, planner):
    with at(1, 0):
        order = order_accept(order=place_order(), by=planner, acting=factory.organization)
        result = order_convert(order=order, by=planner)
    work_order = WorkOrder.objects.get(pk=result.work_order_id)
    assert work_order.converted_at == dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert work_order.bundles.count() > 0 and work_order.cut_plans.count() == 1


def test_converting_again_keeps_the_first_ready_time(factory, place_order, planner):
    with at(1, 0):
        order = order_accept(order=place_order(), by=planner, acting=factory.organization)
        orders_convert(orders=[order], by=planner)
    with at(3, 0):
        orders_convert(orders=[order], by=planner)
    assert WorkOrder.objects.get().converted_at == dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_the_window_is_half_open(factory, place_order, planner):
    with at(1, 0):
        order = order_accept(order=place_order(), by=planner, acting=factory.organization)
    with at(1, 5):
        order_convert(order=order, by=planner)
    ready = dt.datetime(2026, 3, 2, 1, 5, tzinfo=UTC)
    assert conversion_lead_times(factory, ready - dt.timedelta(hours=1), ready)["count"] == 0
    assert conversion_lead_times(factory, ready, ready + dt.timedelta(hours=1))["count"] == 1
    assert (
        conversion_lead_times(factory, ready, ready + dt.timedelta(hours=1))["rows"][0]["seconds"]
        == 300.0
    )
