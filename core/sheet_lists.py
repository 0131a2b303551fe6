"""The Excel list kit: one declaration of a list's columns drives its export, its blank
template and its import, with every error pointed at a cell.

Declare the columns once::

    WORKERS = SheetList(
        name="workers",
        title=_("Workers"),
        columns=[
            Column("badge", _("Badge"), required=True, unique=True, parse=parse_badge),
            Column("name", _("Name"), required=True, parse=text(max_length=100)),
            Column("active", _("Active"), parse=boolean, default=True),
        ],
    )

- **Export** (`SheetList.export(records)` / `export_response`): the headers in the user's
  language, one row per record (a mapping keyed by column key), through core.tabular's
  `rows_to_xlsx`; no records gives the blank template. A second sheet explains the columns.
- **Import** (`SheetList.read(upload)`): core.tabular reads the .xlsx or .csv (UTF-8 or GBK);
  a header may be the column's key, its English or Chinese label, or one of its `aliases`.
  Every cell is parsed; a blank required cell, a parse error (a `CellValueError`, or any
  ValueError / ValidationError / DomainError) or a repeated `unique` value is collected as a
  `CellError(row, column, message)` — all of them, not the first — and the whole file is
  refused with a `SheetImportError` before anything is written.
- **Write** (`sheet_import(sheet, upload, write)`): the parsed rows (`list[dict]`, keyed by
  column key; a blank optional cell gives the column's `default`, a column the file leaves out
  is left out of the dicts so the service keeps the stored value) go to the owning app's
  `*_import` service, which writes all or nothing in one transaction. A `DomainError` from it
  whose error keys are `rows[i].field` (or `rows[i]`) is turned back into cell errors
  ("row 7, column 'Badge': …"), so the service never needs to know the sheet.
- **Page** (`sheet_import_page`): the generic upload page (`core/sheet_import.html`) with the
  "download template / export" links; the errors partial `core/_sheet_errors.html` lists
  each refused cell.

A parse function takes the cell's text (never blank) and returns the value; the stock ones
below (`text`, `integer`, `decimal`, `boolean`, `iso_date`, `choice`) raise translated errors.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.forms import PageForm
from core.tabular import Sheet, read_table, rows_to_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_KEY = re.compile(r"^rows\[(\d+)\](?:\.(\w+))?$")


class CellValueError(ValueError):
    """A cell's text is not a value of its column; the message is shown to the user."""


@dataclass(frozen=True)
class Column:
    """One column of a list: `key` names the value in a row dict and the service's field;
    `label` (lazy-translated) is the header written; `parse` turns the cell's text into the
    value; `aliases` are further headers accepted on import."""

    key: str
    label: Any
    required: bool = False
    parse: Callable[[str], Any] = str
    default: Any = None
    unique: bool = False
    aliases: tuple[str, ...] = ()
    help: Any = ""

    def headers(self) -> set[str]:
        """Every header accepted for this column: key, label in each language, aliases."""
        names = {self.key, *self.aliases}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(self.label))
        return {name.strip().lower() for name in names if name}

    def cell(self, value) -> Any:
        """A value as the cell that `parse` reads back to it."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list | tuple | set | frozenset):
            return ", ".join(str(item) for item in value)
        if isinstance(value, int | Decimal | dt.date | dt.time):
            return value
        return str(value)


@dataclass(frozen=True)
class CellError:
    """One refused cell (`column` None: the whole row; `row` None: the file)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column '%(column)s': %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class SheetImportError(DomainError):
    """The file was refused; `cells` lists every error. Nothing was written."""

    code = "invalid_import"

    def __init__(self, cells: Sequence[CellError]):
        self.cells = list(cells)
        super().__init__(
            _("The file has errors; nothing was imported. Fix the cells listed and upload again."),
            errors={"file": [str(cell) for cell in self.cells]},
        )


