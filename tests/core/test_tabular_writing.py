"""core.tabular's writing side: the one CSV and Excel writer of every export, which never lets a
text cell run as a formula."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from core.tabular import Sheet, cell_safe, cell_text, cell_unescape, rows_to_csv, rows_to_xlsx
from tests.exports import assert_no_formula, csv_rows, workbook_cells


@pytest.mark.parametrize(
    "text, safe",
    [
        ("=1+1", "'=1+1"),
        ("+86 731 1234", "'+86 731 1234"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # a quote already there is kept: the escape reverses exactly
        ("''", "'''"),
        ("'quoted", "'quoted"),
        ("A=1", "A=1"),
        ("王芳", "王芳"),
        ("", ""),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_escaped_and_reads_back(text, safe):
    assert cell_safe(text) == safe
    assert cell_unescape(safe) == text


@pytest.mark.parametrize(
    "value",
    [-5, -12.5, Decimal("-12.50"), 0, None, True, dt.date(2026, 3, 1)],
)
def test_values_that_are_not_text_are_left_as_they_are(value):
    assert cell_safe(value) is value


def test_the_csv_escapes_text_and_writes_numbers_exactly():
    text = rows_to_csv([["name", "amount"], ["=cmd|' /C calc'!A0", Decimal("-12.50")]])

    assert text.startswith("\ufeff")
    assert "\r\n" in text
    assert csv_rows(text) == [["name", "amount"], ["'=cmd|' /C calc'!A0", "-12.50"]]


def test_the_workbook_writes_escaped_text_and_keeps_negative_numbers_numbers():
    content = rows_to_xlsx([Sheet("Data", [["=1+1", -5, Decimal("-2.50"), "-3"]])])

    assert_no_formula(content)
    cells = workbook_cells(content)
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ("'=1+1", "s"),
        (-5, "n"),
        (-2.5, "n"),
        ("'-3", "s"),
    ]


def test_a_sheet_title_excel_would_refuse_is_cleaned():
    from io import BytesIO

    from openpyxl import load_workbook

    content = rows_to_xlsx([Sheet("Stock: 2026/03 [all] and a very long name", [["a"]])])

    assert load_workbook(BytesIO(content)).sheetnames == ["Stock_ 2026_03 _all_ and a very"]


def test_an_imported_cell_that_was_escaped_reads_as_the_original_text():
    assert cell_text('\'=HYPERLINK("x")') == '=HYPERLINK("x")'
    assert cell_text("'quoted") == "'quoted"


def test_no_export_writes_csv_or_excel_except_through_core_tabular():
    root = Path(__file__).resolve().parents[2]
    writers = re.compile(r"csv\.writer|csv\.DictWriter|\bWorkbook\(|\.to_csv\(|\.to_excel\(")
    offenders = [
        str(path.relative_to(root))
        for app in settings.PROJECT_APPS
        for path in (root / app).rglob("*.py")
        if path != root / "core" / "tabular.py" and writers.search(path.read_text())
    ]

    assert offenders == []


def test_control_characters_that_xml_cannot_hold_are_left_out_of_a_workbook():
    # given text as an API client may send it, with control characters among the letters
    rows = [["name"], ["Polo\x00\x01 shirt\x1f"], ["tab\tand\nnewline stay"]]

    # when it is exported
    book = rows_to_xlsx([Sheet("Styles", rows)])

    # then the workbook is written, without the characters .xlsx cannot carry
    assert [cell.value for cell in workbook_cells(book)] == [
        "name",
        "Polo shirt",
        "tab\tand\nnewline stay",
    ]
