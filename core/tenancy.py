"""The one place tenant scoping happens.

Every model that belongs to a tenant uses `TenantQuerySet` and says, in `scope_for(org)`, how an
acting organization reaches its rows. `visible_to(None)` is empty: scoping fails closed.
"""

from django.db import models
from django.db.models import Q

NOTHING = Q(pk__in=[])


class TenantQuerySet(models.QuerySet):
    def visible_to(self, org):
        """Rows the acting organization may see; none without an acting organization."""
        if org is None or getattr(org, "pk", None) is None:
            return self.none()
        return self.filter(self.model.scope_for(org))


class TenantModel(models.Model):
    """Base for every model whose rows belong to an organization."""

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_for(cls, org) -> Q:  # pragma: no cover - every concrete model overrides it
        raise NotImplementedError(f"{cls.__name__} must say how an organization reaches it")
