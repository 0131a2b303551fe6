"""Shared field helpers of payroll's models."""

from decimal import Decimal

from django.db import models

MONEY = {"max_digits": 12, "decimal_places": 2, "default": Decimal("0.00")}


def money_field(label):
    return models.DecimalField(label, **MONEY)
