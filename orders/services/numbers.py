"""Document numbers of orders/ (orders, quotations): per factory, in sequence (core.numbers)."""

from django.db import models

from core.numbers import number_next
from factories.models import Factory


def next_number(model: type[models.Model], *, factory: Factory, prefix: str, digits: int) -> str:
    """The next free `<prefix><n>` of `model` in `factory`."""
    return number_next(
        organization_id=factory.pk,
        prefix=prefix,
        digits=digits,
        taken=lambda number: model.objects.filter(factory=factory, number=number).exists(),
    )
