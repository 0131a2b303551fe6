"""Field shapes shared by the inventory models."""

from decimal import Decimal

from django.db import models

ZERO = Decimal("0")


def quantity_field(verbose_name, **kwargs) -> models.DecimalField:
    """Metres, kilograms, pieces, cones: three decimals cover every unit we stock."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=3, **kwargs)


def unit_cost_field(verbose_name, **kwargs) -> models.DecimalField:
    """Yuan per unit. Four decimals: a button costs fractions of a fen, and moving averages
    would drift if rounded to the fen on every receipt. Totals are shown at two decimals."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=4, **kwargs)
