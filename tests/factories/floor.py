"""factory_boy factories; `fb` is factory_boy, since `factory` is a field name here."""

import datetime
from decimal import Decimal

import factory as fb

from core.roles import OrgKind
from factories.models import (
    CalendarDay,
    District,
    Factory,
    LineDayPlan,
    Partnership,
    SewingLine,
    Shift,
    Station,
    Worker,
    WorkerSkill,
)
from tests.factories.core import OrganizationFactory

__all__ = [
    "DistrictFactory",
    "FactoryFactory",
    "PartnershipFactory",
    "SewingLineFactory",
    "StationFactory",
    "WorkerFactory",
    "ShiftFactory",
    "WorkerSkillFactory",
    "CalendarDayFactory",
    "LineDayPlanFactory",
]


class DistrictFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = District

    organization = fb.SubFactory(OrganizationFactory, kind=OrgKind.DISTRICT)


class FactoryFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Factory

    organization = fb.SubFactory(OrganizationFactory, kind=OrgKind.FACTORY)
    minimum_order_quantity = 50
    categories = fb.LazyFunction(lambda: ["woven"])


class PartnershipFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    factory = fb.SubFactory(FactoryFactory)
    partner = fb.SubFactory(OrganizationFactory, kind=OrgKind.MERCHANT)
    status = Partnership.Status.ACCEPTED


class SewingLineFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = SewingLine

    factory = fb.SubFactory(FactoryFactory)
    code = fb.Sequence(lambda n: f"L{n}")
    name = fb.Sequence(lambda n: f"Line {n}")
    planned_headcount = 20


class StationFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Station

    line = fb.SubFactory(SewingLineFactory)
    factory = fb.SelfAttribute("line.factory")
    code = fb.Sequence(lambda n: f"S{n:03d}")
    position = fb.Sequence(lambda n: n)


class WorkerFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Worker

    line = fb.SubFactory(SewingLineFactory)
    factory = fb.SelfAttribute("line.factory")
    employee_no = fb.Sequence(lambda n: f"E{n:05d}")
    badge_id = fb.Sequence(lambda n: f"B{n:06d}")
    name = fb.Sequence(lambda n: f"Worker {n}")


class ShiftFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Shift

    factory = fb.SubFactory(FactoryFactory)
    code = fb.Sequence(lambda n: f"SH{n}")
    name = fb.Sequence(lambda n: f"Shift {n}")
    starts_at = datetime.time(8, 0)
    ends_at = datetime.time(17, 0)
    break_minutes = 60
    is_default = True


class WorkerSkillFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = WorkerSkill

    worker = fb.SubFactory(WorkerFactory)
    factory = fb.SelfAttribute("worker.factory")
    machine_type = "lockstitch"
    grade = 3
    efficiency = Decimal("0.90")


class CalendarDayFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay

    factory = fb.SubFactory(FactoryFactory)
    date = fb.Sequence(lambda n: datetime.date(2026, 10, 1) + datetime.timedelta(days=n))
    kind = CalendarDay.Kind.HOLIDAY


class LineDayPlanFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = LineDayPlan

    line = fb.SubFactory(SewingLineFactory)
    factory = fb.SelfAttribute("line.factory")
    date = fb.Sequence(lambda n: datetime.date(2026, 3, 2) + datetime.timedelta(days=n))
    headcount = 18
