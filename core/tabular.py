"""The tabular kit: every CSV or Excel import reads its upload here.

`read_table` gives the data rows of a .csv or .xlsx file as {header: text}, each with its
spreadsheet row number (the header is row 1) so an importer can point at the cell that is wrong.
A CSV may be UTF-8 (with or without the BOM Excel writes for "CSV UTF-8"), GBK/GB18030 (what
Excel on Chinese Windows writes for plain "CSV") or UTF-16 with a BOM. Headers are matched
without case; an importer may accept other names for a column (Chinese headers) with `aliases`.

Workbooks read by position rather than by header (the tech pack) use `open_workbook` and
`sheet_values`. Every failure is a `DomainError` naming the file, so the doors answer 400.

Every export writes here too (`rows_to_csv`, `rows_to_xlsx`): text cells that a spreadsheet
would run as a formula are escaped (`cell_safe`), and the readers undo that escape.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.workbook import Workbook

from core.errors import DomainError

# The caps are settings (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS): a file over the byte cap is refused
# before it is parsed, and rows are read one at a time, so a file of more data rows than the row
# cap stops there. Blank rows are skipped, and BLANK_ROWS_ENOUGH of them in a row end the table:
# a sheet whose rows run far past its data (formatted blank rows, or a last row a million rows
# down) is not walked to its end.
BLANK_ROWS_ENOUGH = 1000
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
    return cell_unescape(str(value).strip())


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


class Table(list):
    """The data rows of a file; `rows_read` counts the rows looked at, blank ones included."""

    rows_read = 0


def max_bytes() -> int:
    return int(settings.IMPORT_MAX_BYTES)


def max_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


def _too_large() -> DomainError:
    megabytes = f"{max_bytes() / 1024 / 1024:g}"
    return DomainError(
        _("The file is larger than %(max)s MB; split it into smaller files.") % {"max": megabytes},
        code="file_too_large",
        errors={"file": [_("Too large.")]},
    )


def read_upload(upload) -> bytes:
    """The bytes of an upload, refused past IMPORT_MAX_BYTES before any of it is parsed."""
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > max_bytes():
        raise _too_large()
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise _too_large()
    return data


def read_table(
    upload, *, sheet: str | None = None, aliases: Mapping[str, str] | None = None
) -> Table:
    """The data rows of an uploaded .csv or .xlsx file (blank rows left out)."""
    name = (getattr(upload, "name", "") or "").lower()
    data = read_upload(upload)
    if name.endswith(".xlsx") or data.startswith(XLSX_MAGIC):
        book = _load_workbook(data)
        try:
            worksheet = book[sheet] if sheet and sheet in book.sheetnames else book.active
            return _rows(worksheet.iter_rows(values_only=True), aliases)
        finally:
            book.close()
    return read_csv_text(decode_csv(data), aliases=aliases)


def read_csv_text(text: str, *, aliases: Mapping[str, str] | None = None) -> Table:
    """The data rows of CSV text already decoded (e.g. sent in a JSON field)."""
    if len(text) > max_bytes():
        raise _too_large()
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; everything else it writes uses commas.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        return _rows(csv.reader(io.StringIO(text), delimiter=delimiter), aliases)
    except csv.Error:
        raise _malformed(_("The file is not a readable CSV file."), _("Not a readable CSV."))


def _too_many_rows(limit: int) -> DomainError:
    return DomainError(
        _("The file has more than %(max)s rows.") % {"max": limit},
        code="too_many_rows",
        errors={"file": [_("Too many rows.")]},
    )


def _rows(values: Iterable, aliases: Mapping[str, str] | None) -> Table:
    """Rows from an iterator (streamed from the file), up to the caps."""
    iterator = iter(values)
    header = next(iterator, None)
    if header is None:
        raise _malformed(_("The file is empty."), _("Empty."))
    aliases = {key.lower(): column for key, column in (aliases or {}).items()}
    keys = [cell_text(value).lower() for value in header]
    keys = [aliases.get(key, key) for key in keys]
    if not any(keys):
        raise _malformed(_("The file has no header row."), _("No header."))
    limit = max_rows()
    table = Table()
    table.rows_read = 1
    blank_run = 0
    for number, row in enumerate(iterator, start=2):
        table.rows_read += 1
        cells = [cell_text(value) for value in row]
        if not any(cells):
            blank_run += 1
            if blank_run >= BLANK_ROWS_ENOUGH:
                break
            continue
        blank_run = 0
        cells += [""] * (len(keys) - len(cells))
        table.append(TableRow(zip(keys, cells, strict=False), number))
        if len(table) > limit:
            raise _too_many_rows(limit)
    return table


def _load_workbook(data: bytes) -> Workbook:
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises zip, XML and key errors alike for anything that is not a workbook.
        raise _malformed(
            _("The file is not an Excel workbook (.xlsx)."), _("Not a readable .xlsx file.")
        )


def open_workbook(upload) -> Workbook:
    """An uploaded .xlsx workbook, read-only with cell values (not formulas); refused past
    IMPORT_MAX_BYTES before it is opened."""
    return _load_workbook(read_upload(upload))


def sheet_values(book: Workbook, name: str) -> list[list] | None:
    """A sheet's cells row by row, or None when the workbook has no such sheet. Streamed: at
    most IMPORT_MAX_ROWS rows with data, and a run of BLANK_ROWS_ENOUGH blank rows ends it."""
    if name not in book.sheetnames:
        return None
    limit = max_rows()
    values: list[list] = []
    blank_run = 0
    for row in book[name].iter_rows(values_only=True):
        if not any(cell_text(value) for value in row):
            blank_run += 1
            if blank_run >= BLANK_ROWS_ENOUGH:
                break
            values.append(list(row))
            continue
        blank_run = 0
        values.append(list(row))
        if len(values) > limit:
            raise _too_many_rows(limit)
    # Trailing blank rows carry nothing; positions of the rows before them are kept.
    while values and not any(cell_text(value) for value in values[-1]):
        values.pop()
    return values


# --- Writing: every CSV or Excel export goes through here -----------------------------------
# A spreadsheet runs a cell that starts with one of these as a formula (or, for tab and CR,
# lets the next character do so); a factory or worker name like `=HYPERLINK(...)` in one
# tenant's data must never run in someone else's file. Text cells that start with one is
# prefixed with a single quote (OWASP's CSV-injection advice); numbers, dates and booleans stay
# what they are, so a negative amount is still a number. `cell_unescape` undoes it on import.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def cell_safe(value):
    """`value` as a cell that cannot run: text starting with a formula trigger gets a leading
    quote (and so does text that starts with a quote before one, so the escape reverses
    exactly); every other value is returned unchanged."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_TRIGGERS) or (
        value.startswith(ESCAPE) and value[1:].startswith((*FORMULA_TRIGGERS, ESCAPE))
    ):
        return ESCAPE + value
    return value


