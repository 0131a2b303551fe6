"""core.tabular: the one reader of uploaded CSV and Excel files."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from core import tabular
from core.errors import DomainError
from core.tabular import read_csv_text, read_table

CHINESE_CSV = "款号,颜色,尺码,数量\nST-1,黑色,M,120\n\nST-1,藏青,L,80\n"
HEADERS = {"款号": "style", "颜色": "colour", "尺码": "size", "数量": "quantity"}


def upload(data: bytes, name: str = "table.csv") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def cells_and_numbers(rows):
    return [(dict(row), row.number) for row in rows]


EXPECTED = [
    ({"款号": "ST-1", "颜色": "黑色", "尺码": "M", "数量": "120"}, 2),
    ({"款号": "ST-1", "颜色": "藏青", "尺码": "L", "数量": "80"}, 4),  # row 3 is blank
]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(CHINESE_CSV.encode("gbk"), id="gbk"),
        pytest.param(CHINESE_CSV.encode("gb18030"), id="gb18030"),
        pytest.param(CHINESE_CSV.encode("utf-8-sig"), id="utf-8 with bom"),
        pytest.param(CHINESE_CSV.encode("utf-8"), id="utf-8"),
        pytest.param(CHINESE_CSV.replace(",", "\t").encode("utf-16"), id="utf-16 unicode text"),
    ],
)
def test_every_encoding_excel_writes_reads_the_same_rows(data):
    assert cells_and_numbers(read_table(upload(data))) == EXPECTED


def test_the_gbk_bytes_really_are_not_utf8():
    with pytest.raises(UnicodeDecodeError):
        CHINESE_CSV.encode("gbk").decode("utf-8")


def test_aliases_name_chinese_headers_by_their_columns():
    rows = read_table(upload(CHINESE_CSV.encode("gbk")), aliases=HEADERS)

    assert dict(rows[0]) == {"style": "ST-1", "colour": "黑色", "size": "M", "quantity": "120"}


def test_headers_match_without_case_and_short_rows_are_padded():
    rows = read_csv_text("Code,Kind,Name\nst-1,cutter\n")

    assert cells_and_numbers(rows) == [({"code": "st-1", "kind": "cutter", "name": ""}, 2)]


def test_a_workbook_gives_text_cells_with_row_numbers():
    book = Workbook()
    sheet = book.active
    sheet.append(["款号", "日期", "数量"])
    sheet.append(["ST-1", dt.datetime(2026, 3, 2, 0, 0), 12.0])
    sheet.append([None, None, None])
    sheet.append(["ST-2", dt.date(2026, 3, 3), 7])
    data = io.BytesIO()
    book.save(data)

    rows = read_table(upload(data.getvalue(), "sales.xlsx"))

    assert cells_and_numbers(rows) == [
        ({"款号": "ST-1", "日期": "2026-03-02", "数量": "12"}, 2),
        ({"款号": "ST-2", "日期": "2026-03-03", "数量": "7"}, 4),
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"a,b\n\x80\xff,1\n", "t.csv", "The file is not text in UTF-8 or GBK"),
        (b"\x00\x01 not a workbook", "t.xlsx", "The file is not an Excel workbook"),
        (b"", "t.csv", "The file is empty."),
        (b",,\n1,2,3\n", "t.csv", "The file has no header row."),
    ],
)
def test_a_bad_file_is_a_clear_error(data, name, message):
    with pytest.raises(DomainError) as refused:
        read_table(upload(data, name))

    assert str(refused.value.message).startswith(message)
    assert refused.value.code == "malformed_file"
    assert list(refused.value.errors) == ["file"]


def test_more_rows_than_allowed_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 2)

    with pytest.raises(DomainError) as refused:
        read_csv_text("a\n1\n2\n3\n")

    assert refused.value.code == "too_many_rows"
