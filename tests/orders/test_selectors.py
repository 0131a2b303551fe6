"""Factory matching with reasons; the earliest date comes from the caller (production)."""

import datetime as dt

from django.utils import timezone

from orders.selectors import factory_matches
from tests.factories import FactoryFactory, PartnershipFactory


def test_matching_ranks_partner_factories_and_says_why(merchant, factory, version):
    other = FactoryFactory(categories=["denim"], minimum_order_quantity=500)
    PartnershipFactory(factory=other, partner=merchant)
    stranger = FactoryFactory(categories=["woven"])
    soon = timezone.localdate() + dt.timedelta(days=30)

    matches = factory_matches(
        merchant=merchant,
        earliest_date_at=lambda candidate: soon,
        category="woven",
        sizes=["S", "M"],
        quantity=300,
        requested_date=timezone.localdate() + dt.timedelta(days=120),
    )

    assert [m.factory for m in matches] == [factory, other]
    assert stranger not in [m.factory for m in matches]
    assert matches[0].reasons[:4] == [
        "makes this category",
        "has made this size range",
        "minimum order 50 met",
        f"free capacity before the date ({soon})",
    ]
    assert "minimum order is 500" in matches[1].reasons


def test_a_late_earliest_date_is_a_reason_and_scores_nothing(merchant, factory):
    late = timezone.localdate() + dt.timedelta(days=90)

    (match,) = factory_matches(
        merchant=merchant,
        earliest_date_at=lambda candidate: late,
        requested_date=timezone.localdate() + dt.timedelta(days=10),
    )

    assert match.earliest_date == late
    assert match.score == 0
    assert match.reasons == [f"earliest date {late} is late"]