@dataclass
class ParsedRows:
    """The parsed rows of a file (`values`, keyed by column key) and their sheet row numbers."""

    values: list[dict] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class SheetList:
    """A list that imports and exports as Excel (see the module docstring)."""

    name: str
    title: Any
    columns: Sequence[Column]

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)

    def aliases(self) -> dict[str, str]:
        return {header: column.key for column in self.columns for header in column.headers()}

    # --- export ----------------------------------------------------------------------------
    def export(self, records: Iterable[Mapping]) -> bytes:
        """An .xlsx of `records` (the template when there are none), headers in the user's
        language, and a second sheet that explains each column."""
        header = [str(column.label) for column in self.columns]
        rows = [
            [column.cell(record.get(column.key)) for column in self.columns] for record in records
        ]
        help_rows = [[_("Column"), _("Required"), _("Notes")]] + [
            [str(column.label), _("yes") if column.required else _("no"), str(column.help)]
            for column in self.columns
        ]
        return rows_to_xlsx(
            [
                Sheet(
                    str(self.title), [header, *rows], bold_rows=(1,), freeze="A2", fit_widths=True
                ),
                Sheet(_("Help"), help_rows, bold_rows=(1,), fit_widths=True),
            ]
        )

    # --- import ----------------------------------------------------------------------------
    def read(self, upload) -> ParsedRows:
        """Every row of the file parsed, or a SheetImportError with every bad cell."""
        table = read_table(upload, aliases=self.aliases())
        present = set(table[0]) if table else set()
        missing = [c for c in self.columns if c.required and c.key not in present]
        if missing:
            names = ", ".join(f"'{column.label}'" for column in missing)
            raise SheetImportError(
                [CellError(None, None, _("Missing columns: %(c)s") % {"c": names})]
            )
        if not table:
            raise SheetImportError([CellError(None, None, _("The file has no rows to import."))])
        parsed, errors = ParsedRows(), []
        seen: dict[tuple[str, Any], int] = {}
        for row in table:
            values = {}
            for column in self.columns:
                if column.key not in present:
                    continue  # a column the file leaves out leaves the stored value alone
                text = (row.get(column.key) or "").strip()
                if not text:
                    if column.required:
                        errors.append(CellError(row.number, str(column.label), _("Required.")))
                    values[column.key] = column.default
                    continue
                try:
                    value = column.parse(text)
                except (ValueError, ValidationError, DomainError) as error:
                    errors.append(CellError(row.number, str(column.label), _message(error)))
                    continue
                if column.unique:
                    first = seen.setdefault((column.key, value), row.number)
                    if first != row.number:
                        errors.append(
                            CellError(
                                row.number,
                                str(column.label),
                                _("The same value is in row %(row)s.") % {"row": first},
                            )
                        )
                values[column.key] = value
            parsed.values.append(values)
            parsed.numbers.append(row.number)
        if errors:
            raise SheetImportError(errors)
        return parsed

    def cell_errors(self, error: DomainError, parsed: ParsedRows) -> SheetImportError:
        """A service's refusal with its `rows[i].field` keys pointed at the cells."""
        cells = []
        for key, texts in (error.errors or {}).items():
            texts = texts if isinstance(texts, list | tuple) else [texts]
            match = ROW_KEY.match(str(key))
            index = int(match.group(1)) if match else None
            if match and index < len(parsed.numbers):
                column = self.column(match.group(2) or "")
                label = str(column.label) if column else None
                for text in texts:
                    message = (
                        str(text) if column or not match.group(2) else f"{match.group(2)}: {text}"
                    )
                    cells.append(CellError(parsed.numbers[index], label, message))
            else:
                cells += [CellError(None, None, str(text)) for text in texts]
        if not cells:
            cells.append(CellError(None, None, str(error.message)))
        return SheetImportError(cells)


def _message(error: Exception) -> str:
    if isinstance(error, CellValueError):
        return str(error)
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    if isinstance(error, DomainError):
        return str(error.message)
    return _("Not a valid value.")


def sheet_import(sheet: SheetList, upload, write: Callable[[list[dict]], Any]) -> Any:
    """Parse `upload` and hand its rows to `write` (the app's all-or-nothing service);
    every refusal is a SheetImportError with the cells at fault."""
    parsed = sheet.read(upload)
    try:
        return write(parsed.values)
    except SheetImportError:
        raise
    except DomainError as error:
        raise sheet.cell_errors(error, parsed) from error


