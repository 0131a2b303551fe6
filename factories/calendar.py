"""A factory's working calendar: which days it works, its shift windows, and its lines' capacity.

The one calendar of the platform (scheduling, capable-to-promise, payroll's rest days and holiday
premiums, the dashboards' plan curve and the alarms' shift window all read it). A day's kind comes
from, in order:
1. the factory's own `CalendarDay` row for the date, if any (it overrides everything below);
2. the statutory calendar the factory follows (`Factory.statutory_calendar`): for China, the
   statutory public holidays (computed for any year) and the yearly arrangement of rest days and
   adjusted working days (调休) from the `chinese-calendar` package (`factories.statutory`);
3. the factory's working week (`Factory.working_weekdays`, Monday–Saturday by default).
A year whose arrangement is not published yet has its statutory holidays and otherwise follows
the working week; the factory adds the rest of that year's arrangement by hand if it needs it.
A statutory holiday stays one for wages (`CalendarEntry.statutory_holiday`) even where the
factory decides to work it.

Capacity is in SAM minutes a line can produce on a day:
    headcount × (shift minutes + overtime minutes) × efficiency
Headcount and efficiency come from the line's day plan (`LineDayPlan`) or, without one, from the
line itself; shift minutes from the line's shift or the factory's default shift.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from factories import statutory
from factories.clock import factory_zone, local_date
from factories.models import CalendarDay, LineDayPlan, SewingLine, Shift, StatutoryCalendar

DayKind = CalendarDay.Kind
DEFAULT_SHIFT_MINUTES = 480
DEFAULT_SHIFT_START = time(8, 0)
DEFAULT_SHIFT_END = time(17, 0)


@dataclass(frozen=True)
class CalendarEntry:
    """What one date is for a factory, and who said so."""

    day: date
    kind: str  # DayKind: workday, rest or holiday
    overtime_minutes: int = 0
    note: str = ""
    source: str = "week"  # "factory" (a CalendarDay row), "statutory" or "week"
    # A public holiday by law, even where the factory decided to work it: its wages carry the
    # holiday premium whatever the factory's own calendar says.
    statutory_holiday: bool = False

    @property
    def is_working(self) -> bool:
        return self.kind == DayKind.WORKDAY


def days_between(start: date, end: date) -> list[date]:
    """Every date from start to end inclusive."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _base_entry(factory, day: date) -> CalendarEntry:
    if factory.statutory_calendar == StatutoryCalendar.CHINA:
        arranged = statutory.arranged_kind(day)
        if arranged is not None:
            kind, festival = arranged
            return CalendarEntry(
                day,
                kind,
                note=str(festival),
                source="statutory",
                statutory_holiday=kind == DayKind.HOLIDAY,
            )
    weekdays = factory.working_weekdays
    if weekdays is None:
        weekdays = [0, 1, 2, 3, 4, 5]
    kind = DayKind.WORKDAY if day.weekday() in weekdays else DayKind.REST
    return CalendarEntry(day, kind, source="week")


def calendar_days(factory, start: date, end: date) -> dict[date, CalendarEntry]:
    """The factory's calendar for every date from start to end inclusive."""
    overrides = {
        row.date: row
        for row in CalendarDay.objects.filter(factory_id=factory.pk, date__range=(start, end))
    }
    result = {}
    for day in days_between(start, end):
        row = overrides.get(day)
        if row is None:
            result[day] = _base_entry(factory, day)
        else:
            by_law = (
                factory.statutory_calendar == StatutoryCalendar.CHINA
                and statutory.statutory_name(day) is not None
            )
            result[day] = CalendarEntry(
                day,
                row.kind,
                row.overtime_minutes,
                row.note,
                source="factory",
                statutory_holiday=by_law or row.kind == DayKind.HOLIDAY,
            )
    return result


def calendar_day(factory, day: date) -> CalendarEntry:
    return calendar_days(factory, day, day)[day]


def is_working_day(factory, day: date) -> bool:
    return calendar_day(factory, day).is_working


def working_days(factory, start: date, end: date) -> list[date]:
    """The factory's working days from start to end inclusive."""
    return [d for d, entry in calendar_days(factory, start, end).items() if entry.is_working]


def working_days_after(factory, start: date, count: int) -> date:
    """The date `count` working days after `start` (start itself not counted)."""
    current, chunk = start, max(14, count * 2)
    while True:
        entries = calendar_days(factory, current + timedelta(days=1), current + timedelta(chunk))
        for day, entry in entries.items():
            if count <= 0:
                return current
            current = day
            if entry.is_working:
                count -= 1
        if count <= 0:
            return current


