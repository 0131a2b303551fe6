import datetime as dt
from decimal import Decimal

import factory as fb
from django.utils import timezone

from dashboards.models import (
    FactoryDay,
    LineDay,
    MachineHour,
    OutputHour,
    ProfileLink,
    ProfileLinkView,
    SyntheticHistory,
)
from factories.clock import factory_today
from tests.factories.core import UserFactory
from tests.factories.floor import FactoryFactory

__all__ = [
    "OutputHourFactory",
    "LineDayFactory",
    "MachineHourFactory",
    "FactoryDayFactory",
    "ProfileLinkFactory",
    "ProfileLinkViewFactory",
]


class OutputHourFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = OutputHour

    factory = fb.SubFactory(FactoryFactory)
    hour = fb.LazyFunction(lambda: timezone.now().replace(minute=0, second=0, microsecond=0))
    good = 100
    defective = 2
    finished = 10
    earned_minutes = Decimal("120.00")


class MachineHourFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = MachineHour

    factory = fb.SubFactory(FactoryFactory)
    hour = fb.LazyFunction(lambda: timezone.now().replace(minute=0, second=0, microsecond=0))
    device_id = fb.Sequence(lambda n: n + 1)
    running_seconds = 2400
    idle_seconds = 900
    stopped_seconds = 300
    arrivals = 30
    departures = 26
    pieces = 120


class LineDayFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = LineDay

    factory = fb.SubFactory(FactoryFactory)
    day = fb.LazyAttribute(lambda o: factory_today(o.factory))
    finished = 100
    good = 1000
    defective = 10
    inspected = 100
    passed = 97
    defects = 4


class FactoryDayFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = FactoryDay

    factory = fb.SubFactory(FactoryFactory)
    day = fb.LazyAttribute(lambda o: factory_today(o.factory))
    finished = 500
    good = 5000
    defective = 50
    earned_minutes = Decimal("6000.00")
    available_minutes = Decimal("9600.00")
    operators = 20
    employees = 25
    wages = Decimal("2100.00")
    wage_days = 20
    inspected = 500
    passed = 490
    defects = 12
    orders_received = 2
    pieces_ordered = 600
    orders_delivered = 1
    orders_delivered_on_time = 1
    pieces_shipped = 300


class ProfileLinkFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = ProfileLink

    factory = fb.SubFactory(FactoryFactory)
    token = fb.LazyFunction(ProfileLink.new_token)
    recipient = "Bank of Zhuzhou"
    expires_at = fb.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    created_by = fb.SubFactory(UserFactory)


class ProfileLinkViewFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = ProfileLinkView

    link = fb.SubFactory(ProfileLinkFactory)
    factory = fb.SelfAttribute("link.factory")
    shown = fb.LazyFunction(dict)


class SyntheticHistoryFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = SyntheticHistory

    factory = fb.SubFactory(FactoryFactory)
    first_day = dt.date(2025, 12, 1)
    last_day = dt.date(2026, 11, 30)


__all__ += ["SyntheticHistoryFactory"]