# --- stock parse functions ------------------------------------------------------------------
def text(*, max_length: int | None = None, upper: bool = False) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if max_length and len(value) > max_length:
            raise CellValueError(_("At most %(n)s characters.") % {"n": max_length})
        return value.upper() if upper else value

    return parse


def integer(*, minimum: int | None = None, maximum: int | None = None) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise CellValueError(_("Not a whole number."))
        if number != number.to_integral_value():
            raise CellValueError(_("Not a whole number."))
        if minimum is not None and number < minimum:
            raise CellValueError(_("At least %(n)s.") % {"n": minimum})
        if maximum is not None and number > maximum:
            raise CellValueError(_("At most %(n)s.") % {"n": maximum})
        return int(number)

    return parse


def decimal(*, places: int = 2, minimum: Decimal | None = None) -> Callable[[str], Decimal]:
    def parse(value: str) -> Decimal:
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            raise CellValueError(_("Not a number."))
        if not number.is_finite():
            raise CellValueError(_("Not a number."))
        if number.as_tuple().exponent < -places:
            raise CellValueError(_("At most %(n)s decimal places.") % {"n": places})
        if minimum is not None and number < minimum:
            raise CellValueError(_("At least %(n)s.") % {"n": minimum})
        return number

    return parse


TRUE_WORDS = {"yes", "y", "true", "1", "是", "有", "对", "√"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "无", "不", "×"}


def boolean(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS or word == _("yes").lower():
        return True
    if word in FALSE_WORDS or word == _("no").lower():
        return False
    raise CellValueError(_("Write yes or no."))


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip()[:10].replace("/", "-"))
    except ValueError:
        raise CellValueError(_("Not a date; write it as YYYY-MM-DD."))


def clock_time(value: str) -> dt.time:
    text_value = value.strip()
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return dt.datetime.strptime(text_value, pattern).time()
        except ValueError:
            continue
    raise CellValueError(_("Not a time; write it as HH:MM."))


def choice(choices: Iterable[tuple[str, Any]]) -> Callable[[str], str]:
    """A value of a model's choices, written as its value or its label in any language."""
    choices = list(choices)

    def parse(value: str) -> str:
        wanted = value.strip().lower()
        for stored, label in choices:
            names = {str(stored).lower()}
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    names.add(str(label).lower())
            if wanted in names:
                return stored
        allowed = ", ".join(str(label) for _stored, label in choices)
        raise CellValueError(_("Not one of: %(allowed)s.") % {"allowed": allowed})

    return parse


def choice_label(choices: Iterable[tuple[str, Any]], value) -> str:
    """The label of a stored choice, for an export cell `choice` reads back."""
    return str(dict(choices).get(value, value or ""))


# --- the page ------------------------------------------------------------------------------
class SheetUploadForm(PageForm):
    file = forms.FileField(
        label=gettext_lazy("Excel or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def export_response(sheet: SheetList, records: Iterable[Mapping], *, filename: str | None = None):
    """The list (or, with no records, the blank template) as an .xlsx download."""
    response = HttpResponse(sheet.export(records), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename or sheet.name}.xlsx"'
    return response


def sheet_import_page(
    request,
    *,
    sheet: SheetList,
    write: Callable[[list[dict]], Any],
    success: Callable[[Any], str] | str,
    done_url: str,
    template_url: str,
    export_url: str | None = None,
    template: str = "core/sheet_import.html",
):
    """The upload page of a list: GET shows the form, POST imports all rows or none. Refused,
    the page comes back with every bad cell listed; done, a message and a redirect."""
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    cells: list[CellError] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = sheet_import(sheet, form.cleaned_data["file"], write)
        except SheetImportError as error:
            cells = error.cells
            form.add_error(None, str(error.message))
        except DomainError as error:  # the file itself (too large, not a workbook)
            form.add_error("file", str(error.message))
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(done_url)
    return render(
        request,
        template,
        {
            "sheet": sheet,
            "form": form,
            "cells": cells,
            "columns": sheet.columns,
            "done_url": done_url,
            "template_url": template_url,
            "export_url": export_url,
        },
        status=400 if cells or form.errors else 200,
    )
