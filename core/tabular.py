"""The tabular kit: every CSV or Excel import reads its upload here.

`read_table` gives the data rows of a .csv or .xlsx file as {header: text}, each with its
spreadsheet row number (the header is row 1) so an importer can point at the cell that is wrong.
A CSV may be UTF-8 (with or without the BOM Excel writes for "CSV UTF-8"), GBK/GB18030 (what
Excel on Chinese Windows writes for plain "CSV") or UTF-16 with a BOM. Headers are matched
without case; an importer may accept other names for a column (Chinese headers) with `aliases`.

Workbooks read by position rather than by header (the tech pack) use `open_workbook` and
`sheet_values`. Every failure is a `DomainError` naming the file, so the doors answer 400.
"""

import csv
import io
from collections.abc import Mapping

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from core.errors import DomainError

MAX_ROWS = 20000
# Tried in this order: UTF-8 first (a GBK file is almost never valid UTF-8), then GB18030, the
# superset of GBK and GB2312 that Chinese Excel writes.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
XLSX_MAGIC = b"PK"


class TableRow(dict):
    """One data row as {header: text}; `number` is its row in the spreadsheet (header = 1)."""

    def __init__(self, cells: Mapping[str, str], number: int) -> None:
        super().__init__(cells)
        self.number = number


def _malformed(message: str, detail: str) -> DomainError:
    return DomainError(message, code="malformed_file", errors={"file": [detail]})


def cell_text(value) -> str:
    """A cell as the text a person typed: dates ISO, 12.0 as 12, None as ''."""
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def decode_csv(data: bytes) -> str:
    """The text of a CSV file in any encoding Excel writes for Chinese users."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = CSV_ENCODINGS
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _malformed(
        _("The file is not text in UTF-8 or GBK; save it from Excel as CSV or as .xlsx."),
        _("Unknown text encoding."),
    )


def read_table(
    upload, *, sheet: str | None = None, aliases: Mapping[str, str] | None = None
) -> list[TableRow]:
    """The data rows of an uploaded .csv or .xlsx file (blank rows left out)."""
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if name.endswith(".xlsx") or data.startswith(XLSX_MAGIC):
        book = open_workbook(io.BytesIO(data))
        worksheet = book[sheet] if sheet and sheet in book.sheetnames else book.active
        return _rows(list(worksheet.iter_rows(values_only=True)), aliases)
    return read_csv_text(decode_csv(data), aliases=aliases)


def read_csv_text(text: str, *, aliases: Mapping[str, str] | None = None) -> list[TableRow]:
    """The data rows of CSV text already decoded (e.g. sent in a JSON field)."""
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; everything else it writes uses commas.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        values = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise _malformed(_("The file is not a readable CSV file."), _("Not a readable CSV."))
    return _rows(values, aliases)


def _rows(values: list, aliases: Mapping[str, str] | None) -> list[TableRow]:
    if not values:
        raise _malformed(_("The file is empty."), _("Empty."))
    aliases = {key.lower(): column for key, column in (aliases or {}).items()}
    keys = [cell_text(header).lower() for header in values[0]]
    keys = [aliases.get(key, key) for key in keys]
    if not any(keys):
        raise _malformed(_("The file has no header row."), _("No header."))
    rows = []
    for number, row in enumerate(values[1:], start=2):
        cells = [cell_text(value) for value in row]
        if not any(cells):
            continue
        cells += [""] * (len(keys) - len(cells))
        rows.append(TableRow(zip(keys, cells, strict=False), number))
        if len(rows) > MAX_ROWS:
            raise DomainError(
                _("The file has more than %(max)s rows.") % {"max": MAX_ROWS},
                code="too_many_rows",
                errors={"file": [_("Too many rows.")]},
            )
    return rows


def open_workbook(upload) -> Workbook:
    """An uploaded .xlsx workbook, read-only with cell values (not formulas)."""
    try:
        return load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises zip, XML and key errors alike for anything that is not a workbook.
        raise _malformed(
            _("The file is not an Excel workbook (.xlsx)."), _("Not a readable .xlsx file.")
        )


def sheet_values(book: Workbook, name: str) -> list[list] | None:
    """A sheet's cells row by row, or None when the workbook has no such sheet."""
    if name not in book.sheetnames:
        return None
    return [list(row) for row in book[name].iter_rows(values_only=True)]
