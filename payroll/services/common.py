"""Helpers shared by payroll's services."""

from django.utils.translation import gettext as _

from core.errors import DomainError
from factories.models import Factory


def invalid(field: str, message) -> DomainError:
    return DomainError(message, errors={field: [message]})


def require_same_factory(factory: Factory, **objects) -> None:
    for name, obj in objects.items():
        if obj is not None and obj.factory_id != factory.pk:
            raise invalid(name, _("This belongs to another factory."))
