"""factory_boy factories; `fb` is factory_boy, since `factory` is a field name here."""

import factory as fb

from core.roles import OrgKind
from factories.models import District, Factory, Partnership, SewingLine, Station, Worker
from tests.factories.core import OrganizationFactory

__all__ = [
    "DistrictFactory",
    "FactoryFactory",
    "PartnershipFactory",
    "SewingLineFactory",
    "StationFactory",
    "WorkerFactory",
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
