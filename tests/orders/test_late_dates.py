"""An order's delivery date that has gone, or that is sooner than the factory can promise, is
warned (issue 14). "Today" is the factory's clock."""

import datetime as dt

import pytest
from django.test import Client

from factories.clock import factory_today
from production import selectors as production_selectors
from tests.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("status", "days_ago", "late"),
    [
        ("accepted", 3, 3),
        ("in_production", 1, 1),
        ("accepted", 0, 0),  # due today: not late yet
        ("accepted", -5, 0),  # due in five days
        ("delivered", 3, 0),  # shipped and delivered: nothing to warn
        ("cancelled", 3, 0),
    ],
)
def test_an_order_page_warns_a_delivery_date_that_has_gone(
    factory, merchant, version, buyer, status, days_ago, late
):
    due = factory_today(factory) - dt.timedelta(days=days_ago)
    order = OrderFactory(
        factory=factory,
        merchant=merchant,
        version=version,
        status=status,
        requested_date=due,
        promised_date=None,
    )
    OrderLineFactory(order=order, size="M", colour="Black", quantity=100)

    html = client_of(buyer).get(f"/orders/{order.pk}/").content.decode()

    if late:
        assert f'data-late="{late}"' in html
        assert f"The delivery date passed {late} day" in html
    else:
        assert "data-late" not in html and "The delivery date passed" not in html


def grid(version, factory, requested_date):
    return {
        "version": version.pk,
        "q-Black-S": "60",
        "q-Black-M": "60",
        "requested_date": requested_date.isoformat(),
        "unit_price": "30.00",
        "ship_to": "Changsha",
    }


def test_a_delivery_date_sooner_than_the_factory_can_promise_is_warned(factory, version, buyer):
    earliest = production_selectors.capable_to_promise(
        factory=factory, version=version, quantity=factory.minimum_order_quantity
    ).date
    asked = max(factory_today(factory) + dt.timedelta(days=1), earliest - dt.timedelta(days=5))
    sooner = (earliest - asked).days

    response = client_of(buyer).post("/orders/new/", grid(version, factory, asked), follow=True)

    html = response.content.decode()
    assert sooner > 0
    assert response.redirect_chain[-1][1] == 302
    assert (
        f"The delivery date is {sooner} day{'s' if sooner > 1 else ''} sooner than the factory "
        f"can promise now ({earliest.isoformat()})" in html
    )


def test_a_delivery_date_the_factory_can_promise_is_not_warned(factory, version, buyer):
    earliest = production_selectors.capable_to_promise(
        factory=factory, version=version, quantity=factory.minimum_order_quantity
    ).date

    response = client_of(buyer).post(
        "/orders/new/", grid(version, factory, earliest + dt.timedelta(days=3)), follow=True
    )

    assert response.redirect_chain[-1][1] == 302
    assert "sooner than the factory can promise" not in response.content.decode()
