"""core.sheet_lists: one column declaration drives the export, the template and the import."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from core.errors import DomainError
from core.sheet_lists import (
    CellError,
    Column,
    SheetImportError,
    SheetList,
    boolean,
    decimal,
    integer,
    sheet_import,
    text,
)

ITEMS = SheetList(
    name="items",
    title="Items",
    columns=[
        Column(
            "code", "Code", required=True, unique=True, parse=text(max_length=4), aliases=("编号",)
        ),
        Column("qty", "Quantity", required=True, parse=integer(minimum=0), aliases=("数量",)),
        Column("price", "Price", parse=decimal(places=2)),
        Column("active", "Active", parse=boolean, default=True),
    ],
)


def upload(data: bytes, name: str = "items.csv") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def test_a_good_csv_parses_every_cell_to_its_value():
    # given a CSV with the key headers
    data = b"code,qty,price,active\nA1,3,1.50,no\nB2,0,,\n"

    # when it is read
    parsed = ITEMS.read(upload(data))

    # then every cell is a value, and blank optional cells take their default
    assert parsed.values == [
        {"code": "A1", "qty": 3, "price": Decimal("1.50"), "active": False},
        {"code": "B2", "qty": 0, "price": None, "active": True},
    ]
    assert parsed.numbers == [2, 3]


def test_chinese_headers_in_a_gbk_csv_are_accepted():
    data = "编号,数量\nA1,7\n".encode("gbk")

    parsed = ITEMS.read(upload(data))

    # (the columns the file leaves out are left out, so an update keeps their stored values)
    assert parsed.values == [{"code": "A1", "qty": 7}]


def test_every_bad_cell_is_reported_with_its_row_and_column():
    # given a file with four bad cells over three rows
    data = b"Code,Quantity,Price\nA1,x,1\n,2,1.234\nA1,-1,\n"

    # when it is read
    with pytest.raises(SheetImportError) as refused:
        ITEMS.read(upload(data))

    # then each one is named, in the order of the sheet
    assert refused.value.cells == [
        CellError(2, "Quantity", "Not a whole number."),
        CellError(3, "Code", "Required."),
        CellError(3, "Price", "At most 2 decimal places."),
        CellError(4, "Code", "The same value is in row 2."),
        CellError(4, "Quantity", "At least 0."),
    ]
    assert str(refused.value.cells[0]) == "Row 2, column 'Quantity': Not a whole number."


def test_a_missing_required_column_refuses_the_file():
    with pytest.raises(SheetImportError) as refused:
        ITEMS.read(upload(b"code\nA1\n"))

    assert refused.value.cells == [CellError(None, None, "Missing columns: 'Quantity'")]


def test_a_service_refusal_keyed_by_row_and_field_points_at_the_cell():
    # given a service that refuses the second row's quantity and writes nothing
    written = []

    def write(rows):
        raise DomainError("No.", errors={"rows[1].qty": ["Too many."], "rows[0]": ["Taken."]})

    # when the file is imported
    with pytest.raises(SheetImportError) as refused:
        sheet_import(ITEMS, upload(b"code,qty\nA1,1\nB2,2\n"), write)

    # then the errors point at the cells of the sheet
    assert refused.value.cells == [
        CellError(3, "Quantity", "Too many."),
        CellError(2, None, "Taken."),
    ]
    assert written == []


def test_the_export_reads_back_to_the_same_rows():
    # given records exported in English
    records = [
        {"code": "=A1", "qty": 3, "price": Decimal("1.50"), "active": False},
        {"code": "B2", "qty": 0, "price": None, "active": True},
    ]
    with translation.override("en"):
        data = ITEMS.export(records)

    # then the headers are the labels and a template sheet explains the columns
    book = load_workbook(io.BytesIO(data))
    assert [c.value for c in book.worksheets[0][1]] == ["Code", "Quantity", "Price", "Active"]
    assert book.worksheets[1].title == "Help"

    # and importing it gives the records back (the formula-looking code escaped and restored)
    assert ITEMS.read(upload(data, "items.xlsx")).values == records
