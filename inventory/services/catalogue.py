"""Writes of the catalogue: the factory's materials and what its suppliers offer of them.

The set-up pages and the API call the same services. Each write is one transaction, recorded
in the audit log (django-auditlog sees every save; nothing here bulk-writes past it), and a
refusal names the field that is wrong and writes nothing."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError
from core.models import Organization
from core.roles import OrgKind
from factories.models import Partnership
from factories.services import partnership_invite, require_partner
from inventory.models import Material, SupplierItem
from inventory.services.ledger import same_factory

# What a person (a page, an API body, an import row) may set on a material; the moving-average
# cost is the ledger's.
MATERIAL_FIELDS = (
    "code",
    "name",
    "kind",
    "trim_type",
    "unit",
    "colour",
    "composition",
    "width_cm",
    "weight_gsm",
    "shrinkage_pct",
    "style_code",
    "size",
    "is_active",
)
# `article_no` is the supplier's own number for the material (the model's `supplier_code`; the
# services' `supplier_code` is the supplier organization's code, as in purchase orders).
OFFER_FIELDS = ("article_no", "unit_price", "minimum_quantity", "lead_time_days", "is_preferred")
# The nullable measures: an empty cell or field means "not known", not zero.
_NULLABLE = ("width_cm", "weight_gsm", "shrinkage_pct")


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
def supplier_invite(*, factory, code: str, by) -> Partnership:
    """Add a supplier on the platform to the factory's list, by its organization code: it is
    invited (factories' partnership) and, once it accepts, offers materials and confirms
    purchase orders in its portal."""
    code = (code or "").strip()
    organization = Organization.objects.filter(code=code, is_active=True).first()
    if organization is None or organization.kind != OrgKind.SUPPLIER:
        raise DomainError(
            _("No supplier has this code."), errors={"code": [_("Unknown supplier.")]}
        )
    try:
        return partnership_invite(factory=factory, partner_code=code, by=by)
    except DomainError as error:
        raise type(error)(error.message, errors={"code": [error.message]}) from error


def _unknown_fields(fields: dict, allowed) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise DomainError(
            _("These fields cannot be set: %(fields)s") % {"fields": ", ".join(unknown)},
            errors={name: [_("Cannot be set.")] for name in unknown},
        )


def _material_checked(material: Material, *, exclude_pk: int | None = None) -> None:
    """Refuse a material whose fields the model would not store, or whose code is taken."""
    for name in _NULLABLE:
        if getattr(material, name) in ("", None):
            setattr(material, name, None)
    for name in ("code", "name", "colour", "composition", "style_code", "size"):
        value = getattr(material, name)
        setattr(material, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, list] = {}
    try:
        material.full_clean(exclude=["factory", "average_cost"], validate_constraints=False)
    except ValidationError as error:
        errors = {key: list(messages) for key, messages in error.message_dict.items()}
    for name in ("width_cm", "shrinkage_pct"):
        value = getattr(material, name)
        if name not in errors and isinstance(value, Decimal) and value <= 0:
            errors[name] = [_("Give a number above zero, or leave it empty.")]
    if material.trim_type and material.kind != Material.Kind.TRIM and "trim_type" not in errors:
        errors["trim_type"] = [_("Only a trim has a trim type.")]
    if "code" not in errors:
        taken = Material.objects.filter(factory_id=material.factory_id, code=material.code)
        if taken.exclude(pk=exclude_pk).exists():
            errors["code"] = [_("Another material has this code.")]
    if errors:
        raise DomainError(_("The material could not be saved: see the fields."), errors=errors)


@transaction.atomic
def material_create(*, factory, by, **fields) -> Material:
    """A new material of the factory. `fields`: any of MATERIAL_FIELDS (code, name, kind and
    unit are required)."""
    _unknown_fields(fields, MATERIAL_FIELDS)
    material = Material(factory=factory, **fields)
    _material_checked(material)
    material.save()
    return material


@transaction.atomic
def material_update(*, material: Material, by, **changes) -> Material:
    """Change a material's description. Its code stays: BOM lines and material requirements
    name the material by it."""
    _unknown_fields(changes, MATERIAL_FIELDS)
    material = Material.objects.select_for_update().get(pk=material.pk)
    if "code" in changes and (changes["code"] or "").strip() != material.code:
        raise DomainError(
            _("The code names this material on BOMs and requirements; it cannot change."),
            errors={"code": [_("The code cannot change.")]},
        )
    for name, value in changes.items():
        setattr(material, name, value)
    _material_checked(material, exclude_pk=material.pk)
    material.save()
    return material


def _offer_set(item: SupplierItem, fields: dict) -> None:
    for name, value in fields.items():
        setattr(item, "supplier_code" if name == "article_no" else name, value)
    item.supplier_code = (item.supplier_code or "").strip()


def _offer_checked(item: SupplierItem) -> None:
    errors: dict[str, list] = {}
    try:
        item.full_clean(exclude=["factory", "material", "supplier"], validate_constraints=False)
    except ValidationError as error:
        errors = {
            "article_no" if key == "supplier_code" else key: list(messages)
            for key, messages in error.message_dict.items()
        }
    for name in ("unit_price", "minimum_quantity"):
        value = getattr(item, name)
        if name not in errors and isinstance(value, Decimal) and value < 0:
            errors[name] = [_("Zero or more.")]
    if errors:
        raise DomainError(_("The offer could not be saved: see the fields."), errors=errors)


@transaction.atomic
def supplier_item_create(
    *, factory, material: Material, supplier_code: str, by, **offer
) -> SupplierItem:
    """A supplier's offer of a material: price, minimum order quantity, lead time. The supplier
    must be an accepted partner of the factory."""
    _unknown_fields(offer, OFFER_FIELDS)
    same_factory(factory.pk, material)
    supplier = supplier_by_code(factory=factory, code=supplier_code)
    item = SupplierItem(factory=factory, material=material, supplier=supplier)
    _offer_set(item, offer)
    _offer_checked(item)
    if SupplierItem.objects.filter(factory=factory, material=material, supplier=supplier).exists():
        raise Conflict(
            _("This supplier already offers this material; edit that entry."),
            code="duplicate",
            errors={"material": [_("This supplier already offers this material.")]},
        )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # the same offer, saved at the same moment by someone else
        raise Conflict(
            _("This supplier already offers this material; edit that entry."), code="duplicate"
        )
    return item


@transaction.atomic
def supplier_item_update(*, item: SupplierItem, by, **changes) -> SupplierItem:
    """Change an offer's price and terms. Who offers what stays: a new supplier or material is
    a new offer."""
    changes.pop("supplier_code", None)
    _unknown_fields(changes, OFFER_FIELDS)
    item = SupplierItem.objects.select_for_update().get(pk=item.pk)
    _offer_set(item, changes)
    _offer_checked(item)
    item.save()
    return item


@transaction.atomic
def supplier_item_remove(*, item: SupplierItem, by) -> None:
    """Withdraw an offer. Purchase orders already placed keep their own prices."""
    SupplierItem.objects.filter(pk=item.pk).delete()