def working_days_between(factory, start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    if end <= start:
        return 0
    return len(working_days(factory, start + timedelta(days=1), end))


# --- shifts ----------------------------------------------------------------------------------
def default_shift(factory) -> Shift | None:
    return Shift.objects.filter(factory_id=factory.pk).order_by("-is_default", "starts_at").first()


@dataclass(frozen=True)
class ShiftWindow:
    """A shift on one local day, as UTC instants; `minutes` are its paid minutes."""

    day: date
    start: datetime
    end: datetime
    minutes: int
    shift_id: int | None


def shift_window(factory, day: date, shift: Shift | None = None) -> ShiftWindow:
    """The window of `shift` (or the factory's default shift, else 08:00–17:00) on `day`,
    whether or not the day is worked. A shift may run past midnight."""
    shift = shift or default_shift(factory)
    zone = factory_zone(factory)
    starts = shift.starts_at if shift else DEFAULT_SHIFT_START
    ends = shift.ends_at if shift else DEFAULT_SHIFT_END
    start = datetime.combine(day, starts, tzinfo=zone)
    end = datetime.combine(day if ends > starts else day + timedelta(days=1), ends, tzinfo=zone)
    minutes = shift.minutes if shift else DEFAULT_SHIFT_MINUTES
    return ShiftWindow(day, start, end, minutes, shift.pk if shift else None)


def shift_windows(factory, start: date, end: date) -> list[ShiftWindow]:
    """The factory's shift windows on its working days from start to end: every shift of the
    factory that a line works, or the default shift when no line names one."""
    shift_ids = set(
        SewingLine.objects.filter(factory_id=factory.pk, is_active=True, shift__isnull=False)
        .values_list("shift_id", flat=True)
        .distinct()
    )
    shifts = list(Shift.objects.filter(factory_id=factory.pk, pk__in=shift_ids)) or [
        default_shift(factory)
    ]
    return [
        shift_window(factory, day, shift)
        for day in working_days(factory, start, end)
        for shift in shifts
    ]


def shift_window_at(factory, moment: datetime) -> ShiftWindow | None:
    """The factory's shift window that contains `moment` on a working day of its calendar (a
    night shift begun the evening before counts), or None outside every shift: on a rest day or
    a holiday no shift runs."""
    day = local_date(factory, moment)
    for window in shift_windows(factory, day - timedelta(days=1), day):
        if window.start <= moment < window.end:
            return window
    return None


# --- capacity --------------------------------------------------------------------------------
def _shift_minutes(factory) -> tuple[int, dict[int, int]]:
    """The default shift's paid minutes (480 without shifts) and every shift's, in one query;
    the default is the one `default_shift` picks."""
    shifts = list(Shift.objects.filter(factory_id=factory.pk).order_by("-is_default", "starts_at"))
    default_minutes = shifts[0].minutes if shifts else DEFAULT_SHIFT_MINUTES
    return default_minutes, {shift.pk: shift.minutes for shift in shifts}


def line_capacity(
    *, factory, start: date, end: date, lines: Iterable[SewingLine] | None = None
) -> dict[int, dict[date, int]]:
    """SAM minutes each active line can produce on each date of the range (0 on days off)."""
    if lines is None:
        lines = SewingLine.objects.filter(factory=factory, is_active=True)
    lines = list(lines)
    default_minutes, shift_minutes = _shift_minutes(factory)
    plans = {
        (plan.line_id, plan.date): plan
        for plan in LineDayPlan.objects.filter(
            factory=factory, line__in=lines, date__range=(start, end)
        )
    }
    calendar = calendar_days(factory, start, end)
    capacity: dict[int, dict[date, int]] = {}
    for line in lines:
        minutes = shift_minutes.get(line.shift_id, default_minutes)
        per_day = {}
        for day, entry in calendar.items():
            if not entry.is_working:
                per_day[day] = 0
                continue
            plan = plans.get((line.pk, day))
            headcount = plan.headcount if plan else line.planned_headcount
            efficiency = (plan.efficiency if plan and plan.efficiency else None) or line.efficiency
            per_day[day] = int(headcount * (minutes + entry.overtime_minutes) * Decimal(efficiency))
        capacity[line.pk] = per_day
    return capacity


def operator_day_minutes(
    *, factory, start: date, end: date, line_ids: Iterable[int | None]
) -> dict[int | None, dict[date, int]]:
    """Minutes one operator of each line works on each date from start to end: the line's
    shift (else the factory's default shift) plus the date's overtime, whether or not the date
    is a working day — an operator who came in on a rest day worked a shift. Key None: an
    operator recorded on no line."""
    default_minutes, shift_minutes = _shift_minutes(factory)
    line_shift = dict(
        SewingLine.objects.filter(factory=factory, pk__in=[i for i in line_ids if i]).values_list(
            "pk", "shift_id"
        )
    )
    calendar = calendar_days(factory, start, end)
    result = {}
    for line_id in set(line_ids):
        minutes = shift_minutes.get(line_shift.get(line_id), default_minutes)
        result[line_id] = {day: minutes + entry.overtime_minutes for day, entry in calendar.items()}
    return result
