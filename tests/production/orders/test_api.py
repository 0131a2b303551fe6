"""Production's endpoints at orders' routes: conversion, progress, re-orders and sell-through,
capable-to-promise and factory matching, as a shop's integration and the factory use them."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from core.services import api_token_create
from orders.models import Order
from orders.services import order_accept
from production.models import WorkOrder
from tests.factories import DailySaleFactory, SewingLineFactory


@pytest.fixture
def merchant_api(api, merchant, buyer):
    _token, key = api_token_create(organization=merchant, name="shop", scope="write", by=buyer)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


@pytest.fixture
def factory_api(factory, planner):
    client = APIClient()
    client.force_login(planner)
    return client


def test_a_merchant_reads_the_progress_of_its_order(merchant_api, place_order):
    order = place_order()

    progress = merchant_api.get(f"/api/v1/orders/{order.pk}/progress/")

    assert progress.status_code == 200
    body = progress.json()
    # The merchant's view (orders.selectors.merchant_progress): no operations, lines or people.
    assert set(body) == {
        "id", "number", "factory", "style", "status", "status_display", "ordered", "cut",
        "finished", "shipped", "percent_finished", "percent_shipped", "requested_date",
        "promised_date", "expected_ship_date", "sizes", "matrix", "shipments",
    }  # fmt: skip
    assert {k: body[k] for k in ("status", "ordered", "cut", "finished", "shipped")} == {
        "status": "placed",
        "ordered": 100,
        "cut": 0,
        "finished": 0,
        "shipped": 0,
    }
    # Placed, not yet accepted: the factory has promised nothing yet.
    assert (body["promised_date"], body["expected_ship_date"]) == (None, None)
    assert body["sizes"] == ["S", "M", "L"]
    assert body["shipments"] == []


def test_the_promise_date_shows_once_the_factory_accepts(
    merchant_api, place_order, planner, factory
):
    order = order_accept(order=place_order(), by=planner, acting=factory.organization)

    body = merchant_api.get(f"/api/v1/orders/{order.pk}/progress/").json()

    assert body["promised_date"] == order.promised_date.isoformat()
    assert body["expected_ship_date"] == order.promised_date.isoformat()


def test_the_factory_accepts_and_converts_through_the_api(factory_api, place_order):
    order = place_order()

    accepted = factory_api.post(f"/api/v1/orders/{order.pk}/accept/")
    converted = factory_api.post(f"/api/v1/orders/{order.pk}/convert/")
    again = factory_api.post(f"/api/v1/orders/{order.pk}/convert/")

    assert accepted.json()["status"] == "accepted"
    assert converted.status_code == 201
    assert converted.json()["report"]["cut"] == 103
    assert again.status_code == 200
    assert again.json()["work_order"] == converted.json()["work_order"]


def test_sales_give_sell_through_and_a_reorder_suggestion(
    merchant_api, merchant, place_order, planner, factory, version
):
    order = order_accept(order=place_order(), by=planner, acting=factory.organization)
    Order.objects.filter(pk=order.pk).update(status="delivered")
    today = dt.date.today()
    for days_ago in range(14):
        DailySaleFactory(
            style=version.style,
            merchant=merchant,
            date=today - dt.timedelta(days=days_ago),
            colour="Black",
            size="S",
            quantity_sold=2,
            stock_on_hand=2,
        )

    figures = merchant_api.get(f"/api/v1/daily-sales/sell-through/?style={version.style.pk}")
    black_s = next(r for r in figures.json()["rows"] if (r["colour"], r["size"]) == ("Black", "S"))

    assert black_s["received"] == 30
    assert black_s["sold"] == 28
    assert black_s["sell_through_pct"] == 93
    lead = figures.json()["lead_days"]
    assert black_s["suggested"] == 2 * (lead + 21) - 2

    reorder = merchant_api.post(f"/api/v1/orders/{order.pk}/reorder/", {}, format="json")
    assert reorder.status_code == 201
    assert reorder.json()["reorder_of"] == order.pk
    assert {(c["colour"], c["size"], c["quantity"]) for c in reorder.json()["lines"]} >= {
        ("Black", "S", black_s["suggested"])
    }


def test_the_merchant_cannot_convert_through_the_api(merchant_api, accepted_order):
    response = merchant_api.post(f"/api/v1/orders/{accepted_order.pk}/convert/")

    assert response.status_code == 403
    assert WorkOrder.objects.count() == 0


def test_capable_to_promise_answers_at_the_orders_route(merchant_api, factory, version):
    SewingLineFactory(factory=factory, planned_headcount=10)

    response = merchant_api.get(
        f"/api/v1/orders/capable-to-promise/?version={version.pk}&quantity=300"
    )

    body = response.json()
    assert response.status_code == 200
    assert body["order_minutes"] == 720  # 3 operations × 0.8 min × 300 pieces
    assert body["method"] == "finite-capacity-plan"
    assert dt.date.fromisoformat(body["date"]) > dt.date.today()


def test_capable_to_promise_without_a_tech_pack_is_a_400(merchant_api):
    response = merchant_api.get("/api/v1/orders/capable-to-promise/?version=0")

    assert response.status_code == 400
    assert response.json()["errors"] == {"version": ["Unknown."]}


def test_capable_to_promise_for_more_than_the_quantity_limit_is_a_400(merchant_api, version):
    response = merchant_api.get(
        f"/api/v1/orders/capable-to-promise/?version={version.pk}&quantity={10**9}"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "out_of_range"
    assert response.json()["errors"] == {
        "quantity": ["A quantity is a whole number from 0 to 1,000,000."]
    }


def test_factory_matches_rank_the_merchants_partners(merchant_api, factory):
    response = merchant_api.get("/api/v1/orders/factory-matches/?quantity=300&category=woven")

    (match,) = response.json()
    assert response.status_code == 200
    assert match["factory"] == factory.pk
    assert match["reasons"][:2] == ["makes this category", "minimum order 50 met"]