def cell_unescape(text: str) -> str:
    """The text `cell_safe` escaped, as it was: an imported workbook that was exported here
    reads back what was exported."""
    if text.startswith(ESCAPE) and text[1:].startswith((*FORMULA_TRIGGERS, ESCAPE)):
        return text[1:]
    return text


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return cell_safe(value)
    return str(value)


def rows_to_csv(rows: Iterable[Sequence], *, bom: bool = True) -> str:
    """CSV text (CRLF lines; a UTF-8 BOM first so Excel reads it as UTF-8) with every text cell
    made safe. Numbers are written with str(): pass a Decimal quantized as it must appear
    (a bank needs "-12.50", not "'-12.50")."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return out.getvalue()


@dataclass
class Sheet:
    """One worksheet of an export: its rows and how they look.

    `bold_rows` are 1-based row numbers (negative counts from the end: -1 is a total row);
    `number_format` applies to Decimal and float cells from row `numbers_from` on; `freeze`
    is a cell like "A2"; `fit_widths` sizes each column to its header in row 1.
    """

    title: str
    rows: Iterable[Sequence]
    bold_rows: Sequence[int] = ()
    number_format: str | None = None
    numbers_from: int = 1
    freeze: str | None = None
    fit_widths: bool = False


def _xlsx_value(value):
    """A cell safe to run and to store: XML (and so .xlsx) cannot carry most control
    characters, which text typed or sent through the API may hold; they are left out rather
    than refuse the whole export."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return cell_safe(value)


def rows_to_xlsx(sheets: Iterable[Sheet]) -> bytes:
    """An .xlsx workbook of `sheets`, every text cell made safe and written as text (never a
    formula, no character XML cannot hold); numbers and dates keep their types."""
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(title=_sheet_title(spec.title))
        for row in spec.rows:
            sheet.append([_xlsx_value(value) for value in row])
        for number in spec.bold_rows:
            index = number if number > 0 else sheet.max_row + 1 + number
            for cell in sheet[index]:
                cell.font = Font(bold=True)
        if spec.number_format:
            for row in sheet.iter_rows(min_row=spec.numbers_from):
                for cell in row:
                    if isinstance(cell.value, Decimal | float):
                        cell.number_format = spec.number_format
        if spec.freeze:
            sheet.freeze_panes = spec.freeze
        if spec.fit_widths and sheet.max_row:
            for cell in sheet[1]:
                width = max(10, len(str(cell.value or "")) + 4)
                sheet.column_dimensions[cell.column_letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    # Excel refuses []:*?/\ in a sheet's name and more than 31 characters.
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in str(title))
    return cleaned[:31] or "Sheet"
