"""The factory set-up lists as Excel sheets (core.sheet_lists): one declaration per list drives
its export, its template and its import. The column keys are the services' field names; a
related row (a station's line, a line's shift, a worker's line) is written as its code."""

from django.utils.translation import gettext_lazy as _

from core.privacy import mask_account
from core.sheet_lists import (
    Column,
    SheetList,
    boolean,
    choice,
    choice_label,
    clock_time,
    decimal,
    integer,
    iso_date,
    text,
)
from factories.badges import badge_normalise
from factories.models import CalendarDay, SewingLine, Shift, Station, Worker, WorkerSkill


def _skills(value: str) -> list[str]:
    return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]


LINES = SheetList(
    name="lines",
    title=_("Lines"),
    columns=[
        Column(
            "code",
            _("Code"),
            required=True,
            unique=True,
            parse=text(max_length=20),
            aliases=("编号", "线号"),
        ),
        Column("name", _("Name"), required=True, parse=text(max_length=100), aliases=("名称",)),
        Column("is_hanging", _("Hanging line"), parse=boolean, default=True, aliases=("吊挂线",)),
        Column(
            "planned_headcount",
            _("Planned headcount"),
            parse=integer(minimum=0),
            default=0,
            aliases=("计划人数",),
        ),
        Column(
            "efficiency",
            _("Planned efficiency"),
            parse=decimal(places=2, minimum=0),
            aliases=("计划效率",),
            help=_("0.75 is 75 %."),
        ),
        Column(
            "shift",
            _("Shift code"),
            parse=text(max_length=20),
            aliases=("班次",),
            help=_("Blank: the factory's default shift."),
        ),
        Column("is_active", _("Active"), parse=boolean, default=True, aliases=("启用",)),
    ],
)

STATIONS = SheetList(
    name="stations",
    title=_("Stations"),
    columns=[
        Column(
            "code",
            _("Code"),
            required=True,
            unique=True,
            parse=text(max_length=20),
            aliases=("工位号", "编号"),
        ),
        Column("line", _("Line code"), required=True, parse=text(max_length=20), aliases=("产线",)),
        Column("position", _("Position"), parse=integer(minimum=0), aliases=("位置",)),
        Column("machine_type", _("Machine type"), parse=text(max_length=60), aliases=("机器类型",)),
    ],
)

WORKERS = SheetList(
    name="workers",
    title=_("Workers"),
    columns=[
        Column(
            "employee_no",
            _("Employee number"),
            required=True,
            unique=True,
            parse=text(max_length=20),
            aliases=("工号",),
        ),
        Column(
            "badge_id",
            _("Badge"),
            required=True,
            unique=True,
            # "B41" and "B000041" are one badge: parsed to its one format, so a file that
            # names a badge twice in two forms is refused at the cell.
            parse=lambda cell: badge_normalise(text(max_length=40)(cell)),
            aliases=("工牌", "工牌号"),
        ),
        Column("name", _("Name"), required=True, parse=text(max_length=100), aliases=("姓名",)),
        Column("line", _("Line code"), parse=text(max_length=20), aliases=("产线",)),
        Column(
            "department",
            _("Department"),
            parse=text(max_length=60),
            default="sewing",
            aliases=("部门",),
        ),
        Column(
            "grade",
            _("Skill grade"),
            parse=integer(minimum=1, maximum=9),
            default=2,
            aliases=("技能等级",),
        ),
        Column(
            "skills",
            _("Machine types"),
            parse=_skills,
            default=None,
            aliases=("技能", "机器类型"),
            help=_("Comma-separated, e.g. lockstitch, overlock."),
        ),
        Column("hired_on", _("Hired on"), parse=iso_date, aliases=("入职日期",)),
        Column("left_on", _("Left on"), parse=iso_date, aliases=("离职日期",)),
        Column(
            "bank_account",
            _("Bank account"),
            parse=text(max_length=40),
            aliases=("银行账号",),
            help=_(
                "Exported masked (last four digits); a masked value imported back keeps the "
                "stored account. Type the full number to change it."
            ),
        ),
        Column("is_active", _("Active"), parse=boolean, default=True, aliases=("在职",)),
    ],
)

