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


def test_more_rows_than_allowed_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 2

    with pytest.raises(DomainError) as refused:
        read_csv_text("a\n1\n2\n3\n")

    assert refused.value.code == "too_many_rows"


def xlsx_with_far_rows(*rows: tuple[int, str]) -> bytes:
    """A workbook whose sheet has a header and a cell in each given row (openpyxl writes only
    those rows: building a sheet that says it runs to row 1,000,000 costs nothing)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "qty"])
    for row, value in rows:
        sheet.cell(row=row, column=1, value=value)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_a_file_over_the_byte_cap_is_refused_before_it_is_parsed(settings, monkeypatch):
    # given a cap of 1 KB and a 2 KB file; the parser must not be reached
    settings.IMPORT_MAX_BYTES = 1024
    monkeypatch.setattr(tabular, "decode_csv", lambda data: pytest.fail("parsed"))
    monkeypatch.setattr(tabular, "load_workbook", lambda *a, **k: pytest.fail("parsed"))

    # when it is read, as CSV or as a workbook
    for name in ("big.csv", "big.xlsx"):
        with pytest.raises(DomainError) as refused:
            read_table(upload(b"a" * 2048, name))

        # then it is refused with the cap in the message
        assert refused.value.code == "file_too_large"
        assert str(refused.value.message) == (
            "The file is larger than 0.000976562 MB; split it into smaller files."
        )


def test_a_sheet_that_runs_to_row_a_million_stops_after_the_blank_run():
    # given a workbook with one data row and a cell a million rows down
    data = xlsx_with_far_rows((2, "ST-1"), (1_000_000, "far away"))

    # when it is read
    rows = read_table(upload(data, "far.xlsx"))

    # then the data row is read and the reader stopped after the run of blank rows
    assert cells_and_numbers(rows) == [({"code": "ST-1", "qty": ""}, 2)]
    assert rows.rows_read == 2 + tabular.BLANK_ROWS_ENOUGH


def test_a_csv_of_a_million_blank_lines_stops_after_the_blank_run():
    rows = read_csv_text("code,qty\nST-1,3\n" + "\n" * 1_000_000 + "late,1\n")

    assert cells_and_numbers(rows) == [({"code": "ST-1", "qty": "3"}, 2)]
    assert rows.rows_read == 2 + tabular.BLANK_ROWS_ENOUGH


def test_rows_past_the_row_cap_stop_the_reading_at_the_cap(settings):
    settings.IMPORT_MAX_ROWS = 3
    data = xlsx_with_far_rows(*[(n, f"ST-{n}") for n in range(2, 500)])

    with pytest.raises(DomainError) as refused:
        read_table(upload(data, "many.xlsx"))

    assert refused.value.code == "too_many_rows"


def test_a_tech_pack_sheet_stops_after_the_blank_run():
    data = xlsx_with_far_rows((3, "OP1"), (1_000_000, "far away"))
    book = tabular.open_workbook(upload(data, "pack.xlsx"))

    values = tabular.sheet_values(book, book.sheetnames[0])

    assert [row[0] for row in values] == ["code", None, "OP1"]
