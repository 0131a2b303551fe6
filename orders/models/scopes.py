"""How merchants reach a factory's catalogue: through an accepted partnership."""

from django.db.models import Q

from core.roles import OrgKind
from core.tenancy import NOTHING
from factories.models import Partnership


def partner_factory_ids(org):
    return Partnership.objects.filter(partner=org, status=Partnership.Status.ACCEPTED).values(
        "factory_id"
    )


def merchant_or_factory(org, *, merchant: str = "merchant", factory: str = "factory_id") -> Q:
    """Rows that carry both a merchant and a factory: each sees its own side."""
    if org.kind == OrgKind.FACTORY:
        return Q(**{factory: org.pk})
    if org.kind == OrgKind.MERCHANT:
        return Q(**{merchant: org})
    return NOTHING
