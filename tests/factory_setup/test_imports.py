"""Excel import and export of the set-up lists: every cell checked, every error named by row
and column, nothing written on any error; an export imports back unchanged."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.sheet_lists import CellError, SheetImportError, sheet_import
from factories import services, sheets
from factories.models import CalendarDay, SewingLine, Shift, Station, Worker, WorkerSkill
from tests.factories import (
    CalendarDayFactory,
    SewingLineFactory,
    ShiftFactory,
    StationFactory,
    WorkerFactory,
    WorkerSkillFactory,
)
from tests.factory_setup.conftest import upload

pytestmark = pytest.mark.django_db


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot(factory) -> dict:
    return {
        model.__name__: list(model.objects.filter(factory=factory).order_by("pk").values())
        for model in (SewingLine, Station, Worker, WorkerSkill, Shift, CalendarDay)
    }


def test_a_good_workers_file_adds_and_updates_by_employee_number(owner, factory):
    # given a line and a worker already on file
    SewingLineFactory(factory=factory, code="L1")
    WorkerFactory(
        factory=factory, line=SewingLineFactory(factory=factory, code="L2"), employee_no="E001"
    )
    data = workbook(
        [
            ["Employee number", "Badge", "Name", "Line code", "Machine types", "Hired on"],
            ["E001", "B0001", "王芳", "L1", "lockstitch", dt.date(2025, 1, 6)],
            ["E002", "B0002", "李娜", "", "overlock, bartack", None],
        ]
    )

    # when it is imported on the page
    response = owner.post(
        reverse("factories:workers-import"), {"file": upload(data, "workers.xlsx")}
    )

    # then one worker is updated and one added, with their skills
    assert response.status_code == 302
    rows = Worker.objects.filter(factory=factory).order_by("employee_no")
    assert [
        (w.employee_no, w.badge_id, w.name, w.line.code if w.line else None, w.hired_on)
        for w in rows
    ] == [
        ("E001", "B000001", "王芳", "L1", dt.date(2025, 1, 6)),
        ("E002", "B000002", "李娜", None, None),
    ]
    assert sorted(WorkerSkill.objects.values_list("worker__employee_no", "machine_type")) == [
        ("E001", "lockstitch"),
        ("E002", "bartack"),
        ("E002", "overlock"),
    ]


def test_a_workers_file_with_bad_cells_names_each_and_writes_nothing(owner, factory):
    # given a factory with one worker
    WorkerFactory(
        factory=factory,
        line=SewingLineFactory(factory=factory, code="L1"),
        employee_no="E001",
        badge_id="B0001",
    )
    before = snapshot(factory)
    data = workbook(
        [
            ["工号", "工牌", "姓名", "产线", "技能等级"],
            ["E002", "B0002", "好的", "L1", 2],
            ["E003", "", "没有工牌", "L1", 2],
            ["E004", "B0004", "坏等级", "L1", "x"],
            ["E005", "B0002", "重复工牌", "L1", 2],
            ["E006", "B0001", "别人的工牌", "L9", 2],
        ]
    )

    # when it is imported
    response = owner.post(
        reverse("factories:workers-import"), {"file": upload(data, "workers.xlsx")}
    )

    # then every bad cell is listed (the parse errors first: the service never ran)
    assert response.status_code == 400
    assert response.context["cells"] == [
        CellError(3, "Badge", "Required."),
        CellError(4, "Skill grade", "Not a whole number."),
        CellError(5, "Badge", "The same value is in row 2."),
    ]
    assert "row 3" in response.content.decode()
    assert snapshot(factory) == before


def test_a_service_refusal_points_at_the_cell(factory):
    # given a file whose cells parse but whose line and badge the factory refuses
    WorkerFactory(
        factory=factory,
        line=SewingLineFactory(factory=factory, code="L1"),
        employee_no="E001",
        badge_id="B0001",
    )
    before = snapshot(factory)
    data = workbook(
        [
            ["Employee number", "Badge", "Name", "Line code"],
            ["E002", "B0002", "Good", "L1"],
            ["E003", "B0003", "No such line", "L9"],
            ["E004", "B0001", "Taken badge", "L1"],
        ]
    )

    # when it is imported
    with pytest.raises(SheetImportError) as refused:
        sheet_import(
            sheets.WORKERS,
            upload(data, "w.xlsx"),
            lambda rows: services.workers_import(factory=factory, rows=rows, by=None),
        )

    # then the errors name the cells, and nothing was written (the good row neither)
    assert refused.value.cells == [
        CellError(3, "Line code", "No sewing line with the code L9."),
        CellError(4, "Badge", "Already used by another worker in this factory."),
    ]
    assert snapshot(factory) == before


def test_a_gbk_csv_with_chinese_headers_imports_lines(owner, factory):
    ShiftFactory(factory=factory, code="DAY")
    data = "编号,名称,计划人数,班次\nL1,一号吊挂线,24,DAY\nL2,二号线,18,\n".encode("gbk")

    response = owner.post(reverse("factories:lines-import"), {"file": upload(data, "lines.csv")})

    assert response.status_code == 302
    assert list(
        SewingLine.objects.order_by("code").values_list(
            "code", "name", "planned_headcount", "shift__code"
        )
    ) == [("L1", "一号吊挂线", 24, "DAY"), ("L2", "二号线", 18, None)]


def test_a_stations_file_naming_another_factorys_line_is_refused(factory, other_factory):
    SewingLineFactory(factory=other_factory, code="L1")
    data = b"code,line\nS01,L1\n"

    with pytest.raises(SheetImportError) as refused:
        sheet_import(
            sheets.STATIONS,
            upload(data, "s.csv"),
            lambda rows: services.stations_import(factory=factory, rows=rows, by=None),
        )

    assert refused.value.cells == [CellError(2, "Line code", "No sewing line with the code L1.")]
    assert Station.objects.count() == 0


def test_two_default_shifts_in_one_file_are_refused(factory):
    data = "code,name,starts_at,ends_at,is_default\nA,A,08:00,17:00,yes\nB,B,20:00,05:00,是\n"

    with pytest.raises(SheetImportError) as refused:
        sheet_import(
            sheets.SHIFTS,
            upload(data.encode(), "s.csv"),
            lambda rows: services.shifts_import(factory=factory, rows=rows, by=None),
        )

    assert refused.value.cells == [
        CellError(3, "Default shift", "Only one shift can be the default.")
    ]
    assert Shift.objects.count() == 0


def test_calendar_days_import_sets_and_removes_the_factorys_own_days(factory):
    CalendarDayFactory(factory=factory, date=dt.date(2026, 12, 5), kind=CalendarDay.Kind.REST)
    data = "date,kind,overtime_minutes,note\n2026-12-05,,,\n2026-12-06,Working day,120,赶货\n"

    saved = sheet_import(
        sheets.CALENDAR_DAYS,
        upload(data.encode(), "c.csv"),
        lambda rows: services.calendar_days_import(factory=factory, rows=rows, by=None),
    )

    assert len(saved) == 2
    assert list(CalendarDay.objects.values_list("date", "kind", "overtime_minutes", "note")) == [
        (dt.date(2026, 12, 6), "workday", 120, "赶货")
    ]


def _fill(factory):
    shift = ShiftFactory(factory=factory, code="DAY", name="Day", is_default=True)
    line = SewingLineFactory(
        factory=factory, code="L1", name="=SUM(A1)", shift=shift, efficiency=Decimal("0.80")
    )
    StationFactory(line=line, code="S01", position=1, machine_type="lockstitch")
    worker = WorkerFactory(
        line=line,
        employee_no="E001",
        badge_id="B000041",
        name="李娜",
        hired_on=dt.date(2025, 3, 1),
        bank_account="6222 0202 0000 1234",  # exported masked; imported back, kept
    )
    WorkerSkillFactory(worker=worker, machine_type="overlock")
    CalendarDayFactory(
        factory=factory,
        date=dt.date(2026, 12, 12),
        kind="workday",
        overtime_minutes=90,
        note="补班",
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("key", ["lines", "stations", "workers", "shifts", "calendar"])
def test_an_export_imports_back_unchanged(owner, factory, key, language):
    # given a factory with a row in every list, exported in the user's language
    _fill(factory)
    before = snapshot(factory)
    with translation.override(language):
        exported = owner.get(reverse(f"factories:{key}-export"), HTTP_ACCEPT_LANGUAGE=language)
    assert exported.status_code == 200
    book = load_workbook(io.BytesIO(exported.content))
    assert book.worksheets[0].max_row == 2

    # when the file is imported as it is
    response = owner.post(
        reverse(f"factories:{key}-import"), {"file": upload(exported.content, f"{key}.xlsx")}
    )

    # then nothing changed
    assert response.status_code == 302, response.context and response.context["cells"]
    assert snapshot(factory) == before


def test_the_template_has_the_headers_and_no_rows(owner):
    response = owner.get(reverse("factories:workers-template"))

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == [
        "Employee number",
        "Badge",
        "Name",
        "Line code",
        "Department",
        "Skill grade",
        "Machine types",
        "Hired on",
        "Left on",
        "Bank account",
        "Active",
    ]
    assert sheet.max_row == 1


def test_an_import_of_a_file_that_is_not_a_table_is_refused_on_the_file_field(owner, factory):
    response = owner.post(
        reverse("factories:lines-import"), {"file": upload(b"PK\x03\x04junk", "x.xlsx")}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["The file is not an Excel workbook (.xlsx)."]
    assert SewingLine.objects.count() == 0


def test_a_file_without_optional_columns_keeps_the_stored_values(factory):
    # given a worker with a line, a bank account and a skill
    line = SewingLineFactory(factory=factory, code="L1")
    worker = WorkerFactory(
        line=line, employee_no="E001", badge_id="B0001", bank_account="6222", name="Old"
    )
    WorkerSkillFactory(worker=worker, machine_type="overlock")

    # when a file of only the required columns renames them
    sheet_import(
        sheets.WORKERS,
        upload("工号,工牌,姓名\nE001,B0001,新名字\n".encode("gbk"), "w.csv"),
        lambda rows: services.workers_import(factory=factory, rows=rows, by=None),
    )

    # then only the name changed
    worker.refresh_from_db()
    assert (worker.name, worker.line_id, worker.bank_account) == ("新名字", line.pk, "6222")
    assert list(WorkerSkill.objects.values_list("machine_type", flat=True)) == ["overlock"]
