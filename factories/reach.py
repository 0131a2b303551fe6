"""Which factories an organization reaches under row-level security (core.rls)."""

from core.roles import OrgKind
from factories.models import Factory, Partnership


def reach_of(org) -> list[int]:
    """The factories whose rows row-level security lets `org` reach (core.rls): a factory
    itself; a merchant or supplier the factories it is an accepted partner of; a district the
    factories of the district that share their figures with it. The ORM narrows further."""
    if org.kind == OrgKind.FACTORY:
        return [org.pk]
    if org.kind in (OrgKind.MERCHANT, OrgKind.SUPPLIER):
        return list(
            Partnership.objects.filter(
                partner_id=org.pk, status=Partnership.Status.ACCEPTED
            ).values_list("factory_id", flat=True)
        )
    if org.kind == OrgKind.DISTRICT:
        return list(
            Factory.objects.filter(district_id=org.pk, shares_with_district=True).values_list(
                "pk", flat=True
            )
        )
    return []
