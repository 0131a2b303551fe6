"""Writes of tech packs: styles, versions, release (freeze) and new versions."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed
from core.models import Organization, User
from factories.models import Category, Factory
from factories.services import require_partner
from orders.models import BomLine, RoutingOperation, SizeChartPoint, Style, StyleVersion

PIECE_RATE_PLACES = Decimal("0.0001")


def default_piece_rate(*, factory: Factory, sam: Decimal) -> Decimal:
    """SAM × the factory's rate per minute: the piece rate a new operation starts with."""
    return (Decimal(sam) * factory.rate_per_minute).quantize(PIECE_RATE_PLACES)


@transaction.atomic
def style_create(
    *,
    factory: Factory,
    number: str,
    name: str,
    category: str,
    season: str = "",
    merchant=None,
    by: User | None = None,
) -> Style:
    errors = {}
    if not number.strip():
        errors["number"] = [_("A style number is required.")]
    if category not in Category.values:
        errors["category"] = [_("Unknown category.")]
    if Style.objects.filter(factory=factory, number=number).exists():
        errors["number"] = [_("This style number already exists.")]
    if errors:
        raise DomainError(_("The style could not be created."), errors=errors)
    return Style.objects.create(
        factory=factory,
        number=number.strip(),
        name=name,
        category=category,
        season=season,
        merchant=merchant,
    )


def _validate_tech_pack(*, sizes, colours, bom, operations) -> dict:
    errors: dict[str, list] = {}
    if not sizes or len(set(sizes)) != len(sizes) or not all(str(s).strip() for s in sizes):
        errors["sizes"] = [_("Give each size once, in order.")]
    if not colours or len(set(colours)) != len(colours) or not all(str(c).strip() for c in colours):
        errors["colours"] = [_("Give each colour once.")]
    codes = [line["material_code"] for line in bom]
    if len(set(codes)) != len(codes):
        errors["bom"] = [_("A material appears twice in the BOM.")]
    for line in bom:
        unknown = set(line.get("consumption", {})) - set(sizes)
        if unknown:
            errors["bom"] = [
                _("Consumption for a size the style lacks: %(sizes)s")
                % {"sizes": ", ".join(sorted(unknown))}
            ]
        if any(Decimal(str(v)) < 0 for v in line.get("consumption", {}).values()):
            errors["bom"] = [_("Consumption cannot be negative.")]
    sequences = [op["sequence"] for op in operations]
    if len(set(sequences)) != len(sequences):
        errors["operations"] = [_("Two operations have the same sequence.")]
    if any(Decimal(str(op["sam"])) < 0 for op in operations):
        errors["operations"] = [_("SAM cannot be negative.")]
    return errors


@transaction.atomic
def style_version_create(
    *,
    style: Style,
    sizes: list[str],
    colours: list[str],
    bom: list[dict] = (),
    operations: list[dict] = (),
    size_chart: list[dict] = (),
    notes: str = "",
    by: User | None = None,
) -> StyleVersion:
    """A new draft version of a style's tech pack (the next version number).

    `bom` items: material_code, description, unit, consumption {size: qty}, wastage_pct,
    placement, is_main_fabric. `operations` items: sequence, code, name, machine_type, sam,
    skill_grade, piece_rate (optional: SAM × the factory's rate), is_scanned. `size_chart`
    items: code, name, tolerance_cm, values {size: cm}.
    """
    bom, operations, size_chart = list(bom), list(operations), list(size_chart)
    errors = _validate_tech_pack(sizes=sizes, colours=colours, bom=bom, operations=operations)
    if errors:
        raise DomainError(_("The tech pack is not valid."), errors=errors)
    style = Style.objects.select_for_update(no_key=True).get(pk=style.pk)
    last = style.versions.order_by("-version").values_list("version", flat=True).first() or 0
    factory = style.factory
    version = StyleVersion.objects.create(
        factory=factory,
        style=style,
        version=last + 1,
        sizes=[str(s).strip() for s in sizes],
        colours=[str(c).strip() for c in colours],
        notes=notes,
    )
    BomLine.objects.bulk_create(
        BomLine(
            factory=factory,
            version=version,
            sequence=index,
            material_code=line["material_code"],
            description=line.get("description", ""),
            unit=line.get("unit", "m"),
            consumption={s: str(v) for s, v in line.get("consumption", {}).items()},
            wastage_pct=Decimal(str(line.get("wastage_pct", "3"))),
            placement=line.get("placement", ""),
            is_main_fabric=bool(line.get("is_main_fabric", False)),
        )
        for index, line in enumerate(bom, start=1)
    )
    RoutingOperation.objects.bulk_create(
        RoutingOperation(
            factory=factory,
            version=version,
            sequence=op["sequence"],
            code=op.get("code") or f"OP{op['sequence']:02d}",
            name=op["name"],
            machine_type=op.get("machine_type", ""),
            sam=Decimal(str(op["sam"])),
            skill_grade=int(op.get("skill_grade", 2)),
            piece_rate=(
                Decimal(str(op["piece_rate"])).quantize(PIECE_RATE_PLACES)
                if op.get("piece_rate") not in (None, "")
                else default_piece_rate(factory=factory, sam=Decimal(str(op["sam"])))
            ),
            is_scanned=bool(op.get("is_scanned", True)),
        )
        for op in operations
    )
    SizeChartPoint.objects.bulk_create(
        SizeChartPoint(
            factory=factory,
            version=version,
            code=point["code"],
            name=point.get("name", ""),
            tolerance_cm=Decimal(str(point.get("tolerance_cm", "1"))),
            values={s: str(v) for s, v in point.get("values", {}).items()},
        )
        for point in size_chart
    )
    return version


