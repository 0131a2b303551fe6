"""Capable-to-promise from booked SAM and capacity, and the promised date of a placed order."""

from decimal import Decimal

from factories.calendar import working_days_after
from factories.clock import factory_today
from orders.services import order_place
from production.selectors import capable_to_promise
from tests.factories import OrderFactory, SewingLineFactory


def test_the_promise_is_the_load_at_daily_capacity_plus_the_buffer(factory, version):
    SewingLineFactory(factory=factory, planned_headcount=10, efficiency=Decimal("0.75"))

    promise = capable_to_promise(factory=factory, version=version, quantity=1500)

    # 3 operations × 0.8 min × 1,500 pieces = 3,600 min = one day of 10 × 480 × 0.75
    assert promise.daily_capacity_minutes == 3600
    assert promise.order_minutes == 3600
    assert promise.working_days == 1 + 7
    today = factory_today(factory)
    assert promise.date == working_days_after(factory, today, 8)


def test_booked_orders_push_the_promise_later(factory, version, merchant):
    SewingLineFactory(factory=factory, planned_headcount=10, efficiency=Decimal("0.75"))
    OrderFactory(version=version, merchant=merchant, status="accepted", total_quantity=3000)

    promise = capable_to_promise(factory=factory, version=version, quantity=1500)

    assert promise.booked_minutes == 7200
    assert promise.working_days == 3 + 7


def test_placing_an_order_stores_the_promise_made_before_it_counted_as_booked(
    factory, version, merchant, buyer
):
    SewingLineFactory(factory=factory, planned_headcount=10, efficiency=Decimal("0.75"))
    draft = OrderFactory(version=version, merchant=merchant, status="draft", total_quantity=1500)
    expected = capable_to_promise(factory=factory, version=version, quantity=1500).date

    placed = order_place(order=draft, by=buyer, acting=merchant)

    draft.refresh_from_db()
    assert placed.promised_date == expected
    assert draft.promised_date == expected


def _other_merchant(factory):
    from core.roles import OrgKind
    from tests.factories import OrganizationFactory, PartnershipFactory

    other = OrganizationFactory(kind=OrgKind.MERCHANT, code="m2", name="Merchant Two")
    PartnershipFactory(factory=factory, partner=other)
    return other


def test_an_unaccepted_huge_order_of_one_merchant_does_not_move_another_merchants_promise(
    factory, version, merchant
):
    # given merchant B's promise today, and merchant A's placed but unaccepted order of 10**9
    SewingLineFactory(factory=factory, planned_headcount=10, efficiency=Decimal("0.75"))
    other = _other_merchant(factory)
    before = capable_to_promise(factory=factory, version=version, quantity=1500)
    OrderFactory(version=version, merchant=other, status="placed", total_quantity=10**9)

    # when merchant B asks again
    after = capable_to_promise(factory=factory, version=version, quantity=1500)

    # then the placed order books nothing and the date is the same
    assert after.booked_minutes == 0
    assert after.date == before.date


def test_an_accepted_order_of_another_merchant_consumes_capacity(factory, version, merchant):
    SewingLineFactory(factory=factory, planned_headcount=10, efficiency=Decimal("0.75"))
    other = _other_merchant(factory)
    before = capable_to_promise(factory=factory, version=version, quantity=1500)
    OrderFactory(version=version, merchant=other, status="accepted", total_quantity=3000)

    after = capable_to_promise(factory=factory, version=version, quantity=1500)

    assert after.booked_minutes == 7200
    assert after.date > before.date
