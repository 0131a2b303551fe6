"""The inventory set-up lists as Excel sheets (core.sheet_lists): materials, the supplier list
and the supplier offers. One declaration per list drives its export, its blank template and its
import; the column keys are the services' field names, and a related row (an offer's supplier
and material) is written as its code."""

from django.utils.translation import gettext_lazy as _

from core.sheet_lists import (
    Column,
    SheetList,
    boolean,
    choice,
    choice_label,
    decimal,
    integer,
    text,
)
from inventory.models import Material

MATERIALS = SheetList(
    name="materials",
    title=_("Materials"),
    columns=[
        Column(
            "code",
            _("Code"),
            required=True,
            unique=True,
            parse=text(max_length=40),
            aliases=("物料编码", "编码"),
            help=_("How BOMs name the material; an existing code updates that material."),
        ),
        Column("name", _("Name"), required=True, parse=text(max_length=200), aliases=("名称",)),
        Column(
            "kind",
            _("Kind"),
            required=True,
            parse=choice(Material.Kind.choices),
            aliases=("类别",),
            help=_("Fabric, trim or accessory, packaging, finished goods."),
        ),
        Column(
            "unit",
            _("Unit"),
            required=True,
            parse=choice(Material.Unit.choices),
            aliases=("单位",),
            help=_("m, kg, pcs or cone."),
        ),
        Column(
            "trim_type",
            _("Trim type"),
            parse=choice(Material.TrimType.choices),
            default="",
            aliases=("辅料类型",),
            help=_("Trims only: button, zip, label, thread, interlining, elastic, other."),
        ),
        Column("colour", _("Colour"), parse=text(max_length=60), default="", aliases=("颜色",)),
        Column(
            "width_cm",
            _("Usable width (cm)"),
            parse=decimal(places=1),
            aliases=("门幅", "幅宽"),
            help=_("Fabrics: the usable width the cut plan lays."),
        ),
        Column(
            "composition",
            _("Composition"),
            parse=text(max_length=120),
            default="",
            aliases=("成分",),
        ),
        Column(
            "weight_gsm",
            _("Weight (g/m²)"),
            parse=integer(minimum=0, maximum=100000),
            aliases=("克重",),
        ),
        Column("shrinkage_pct", _("Shrinkage %"), parse=decimal(places=2), aliases=("缩水率",)),
        Column("style_code", _("Style"), parse=text(max_length=40), default="", aliases=("款号",)),
        Column("size", _("Size"), parse=text(max_length=20), default="", aliases=("尺码",)),
        Column("is_active", _("Active"), parse=boolean, default=True, aliases=("启用",)),
    ],
)

SUPPLIERS = SheetList(
    name="suppliers",
    title=_("Suppliers"),
    columns=[
        Column(
            "code",
            _("Supplier code"),
            required=True,
            unique=True,
            parse=text(max_length=40),
            aliases=("供应商编码", "编码"),
            help=_(
                "The supplier's code on the platform. A supplier not yet on your list is "
                "invited; one already on it is left as it is."
            ),
        ),
        Column(
            "name",
            _("Name"),
            parse=text(max_length=200),
            default="",
            aliases=("名称",),
            help=_("For reading: the supplier keeps its own name."),
        ),
        Column(
            "contact_phone",
            _("Contact phone"),
            parse=text(max_length=40),
            default="",
            aliases=("联系电话",),
            help=_("For reading: the supplier keeps its own contact."),
        ),
        Column(
            "status",
            _("Status"),
            parse=text(max_length=40),
            default="",
            aliases=("状态",),
            help=_("For reading: invited, accepted, declined or ended."),
        ),
    ],
)

OFFERS = SheetList(
    name="supplier-offers",
    title=_("Supplier offers"),
    columns=[
        Column(
            "supplier_code",
            _("Supplier code"),
            required=True,
            parse=text(max_length=40),
            aliases=("供应商编码",),
            help=_("An accepted supplier of the factory."),
        ),
        Column(
            "material_code",
            _("Material code"),
            required=True,
            parse=text(max_length=40),
            aliases=("物料编码",),
            help=_("A supplier and material already offered updates that offer."),
        ),
        Column(
            "article_no",
            _("Supplier's article number"),
            parse=text(max_length=60),
            default="",
            aliases=("供应商货号",),
        ),
        Column(
            "unit_price",
            _("Unit price (yuan)"),
            required=True,
            parse=decimal(places=4, minimum=0),
            aliases=("单价",),
        ),
        Column(
            "minimum_quantity",
            _("Minimum order quantity"),
            parse=decimal(places=3, minimum=0),
            default=0,
            aliases=("起订量",),
        ),
        Column(
            "lead_time_days",
            _("Lead time (days)"),
            parse=integer(minimum=0, maximum=365),
            default=7,
            aliases=("交期", "交货天数"),
        ),
        Column("is_preferred", _("Preferred"), parse=boolean, default=True, aliases=("首选",)),
    ],
)


def _trim_label(value: str) -> str:
    # No trim type is an empty cell, not the "—" the form shows.
    return choice_label(Material.TrimType.choices, value) if value else ""


def material_records(materials) -> list[dict]:
    """Materials as rows of MATERIALS (choices by their label, which the import reads back)."""
    return [
        {
            "code": m.code,
            "name": m.name,
            "kind": choice_label(Material.Kind.choices, m.kind),
            "unit": choice_label(Material.Unit.choices, m.unit),
            "trim_type": choice_label(Material.TrimType.choices, m.trim_type)
            if m.trim_type
            else "",
            "colour": m.colour,
            "width_cm": m.width_cm,
            "composition": m.composition,
            "weight_gsm": m.weight_gsm,
            "shrinkage_pct": m.shrinkage_pct,
            "style_code": m.style_code,
            "size": m.size,
            "is_active": m.is_active,
        }
        for m in materials
    ]


def supplier_records(rows) -> list[dict]:
    """The supplier list (inventory.selectors.supplier_list) as rows of SUPPLIERS."""
    return [
        {
            "code": row.supplier.code,
            "name": row.supplier.name,
            "contact_phone": row.supplier.contact_phone,
            "status": row.partnership.get_status_display(),
        }
        for row in rows
    ]


def offer_records(items) -> list[dict]:
    """Supplier catalogue entries as rows of OFFERS."""
    return [
        {
            "supplier_code": item.supplier.code,
            "material_code": item.material.code,
            "article_no": item.supplier_code,
            "unit_price": item.unit_price.normalize(),
            "minimum_quantity": item.minimum_quantity.normalize(),
            "lead_time_days": item.lead_time_days,
            "is_preferred": item.is_preferred,
        }
        for item in items
    ]
