"""Capable-to-promise from booked SAM and capacity; factory matching with reasons."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from factories import calendar
from factories.clock import factory_today
from orders.selectors import capable_to_promise, factory_matches
from tests.factories import (
    FactoryFactory,
    OrderFactory,
    PartnershipFactory,
    SewingLineFactory,
)


def test_the_promise_is_the_load_at_daily_capacity_plus_the_buffer(factory, version):
    SewingLineFactory(factory=factory, planned_headcount=10, efficiency=Decimal("0.75"))

    promise = capable_to_promise(factory=factory, version=version, quantity=1500)

    # 3 operations × 0.8 min × 1,500 pieces = 3,600 min = one day of 10 × 480 × 0.75
    assert promise.daily_capacity_minutes == 3600
    assert promise.order_minutes == 3600
    assert promise.working_days == 1 + 7
    assert promise.date == calendar.working_days_after(factory, factory_today(factory), 8)


def test_booked_orders_push_the_promise_later(factory, version, merchant):
    SewingLineFactory(factory=factory, planned_headcount=10, efficiency=Decimal("0.75"))
    OrderFactory(version=version, merchant=merchant, status="accepted", total_quantity=3000)

    promise = capable_to_promise(factory=factory, version=version, quantity=1500)

    assert promise.booked_minutes == 7200
    assert promise.working_days == 3 + 7


def test_matching_ranks_partner_factories_and_says_why(merchant, factory, version):
    other = FactoryFactory(categories=["denim"], minimum_order_quantity=500)
    PartnershipFactory(factory=other, partner=merchant)
    stranger = FactoryFactory(categories=["woven"])

    matches = factory_matches(
        merchant=merchant,
        category="woven",
        sizes=["S", "M"],
        quantity=300,
        requested_date=timezone.localdate() + dt.timedelta(days=120),
    )

    assert [m.factory for m in matches] == [factory, other]
    assert stranger not in [m.factory for m in matches]
    assert matches[0].reasons[:3] == [
        "makes this category",
        "has made this size range",
        "minimum order 50 met",
    ]
    assert "minimum order is 500" in matches[1].reasons
