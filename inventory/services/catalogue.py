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
    material = Material.objects.select_for_update(no_key=True).get(pk=material.pk)
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
    item = SupplierItem.objects.select_for_update(no_key=True).get(pk=item.pk)
    _offer_set(item, changes)
    _offer_checked(item)
    item.save()
    return item


@transaction.atomic
def supplier_item_remove(*, item: SupplierItem, by) -> None:
    """Withdraw an offer. Purchase orders already placed keep their own prices."""
    SupplierItem.objects.filter(pk=item.pk).delete()


# --- imports: all rows or none (the sheets are inventory.sheets, read by core.sheet_lists) ----
def _row_errors(index: int, error: DomainError) -> dict:
    """A refusal of one row, keyed `rows[i].field` so the sheet kit points at the cells."""
    if not error.errors:
        return {f"rows[{index}]": [error.message]}
    return {f"rows[{index}].{key}": texts for key, texts in error.errors.items()}


def _nothing_imported(errors: dict) -> DomainError:
    return DomainError(_("Nothing was imported: fix these rows."), errors=errors)


@transaction.atomic
def materials_import(*, factory, rows: list[dict], by) -> tuple[int, int]:
    """Materials from a sheet: a row whose code exists updates that material (a column the
    sheet leaves out keeps its value), any other row adds one. All rows or none; returns
    (added, updated)."""
    existing = {
        material.code: material
        for material in Material.objects.select_for_update(no_key=True).filter(factory=factory)
    }
    errors: dict = {}
    pending: list[Material] = []
    for index, row in enumerate(rows):
        try:
            _unknown_fields(row, MATERIAL_FIELDS)
            material = existing.get((row.get("code") or "").strip())
            if material is None:
                material = Material(factory=factory, **row)
                _material_checked(material)
            else:
                for name, value in row.items():
                    setattr(material, name, value)
                _material_checked(material, exclude_pk=material.pk)
        except DomainError as error:
            errors.update(_row_errors(index, error))
            continue
        pending.append(material)
    if errors:
        raise _nothing_imported(errors)
    added = sum(1 for material in pending if material.pk is None)
    for material in pending:
        material.save()
    return added, len(pending) - added


@transaction.atomic
def suppliers_import(*, factory, rows: list[dict], by) -> int:
    """The supplier list from a sheet: each code not yet on the factory's list is invited; a
    supplier already on it (in any state) is left as it is, so an exported list imports back
    unchanged. The other columns are for reading. All rows or none; returns how many were
    invited."""
    on_list = set(
        Partnership.objects.filter(factory=factory).values_list("partner__code", flat=True)
    )
    errors: dict = {}
    invite: list[str] = []
    for index, row in enumerate(rows):
        code = (row.get("code") or "").strip()
        known = Organization.objects.filter(
            code=code, kind=OrgKind.SUPPLIER, is_active=True
        ).exists()
        if not known:
            errors[f"rows[{index}].code"] = [_("No supplier has this code.")]
        elif code not in on_list:
            invite.append(code)
    if errors:
        raise _nothing_imported(errors)
    for code in invite:
        partnership_invite(factory=factory, partner_code=code, by=by)
    return len(invite)


@transaction.atomic
def supplier_items_import(*, factory, rows: list[dict], by) -> tuple[int, int]:
    """Supplier offers from a sheet, by supplier code and material code: an offer that exists
    is updated, any other added. The supplier must be an accepted partner and the material the
    factory's. All rows or none; returns (added, updated)."""
    suppliers = {
        org.code: org
        for org in Organization.objects.filter(
            kind=OrgKind.SUPPLIER,
            partnerships__factory=factory,
            partnerships__status=Partnership.Status.ACCEPTED,
        )
    }
    materials = {m.code: m for m in Material.objects.filter(factory=factory)}
    existing = {
        (item.supplier_id, item.material_id): item
        for item in SupplierItem.objects.select_for_update(no_key=True).filter(factory=factory)
    }
    errors: dict = {}
    pending: dict[tuple[int, int], SupplierItem] = {}
    for index, row in enumerate(rows):
        fields = dict(row)
        supplier = suppliers.get((fields.pop("supplier_code", "") or "").strip())
        material = materials.get((fields.pop("material_code", "") or "").strip())
        if supplier is None:
            errors[f"rows[{index}].supplier_code"] = [
                _("Not an accepted supplier of this factory.")
            ]
        if material is None:
            errors[f"rows[{index}].material_code"] = [
                _("No material of this factory has this code.")
            ]
        if supplier is None or material is None:
            continue
        key = (supplier.pk, material.pk)
        if key in pending:
            errors[f"rows[{index}].material_code"] = [
                _("This supplier's offer of this material is already in an earlier row.")
            ]
            continue
        item = existing.get(key) or SupplierItem(
            factory=factory, supplier=supplier, material=material
        )
        try:
            _unknown_fields(fields, OFFER_FIELDS)
            _offer_set(item, fields)
            _offer_checked(item)
        except DomainError as error:
            errors.update(_row_errors(index, error))
            continue
        pending[key] = item
    if errors:
        raise _nothing_imported(errors)
    added = sum(1 for item in pending.values() if item.pk is None)
    for item in pending.values():
        item.save()
    return added, len(pending) - added
