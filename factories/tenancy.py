"""The base of every factory-owned table: a non-null `factory` foreign key and its scope."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import OrgKind
from core.tenancy import NOTHING, TenantModel


class FactoryOwned(TenantModel):
    """A row that belongs to one factory. The factory's staff see it; nobody else does.

    Factory's primary key is its organization's, so `factory_id` is the acting organization's
    id and scoping needs no join.
    """

    factory = models.ForeignKey(
        "factories.Factory",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("factory"),
        db_index=True,
    )

    class Meta:
        abstract = True

    @classmethod
    def scope_for(cls, org) -> Q:
        if org.kind == OrgKind.FACTORY:
            return Q(factory_id=org.pk)
        return NOTHING