SHIFTS = SheetList(
    name="shifts",
    title=_("Shifts"),
    columns=[
        Column(
            "code",
            _("Code"),
            required=True,
            unique=True,
            parse=text(max_length=20),
            aliases=("编号",),
        ),
        Column("name", _("Name"), required=True, parse=text(max_length=60), aliases=("名称",)),
        Column("starts_at", _("Starts at"), required=True, parse=clock_time, aliases=("开始",)),
        Column("ends_at", _("Ends at"), required=True, parse=clock_time, aliases=("结束",)),
        Column(
            "break_minutes",
            _("Break minutes"),
            parse=integer(minimum=0, maximum=720),
            default=60,
            aliases=("休息分钟",),
        ),
        Column("is_default", _("Default shift"), parse=boolean, default=False, aliases=("默认",)),
    ],
)

CALENDAR_DAYS = SheetList(
    name="calendar",
    title=_("Calendar days"),
    columns=[
        Column("date", _("Date"), required=True, unique=True, parse=iso_date, aliases=("日期",)),
        Column(
            "kind",
            _("Kind"),
            parse=choice(CalendarDay.Kind.choices),
            aliases=("类型",),
            help=_(
                "Working day, rest day or public holiday; blank removes the factory's own word."
            ),
        ),
        Column(
            "overtime_minutes",
            _("Overtime minutes"),
            parse=integer(minimum=0, maximum=720),
            default=0,
            aliases=("加班分钟",),
        ),
        Column("note", _("Note"), parse=text(max_length=100), default="", aliases=("备注",)),
    ],
)


# --- The records each export writes (keys are the columns') ---------------------------------
def line_records(factory) -> list[dict]:
    return [
        {
            "code": line.code,
            "name": line.name,
            "is_hanging": line.is_hanging,
            "planned_headcount": line.planned_headcount,
            "efficiency": line.efficiency,
            "shift": line.shift.code if line.shift else None,
            "is_active": line.is_active,
        }
        for line in SewingLine.objects.filter(factory=factory).select_related("shift")
    ]


def station_records(factory) -> list[dict]:
    return [
        {
            "code": station.code,
            "line": station.line.code,
            "position": station.position,
            "machine_type": station.machine_type,
        }
        for station in Station.objects.filter(factory=factory).select_related("line")
    ]


def worker_records(factory) -> list[dict]:
    skills: dict[int, list[str]] = {}
    for worker_id, machine_type in (
        WorkerSkill.objects.filter(factory=factory, operation="")
        .exclude(machine_type="")
        .values_list("worker_id", "machine_type")
    ):
        skills.setdefault(worker_id, []).append(machine_type)
    return [
        {
            "employee_no": worker.employee_no,
            "badge_id": worker.badge_id,
            "name": worker.name,
            "line": worker.line.code if worker.line else None,
            "department": worker.department,
            "grade": worker.grade,
            "skills": skills.get(worker.pk, []),
            "hired_on": worker.hired_on,
            "left_on": worker.left_on,
            # Masked: a worker list is not a bank file (docs/privacy.md). Imported back
            # unchanged, the service keeps the stored number.
            "bank_account": mask_account(worker.bank_account),
            "is_active": worker.is_active,
        }
        for worker in Worker.objects.filter(factory=factory).select_related("line")
    ]


def shift_records(factory) -> list[dict]:
    return [
        {
            "code": shift.code,
            "name": shift.name,
            "starts_at": shift.starts_at.strftime("%H:%M"),
            "ends_at": shift.ends_at.strftime("%H:%M"),
            "break_minutes": shift.break_minutes,
            "is_default": shift.is_default,
        }
        for shift in Shift.objects.filter(factory=factory)
    ]


def calendar_day_records(factory) -> list[dict]:
    return [
        {
            "date": day.date,
            "kind": choice_label(CalendarDay.Kind.choices, day.kind),
            "overtime_minutes": day.overtime_minutes,
            "note": day.note,
        }
        for day in CalendarDay.objects.filter(factory=factory)
    ]
