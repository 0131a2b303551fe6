"""Reading uploaded tables (CSV or Excel) into rows of named cells, for the imports."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.errors import DomainError

MAX_ROWS = 20000


def read_table(upload, *, sheet: str | None = None) -> list[dict[str, str]]:
    """Rows as {header: text}, from a .csv (UTF-8, with or without BOM) or .xlsx upload.

    Row numbers in error reports are spreadsheet rows: the header is row 1.
    """
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    try:
        if name.endswith(".xlsx") or data[:2] == b"PK":
            return _read_xlsx(data, sheet)
        return _read_csv(data)
    except DomainError:
        raise
    except Exception:
        raise DomainError(
            _("The file could not be read; upload a CSV or an Excel (.xlsx) file."),
            code="malformed_file",
            errors={"file": [_("Not a readable CSV or Excel file.")]},
        )


def _clean(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(header, body) -> list[dict[str, str]]:
    keys = [_clean(h).lower() for h in header]
    rows = []
    for values in body:
        cells = [_clean(v) for v in values]
        if not any(cells):
            continue
        rows.append(dict(zip(keys, cells + [""] * (len(keys) - len(cells)), strict=False)))
        if len(rows) > MAX_ROWS:
            raise DomainError(
                _("The file has more than %(max)s rows.") % {"max": MAX_ROWS},
                errors={"file": [_("Too many rows.")]},
            )
    if not keys or not any(keys):
        raise DomainError(_("The file has no header row."), errors={"file": [_("No header.")]})
    return rows


def _read_csv(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    reader = list(csv.reader(io.StringIO(text)))
    if not reader:
        raise DomainError(_("The file is empty."), errors={"file": [_("Empty.")]})
    return _rows(reader[0], reader[1:])


def _read_xlsx(data: bytes, sheet: str | None) -> list[dict[str, str]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    worksheet = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.active
    values = list(worksheet.iter_rows(values_only=True))
    if not values:
        raise DomainError(_("The file is empty."), errors={"file": [_("Empty.")]})
    return _rows(values[0], values[1:])
