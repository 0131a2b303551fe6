"""Tech packs as Excel workbooks (the template documented in docs/orders.md).

Sheets: "Style" (field / value rows), "BOM" (one row a material, one consumption column per
size), "Routing" (one row an operation) and "Size chart" (one row a point of measure, one
column per size). Import reports every error by sheet and cell and writes nothing.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.errors import DomainError
from core.tabular import Sheet, cell_text, open_workbook, rows_to_xlsx, sheet_values
from factories.models import Factory
from orders.models import Style, StyleVersion
from orders.services.techpacks import style_create, style_version_create, tech_pack_of

STYLE_FIELDS = ["number", "name", "category", "season", "sizes", "colours", "notes"]
BOM_HEAD = ["material_code", "description", "unit", "wastage_pct", "placement", "main_fabric"]
ROUTING_HEAD = [
    "sequence",
    "code",
    "name",
    "machine_type",
    "sam",
    "skill_grade",
    "piece_rate",
    "scanned",
]
CHART_HEAD = ["code", "name", "tolerance_cm"]
YES = {"y", "yes", "1", "true", "是"}


def workbook_bytes(version: StyleVersion) -> bytes:
    pack = tech_pack_of(version)
    sizes = pack["sizes"]
    style = version.style
    style_rows = [
        ["number", style.number],
        ["name", style.name],
        ["category", style.category],
        ["season", style.season],
        ["sizes", ",".join(sizes)],
        ["colours", ",".join(pack["colours"])],
        ["notes", pack["notes"]],
    ]
    bom_rows = [BOM_HEAD + sizes]
    for line in pack["bom"]:
        bom_rows.append(
            [
                line["material_code"],
                line["description"],
                line["unit"],
                float(line["wastage_pct"]),
                line["placement"],
                "Y" if line["is_main_fabric"] else "N",
            ]
            + [float(Decimal(str(line["consumption"].get(s, "0")))) for s in sizes]
        )
    routing_rows = [ROUTING_HEAD]
    for op in pack["operations"]:
        routing_rows.append(
            [
                op["sequence"],
                op["code"],
                op["name"],
                op["machine_type"],
                float(op["sam"]),
                op["skill_grade"],
                float(op["piece_rate"]),
                "Y" if op["is_scanned"] else "N",
            ]
        )
    chart_rows = [CHART_HEAD + sizes]
    for point in pack["size_chart"]:
        chart_rows.append(
            [point["code"], point["name"], float(point["tolerance_cm"])]
            + [float(Decimal(str(point["values"].get(s, "0")))) for s in sizes]
        )
    return rows_to_xlsx(
        [
            Sheet("Style", style_rows),
            Sheet("BOM", bom_rows),
            Sheet("Routing", routing_rows),
            Sheet("Size chart", chart_rows),
        ]
    )


class _Cells:
    """Collects errors keyed by `Sheet!A1`."""

    def __init__(self):
        self.errors: dict[str, list] = {}

    def add(self, sheet, row, column, message):
        self.errors.setdefault(f"{sheet}!{get_column_letter(column)}{row}", []).append(message)

    def decimal(self, sheet, row, column, value, *, blank=None):
        if value in (None, ""):
            if blank is not None:
                return blank
            self.add(sheet, row, column, _("A number is required."))
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.add(sheet, row, column, _("Not a number."))
            return None
        if number < 0:
            self.add(sheet, row, column, _("Cannot be negative."))
        return number


def _listed(value) -> list[str]:
    """A comma-separated cell ("S, M, L") as its items."""
    return [item.strip() for item in cell_text(value).split(",") if item.strip()]


@transaction.atomic
def tech_pack_import(*, factory: Factory, upload, by) -> StyleVersion:
    """A new draft version from a workbook (a new style when the number is new)."""
    cells = _Cells()
    book = open_workbook(upload)
    missing = [n for n in ("Style", "BOM", "Routing") if n not in book.sheetnames]
    if missing:
        raise DomainError(
            _("The workbook lacks sheets: %(names)s") % {"names": ", ".join(missing)},
            code="malformed_file",
            errors={"file": [_("Missing sheets.")]},
        )
    fields = {
        cell_text(r[0]).lower(): (i, r[1] if len(r) > 1 else None)
        for i, r in enumerate(sheet_values(book, "Style"), start=1)
        if r and r[0]
    }
    for name in ("number", "name", "category", "sizes", "colours"):
        if not cell_text(fields.get(name, (0, None))[1]):
            row = fields.get(name, (len(fields) + 1, None))[0]
            cells.add("Style", row, 2, _("%(field)s is required.") % {"field": name})
    sizes = _listed(fields.get("sizes", (0, ""))[1])
    colours = _listed(fields.get("colours", (0, ""))[1])

    bom = []
    bom_rows = sheet_values(book, "BOM")
    header = [cell_text(h).lower() for h in (bom_rows[0] if bom_rows else [])]
    size_columns = {h: i for i, h in enumerate(header) if i >= len(BOM_HEAD)}
    for size in sizes:
        if size.lower() not in size_columns:
            cells.add("BOM", 1, len(header) + 1, _("No column for size %(size)s.") % {"size": size})
    for number, row in enumerate(bom_rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        row = row + [None] * (len(header) - len(row))
        code = cell_text(row[0])
        if not code:
            cells.add("BOM", number, 1, _("A material code is required."))
        consumption = {}
        for size in sizes:
            column = size_columns.get(size.lower())
            if column is not None:
                value = cells.decimal("BOM", number, column + 1, row[column], blank=Decimal(0))
                consumption[size] = str(value) if value is not None else "0"
        bom.append(
            {
                "material_code": code,
                "description": cell_text(row[1]),
                "unit": cell_text(row[2]) or "m",
                "wastage_pct": cells.decimal("BOM", number, 4, row[3], blank=Decimal(3)),
                "placement": cell_text(row[4]),
                "is_main_fabric": cell_text(row[5]).lower() in YES,
                "consumption": consumption,
            }
        )
    operations = []
    for number, row in enumerate(sheet_values(book, "Routing")[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        row = row + [None] * (len(ROUTING_HEAD) - len(row))
        try:
            sequence = int(cell_text(row[0]))
        except ValueError:
            cells.add("Routing", number, 1, _("A whole number is required."))
            sequence = number
        if not cell_text(row[2]):
            cells.add("Routing", number, 3, _("A name is required."))
        sam = cells.decimal("Routing", number, 5, row[4])
        rate = cells.decimal("Routing", number, 7, row[6], blank="")
        try:
            grade = int(cell_text(row[5]) or 2)
        except ValueError:
            cells.add("Routing", number, 6, _("A whole number is required."))
            grade = 2
        operations.append(
            {
                "sequence": sequence,
                "code": cell_text(row[1]),
                "name": cell_text(row[2]),
                "machine_type": cell_text(row[3]),
                "sam": sam if sam is not None else Decimal(0),
                "skill_grade": grade,
                "piece_rate": rate,
                "is_scanned": cell_text(row[7]).lower() in YES or cell_text(row[7]) == "",
            }
        )
    size_chart = []
    chart_rows = sheet_values(book, "Size chart") or []
    if chart_rows:
        head = [cell_text(h) for h in chart_rows[0]]
        for number, row in enumerate(chart_rows[1:], start=2):
            if not any(v not in (None, "") for v in row):
                continue
            values = {}
            for column, size in enumerate(head[len(CHART_HEAD) :], start=len(CHART_HEAD)):
                if size in sizes and column < len(row):
                    value = cells.decimal("Size chart", number, column + 1, row[column], blank=0)
                    values[size] = str(value)
            size_chart.append(
                {
                    "code": cell_text(row[0]) or f"P{number}",
                    "name": cell_text(row[1]),
                    "tolerance_cm": cells.decimal("Size chart", number, 3, row[2], blank=1),
                    "values": values,
                }
            )
    if cells.errors:
        raise DomainError(
            _("The workbook has errors; nothing was imported."),
            code="invalid_import",
            errors=cells.errors,
        )
    number = cell_text(fields["number"][1])
    style = Style.objects.filter(factory=factory, number=number).first()
    if style is None:
        style = style_create(
            factory=factory,
            number=number,
            name=cell_text(fields["name"][1]),
            category=cell_text(fields["category"][1]),
            season=cell_text(fields.get("season", (0, ""))[1]),
            by=by,
        )
    return style_version_create(
        style=style,
        sizes=sizes,
        colours=colours,
        bom=bom,
        operations=operations,
        size_chart=size_chart,
        notes=cell_text(fields.get("notes", (0, ""))[1]),
        by=by,
    )
