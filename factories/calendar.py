"""A factory's working calendar and its lines' capacity per day.

Capacity is in SAM minutes a line can produce on a day:
    headcount × (shift minutes + overtime minutes) × efficiency
Headcount and efficiency come from the line's day plan (`LineDayPlan`) or, without one, from the
line itself; shift minutes from the line's shift or the factory's default shift; holidays and
overtime from `CalendarDay`. A date without a calendar row is a working day when its weekday is
in `WORKING_WEEKDAYS` (garment factories commonly work six days a week).
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from factories.models import CalendarDay, LineDayPlan, SewingLine, Shift

WORKING_WEEKDAYS = frozenset({0, 1, 2, 3, 4, 5})  # Monday … Saturday
DEFAULT_SHIFT_MINUTES = 480


def days_between(start: date, end: date) -> list[date]:
    """Every date from start to end inclusive."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def working_minutes_by_day(*, factory, start: date, end: date) -> dict[date, tuple[bool, int]]:
    """(is working day, overtime minutes) for each date in the range."""
    exceptions = {
        row.date: row
        for row in CalendarDay.objects.filter(factory=factory, date__range=(start, end))
    }
    result = {}
    for day in days_between(start, end):
        row = exceptions.get(day)
        if row is None:
            result[day] = (day.weekday() in WORKING_WEEKDAYS, 0)
        else:
            result[day] = (row.kind == CalendarDay.Kind.WORKDAY, row.overtime_minutes)
    return result


def line_capacity(
    *, factory, start: date, end: date, lines: Iterable[SewingLine] | None = None
) -> dict[int, dict[date, int]]:
    """SAM minutes each active line can produce on each date of the range (0 on days off)."""
    if lines is None:
        lines = SewingLine.objects.filter(factory=factory, is_active=True)
    lines = list(lines)
    default_shift = (
        Shift.objects.filter(factory=factory).order_by("-is_default", "starts_at").first()
    )
    default_minutes = default_shift.minutes if default_shift else DEFAULT_SHIFT_MINUTES
    shift_minutes = {shift.pk: shift.minutes for shift in Shift.objects.filter(factory=factory)}
    plans = {
        (plan.line_id, plan.date): plan
        for plan in LineDayPlan.objects.filter(
            factory=factory, line__in=lines, date__range=(start, end)
        )
    }
    calendar = working_minutes_by_day(factory=factory, start=start, end=end)
    capacity: dict[int, dict[date, int]] = {}
    for line in lines:
        minutes = shift_minutes.get(line.shift_id, default_minutes)
        per_day = {}
        for day, (working, overtime) in calendar.items():
            if not working:
                per_day[day] = 0
                continue
            plan = plans.get((line.pk, day))
            headcount = plan.headcount if plan else line.planned_headcount
            efficiency = (plan.efficiency if plan and plan.efficiency else None) or line.efficiency
            per_day[day] = int(headcount * (minutes + overtime) * Decimal(efficiency))
        capacity[line.pk] = per_day
    return capacity
