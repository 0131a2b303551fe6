"""A merchant sees no promise date before the factory accepts the order, on the order page, the
order list and the tracking page; sizes and colours are drawn in the order's order (issue 14)."""

import re

import pytest
from django.test import Client
from django.utils import formats, translation

from orders.services import order_accept

pytestmark = pytest.mark.django_db


def shown(day) -> str:
    """A date as an English page draws it."""
    with translation.override("en"):
        return formats.date_format(day)


def page(user, url) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_placed_order_shows_the_merchant_no_promise_date(place_order, buyer, planner):
    # Given a placed order, for which production estimated a date at placing
    order = place_order()
    assert order.promised_date is not None
    promised = shown(order.promised_date)

    # When the merchant opens its pages
    detail = page(buyer, f"/orders/{order.pk}/")
    tracking = page(buyer, "/dashboards/tracking/")

    # Then no promise date is shown, only that it comes with the acceptance
    assert promised not in detail and promised not in tracking
    assert "when the factory accepts the order" in detail
    assert "ship date given when the factory accepts the order" in tracking
    # while the factory sees its estimate
    assert promised in page(planner, f"/orders/{order.pk}/")


def test_an_accepted_order_shows_the_merchant_its_promise_date(
    place_order, buyer, planner, factory
):
    order = order_accept(order=place_order(), by=planner, acting=factory.organization)
    promised = shown(order.promised_date)

    detail = page(buyer, f"/orders/{order.pk}/")
    tracking = page(buyer, "/dashboards/tracking/")

    assert promised in detail and promised in tracking
    assert "when the factory accepts the order" not in detail


def test_the_order_page_draws_colours_as_the_order_lists_them(place_order, buyer, planner, factory):
    # Given an order entered Red before Black, L before S (the size run is S, M, L, XL)
    order = order_accept(
        order=place_order({("Red", "L"): 60, ("Black", "M"): 30, ("Black", "S"): 20}),
        by=planner,
        acting=factory.organization,
    )

    html = page(buyer, f"/orders/{order.pk}/")
    tracking = page(buyer, "/dashboards/tracking/")

    # Then both pages head the columns S, M, L and list Red first
    for text in (html, tracking):
        table = text[text.index("<table") :]
        heads = re.findall(r"<th>([^<]+)</th>", table[: table.index("</thead>")])
        rows = re.findall(r"<tr><th>([^<]+)</th>", table[table.index("<tbody>") :])
        assert heads[-3:] == ["S", "M", "L"]
        assert rows[:2] == ["Red", "Black"]
