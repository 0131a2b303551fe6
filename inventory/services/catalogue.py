"""Writes of the catalogue: what suppliers offer the factory."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError
from core.models import Organization
from core.roles import OrgKind
from factories.services import require_partner
from inventory.models import Material, SupplierItem
from inventory.services.ledger import same_factory


def supplier_by_code(*, factory, code: str) -> Organization:
    """An accepted supplier partner of the factory, by its organization code."""
    supplier = Organization.objects.filter(
        code=(code or "").strip(), kind=OrgKind.SUPPLIER, is_active=True
    ).first()
    if supplier is None:
        raise DomainError(
            _("No supplier has this code."), errors={"supplier_code": [_("Unknown supplier.")]}
        )
    require_partner(factory_id=factory.pk, organization=supplier)
    return supplier


@transaction.atomic
def supplier_item_create(
    *, factory, material: Material, supplier_code: str, by, **offer
) -> SupplierItem:
    same_factory(factory.pk, material)
    supplier = supplier_by_code(factory=factory, code=supplier_code)
    try:
        with transaction.atomic():
            return SupplierItem.objects.create(
                factory=factory, material=material, supplier=supplier, **offer
            )
    except IntegrityError:
        raise Conflict(
            _("This supplier already offers this material; edit that entry."), code="duplicate"
        )
