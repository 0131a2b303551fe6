"""Document numbers of orders/ (orders, quotations): per factory, in sequence."""

from django.db import models

from factories.models import Factory


def next_number(model: type[models.Model], *, factory: Factory, prefix: str, digits: int) -> str:
    """The next free `<prefix><n>` of `model` in `factory`. It locks the factory's row first
    (inside the caller's transaction), so two concurrent writers never take the same number."""
    Factory.objects.select_for_update(no_key=True).filter(pk=factory.pk).first()
    count = model.objects.filter(factory=factory).count()
    number = f"{prefix}{count + 1:0{digits}d}"
    while model.objects.filter(factory=factory, number=number).exists():
        count += 1
        number = f"{prefix}{count + 1:0{digits}d}"
    return number
