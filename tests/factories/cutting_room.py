"""factory_boy factories of the cutting room's records (spread rolls, re-cuts, lay events) and
of the carton → bundle links. A spread roll's stock move comes from the ledger's services."""

import datetime as dt
from decimal import Decimal

import factory as fb

from production.models import CartonBundle, LayEvent, Recut, SpreadRoll
from tests.factories.production import BundleFactory, LayFactory

__all__ = ["CartonBundleFactory", "LayEventFactory", "RecutFactory", "SpreadRollFactory"]


class SpreadRollFactory(fb.django.DjangoModelFactory):
    """Pass `lot` and `stock_move` (an issue posted by inventory's `stock_issue`)."""

    class Meta:
        model = SpreadRoll

    lay = fb.SubFactory(LayFactory)
    factory = fb.SelfAttribute("lay.factory")
    sequence = fb.Sequence(lambda n: n + 1)
    plies = 10
    length_m = Decimal("26.00")
    end_bits_m = Decimal("0.40")
    shade_group = "A"


class RecutFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Recut

    bundle = fb.SubFactory(BundleFactory)
    lay = fb.SelfAttribute("bundle.lay")
    factory = fb.SelfAttribute("bundle.factory")
    pieces = 1
    reason = "Hole in the front panel"


class LayEventFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = LayEvent

    lay = fb.SubFactory(LayFactory)
    factory = fb.SelfAttribute("lay.factory")
    kind = "cutter.end"
    device_code = "cutter-1"
    time = fb.LazyFunction(lambda: dt.datetime.now(dt.UTC))
    plies = 10
    metres = Decimal("26.00")
    external_id = fb.Sequence(lambda n: f"device:0:{n}")


class CartonBundleFactory(fb.django.DjangoModelFactory):
    """Pass `carton` and `bundle` of the same work order."""

    class Meta:
        model = CartonBundle

    factory = fb.SelfAttribute("carton.factory")
    quantity = 10