def tech_pack_of(version: StyleVersion) -> dict:
    """A version's tech pack as plain data, in the shape `style_version_create` takes."""
    return {
        "sizes": list(version.sizes),
        "colours": list(version.colours),
        "notes": version.notes,
        "bom": [
            {
                "material_code": line.material_code,
                "description": line.description,
                "unit": line.unit,
                "consumption": dict(line.consumption),
                "wastage_pct": line.wastage_pct,
                "placement": line.placement,
                "is_main_fabric": line.is_main_fabric,
            }
            for line in version.bom.all()
        ],
        "operations": [
            {
                "sequence": op.sequence,
                "code": op.code,
                "name": op.name,
                "machine_type": op.machine_type,
                "sam": op.sam,
                "skill_grade": op.skill_grade,
                "piece_rate": op.piece_rate,
                "is_scanned": op.is_scanned,
            }
            for op in version.operations.all()
        ],
        "size_chart": [
            {
                "code": point.code,
                "name": point.name,
                "tolerance_cm": point.tolerance_cm,
                "values": dict(point.values),
            }
            for point in version.size_chart.all()
        ],
    }


@transaction.atomic
def style_version_revise(*, version: StyleVersion, by: User | None = None) -> StyleVersion:
    """A change to a released tech pack: a new draft version copied from this one."""
    return style_version_create(style=version.style, by=by, **tech_pack_of(version))


@transaction.atomic
def style_version_release(*, version: StyleVersion, by: User) -> StyleVersion:
    """Freeze a draft version so that it can be ordered."""
    version = StyleVersion.objects.select_for_update(no_key=True).get(pk=version.pk)
    if version.is_released:
        raise NotAllowed(_("This version is already released."))
    if not version.operations.exists():
        raise DomainError(
            _("A tech pack needs a routing before it is released."),
            errors={"operations": [_("No operations.")]},
        )
    if not version.bom.exists():
        raise DomainError(
            _("A tech pack needs a BOM before it is released."),
            errors={"bom": [_("No materials.")]},
        )
    version.status = StyleVersion.Status.RELEASED
    version.released_at = timezone.now()
    version.released_by = by
    version.save(update_fields=["status", "released_at", "released_by"])
    return version


def require_draft(version: StyleVersion) -> None:
    if version.is_released:
        raise NotAllowed(_("A released tech pack is frozen; make a new version to change it."))


def merchant_version_errors(
    *, factory: Factory, merchant: Organization, version: StyleVersion, unreleased: str
) -> dict[str, list]:
    """What stops `merchant` from ordering or being quoted `version` of `factory`: a merchant
    that is not the factory's partner (raised), and as field errors a tech pack of another
    factory, not released (`unreleased` says it for the caller's verb), or developed for
    another merchant."""
    require_partner(factory_id=factory.pk, organization=merchant)
    if version.factory_id != factory.pk:
        return {"version": [_("This tech pack belongs to another factory.")]}
    if not version.is_released:
        return {"version": [unreleased]}
    if version.style.merchant_id not in (None, merchant.pk):
        return {"version": [_("This style was developed for another merchant.")]}
    return {}
