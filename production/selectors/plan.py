"""The plan: Gantt, load against capacity, capable-to-promise, and the plan curve (garments
planned per line and day, and per hour) the factory screen draws its output against."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, F, Q, Sum
from django.utils import timezone

from factories.calendar import (
    calendar_days,
    line_capacity,
    shift_window,
)
from factories.clock import factory_today, local_date, week_first
from factories.models import Factory, SewingLine
from production import scheduling
from production.models import (
    ScheduleEntry,
    WorkOrder,
)
from production.selectors.common import HOUR, OPEN_STATES
from production.selectors.progress import work_order_figures

GANTT_ZOOMS = {"day": (2, 35), "week": (0, 84)}  # days shown before today, days shown
# How many days a bar's label takes on the axis (about 12rem at the zoom's day width,
# production/static/production/schedule.css): a shorter bar shows its label beside it, and the
# lanes keep that room free so no label covers another bar.
GANTT_LABEL_DAYS = {"day": 4.0, "week": 12.0}


def gantt(
    factory: Factory,
    *,
    zoom: str = "day",
    now: datetime | None = None,
    first: date | None = None,
    days: int | None = None,
) -> dict:
    """The plan as a Gantt: one row per active line, each planned work order a bar whose start
    and end are positions on a time axis counted in days from `first` (the factory's dates).

    Within a day a bar covers the share of the line's capacity that day (from
    `factories.calendar.line_capacity`) its booked minutes take, after the work planned on that
    line before it: a work order that takes one and a half days' capacity is 1.5 days long, and
    the next one starts in the middle of the day. Days off are shaded; today's line stands at
    the share of today's shift that has passed on the factory's clock. Bars that would overlap
    (work put into a gap of the plan) get another lane.
    """
    now = now or timezone.now()
    today = factory_today(factory, now)
    zoom = zoom if zoom in GANTT_ZOOMS else "day"
    before, span = GANTT_ZOOMS[zoom]
    if first is None:
        first = week_first(today) if zoom == "week" else today - timedelta(days=before)
    span = days or span
    last = first + timedelta(days=span - 1)
    lines = list(
        SewingLine.objects.filter(factory=factory, is_active=True)
        .select_related("shift")
        .order_by("code")
    )
    capacity = line_capacity(factory=factory, start=first, end=last, lines=lines)
    calendar = calendar_days(factory, first, last)
    entries = list(
        ScheduleEntry.objects.filter(
            factory=factory,
            line__in=lines,
            start_date__lte=last,
            finish_date__gte=first,
        )
        .select_related("work_order", "work_order__version__style")
        .order_by("sequence", "pk")
    )
    figures = work_order_figures([entry.work_order for entry in entries], now=now)
    rows = {line.pk: {"line": line, "bars": [], "lanes": 1} for line in lines}
    used: dict[tuple[int, date], int] = defaultdict(int)
    for entry in entries:
        per_line = capacity[entry.line_id]
        start_at = end_at = None
        for iso, minutes in sorted((entry.daily_minutes or {}).items()):
            day = date.fromisoformat(iso)
            if not first <= day <= last:
                continue
            day_capacity = per_line.get(day) or 0
            offset = (day - first).days
            taken_before = used[(entry.line_id, day)]
            used[(entry.line_id, day)] += int(minutes)
            if day_capacity <= 0:  # the calendar changed since the plan: the whole day
                share_start, share_end = 0.0, 1.0
            else:
                share_start = min(1.0, taken_before / day_capacity)
                share_end = min(1.0, used[(entry.line_id, day)] / day_capacity)
            if start_at is None:
                start_at = offset + share_start
            end_at = offset + share_end
        clipped_left = entry.start_date < first
        clipped_right = entry.finish_date > last
        if start_at is None:  # booked only outside the window, or a plan without minutes
            start_at = max(0, (entry.start_date - first).days)
            end_at = min(span, (entry.finish_date - first).days + 1)
        if clipped_left:
            start_at = 0.0
        if clipped_right:
            end_at = float(span)
        wo = entry.work_order
        figure = figures.get(wo.pk, {})
        rows[entry.line_id]["bars"].append(
            {
                "entry": entry,
                "work_order": wo,
                "number": wo.number,
                "style": wo.version.style.number,
                "quantity": wo.quantity,
                "percent": figure.get("percent", 0),
                "left": round(start_at, 4),
                "width": round(max(end_at - start_at, 0.02), 4),
                "late": entry.late_days > 0,
                "late_days": entry.late_days,
                "pinned": entry.pinned_line_id is not None,
                "clipped_left": clipped_left,
                "clipped_right": clipped_right,
            }
        )
    label_days = GANTT_LABEL_DAYS[zoom]
    for row in rows.values():
        lane_ends: list[float] = []
        for bar in sorted(row["bars"], key=lambda b: b["left"]):
            lane = next(
                (n for n, end in enumerate(lane_ends) if end <= bar["left"] + 1e-6),
                len(lane_ends),
            )
            if lane == len(lane_ends):
                lane_ends.append(0.0)
            bar["narrow"] = bar["width"] < label_days
            lane_ends[lane] = bar["left"] + max(bar["width"], label_days)
            bar["lane"] = lane
        row["lanes"] = max(1, len(lane_ends))
    window = shift_window(factory, today)
    elapsed = (now - window.start).total_seconds() / (window.end - window.start).total_seconds()
    day_cells = [
        {
            "date": day,
            "x": n,
            "off": not calendar[day].is_working,
            "note": calendar[day].note,
            "today": day == today,
            "month_start": n == 0 or day.day == 1,
        }
        for n, day in enumerate(calendar)
    ]
    weeks = []
    for cell in day_cells:
        if cell["x"] == 0 or week_first(cell["date"]) == cell["date"]:
            weeks.append({"date": cell["date"], "x": cell["x"], "width": 0})
        weeks[-1]["width"] += 1
    unplaced = ScheduleEntry.objects.filter(factory=factory, is_unplaced=True).select_related(
        "work_order"
    )
    return {
        "zoom": zoom,
        "label_days": GANTT_LABEL_DAYS[zoom],
        "today": today,
        "first": first,
        "span": span,
        "days": day_cells,
        "weeks": weeks,
        "today_x": (
            round((today - first).days + min(1.0, max(0.0, elapsed)), 4)
            if first <= today <= last
            else None
        ),
        "rows": list(rows.values()),
        "unplaced": list(unplaced),
        "late": ScheduleEntry.objects.filter(factory=factory, late_days__gt=0).count(),
    }


def booked_minutes_by_line_day(factory: Factory) -> dict[int, dict[date, int]]:
    booked: dict[int, dict[date, int]] = defaultdict(dict)
    for line_id, daily in ScheduleEntry.objects.filter(
        factory=factory, line__isnull=False
    ).values_list("line_id", "daily_minutes"):
        per_day = booked[line_id]
        for iso, minutes in (daily or {}).items():
            day = date.fromisoformat(iso)
            per_day[day] = per_day.get(day, 0) + int(minutes)
    return booked


def load_by_week(factory: Factory, *, weeks: int = 12, today: date | None = None) -> list[dict]:
    """Capacity, booked load and free capacity (SAM minutes) per week, from this week."""
    today = today or factory_today(factory)
    monday = week_first(today)
    end = monday + timedelta(days=7 * weeks - 1)
    capacity = line_capacity(factory=factory, start=monday, end=end)
    booked = booked_minutes_by_line_day(factory)
    result = []
    for week in range(weeks):
        start = monday + timedelta(days=7 * week)
        days = [start + timedelta(days=n) for n in range(7)]
        cap = sum(per_day.get(day, 0) for per_day in capacity.values() for day in days)
        load = sum(per_day.get(day, 0) for per_day in booked.values() for day in days)
        result.append(
            {
                "week": start,
                "capacity": cap,
                "booked": load,
                "free": max(0, cap - load),
                "overload": max(0, load - cap),
                "percent": round(100 * load / cap) if cap else 0,
            }
        )
    return result


@dataclass(frozen=True)
class PlanPromise:
    finish: date  # the last sewing day if the order joined the plan now
    line_id: int | None
    order_minutes: int


def planned_work_minutes(factory: Factory) -> int:
    """SAM minutes (per garment × cut pieces) of the open work orders the plan has placed, and
    of those past sewing (finishing): what orders' booked load has that the plan accounts for."""
    return int(
        WorkOrder.objects.filter(factory=factory)
        .filter(Q(schedule_entries__line__isnull=False) | Q(status=WorkOrder.Status.FINISHING))
        .exclude(status__in=[WorkOrder.Status.DONE, WorkOrder.Status.CANCELLED])
        .aggregate(minutes=Sum(F("sam_per_garment") * F("cut_quantity")))["minutes"]
        or 0
    )


def promise_from_plan(
    *, factory: Factory, order_minutes: float, style: str = "", not_before: date | None = None
) -> PlanPromise:
    """When an order of `order_minutes` SAM would finish sewing, put into the free capacity the
    current plan leaves on each line (no line is booked past its capacity)."""
    # From tomorrow: today's capacity is already spoken for by the floor.
    tomorrow = factory_today(factory) + timedelta(days=1)
    start = max(tomorrow, not_before or tomorrow)
    booked = booked_minutes_by_line_day(factory)
    horizon = 120
    while True:
        capacity = line_capacity(factory=factory, start=start, end=start + timedelta(days=horizon))
        free = {
            line: {day: max(0, n - booked.get(line, {}).get(day, 0)) for day, n in days.items()}
            for line, days in capacity.items()
        }
        job = scheduling.Job(key=0, load=float(order_minutes), due=start, style=style)
        plan = scheduling.plan([job], free, changeover_minutes=0)
        if plan.bookings or horizon >= 730 or not capacity:
            break
        horizon *= 2
    booking = plan.bookings.get(0)
    if booking is None:
        return PlanPromise(
            finish=start + timedelta(days=horizon), line_id=None, order_minutes=int(order_minutes)
        )
    return PlanPromise(
        finish=booking.finish, line_id=booking.line, order_minutes=int(order_minutes)
    )


def planned_output(factory: Factory, first: date, last: date) -> dict[int, dict[date, float]]:
    """Garments each active line is planned to finish on each day from first to last.

    A line's capacity that day (`factories.calendar.line_capacity`: its shift, the factory's
    calendar, the line-day plan's headcount and efficiency) ÷ the SAM per garment of the work
    it sews: what the schedule placed on it that day (weighted by booked minutes), else its
    open work orders. Nothing on a day off, nor for a line without work.
    """
    lines = list(SewingLine.objects.filter(factory=factory, is_active=True))
    booked: dict[tuple[int, date], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for line_id, daily, sam in ScheduleEntry.objects.filter(
        factory=factory, line__in=lines, start_date__lte=last, finish_date__gte=first
    ).values_list("line_id", "daily_minutes", "work_order__sam_per_garment"):
        for iso, minutes in (daily or {}).items():
            day = date.fromisoformat(iso)
            if first <= day <= last and sam and minutes:
                entry = booked[(line_id, day)]
                entry[0] += float(minutes)
                entry[1] += float(minutes) / float(sam)
    open_sam = dict(
        WorkOrder.objects.filter(
            factory=factory, line__in=lines, status__in=OPEN_STATES, sam_per_garment__gt=0
        )
        .values("line_id")
        .annotate(sam=Avg("sam_per_garment"))
        .values_list("line_id", "sam")
    )
    capacity = line_capacity(factory=factory, start=first, end=last, lines=lines)
    plan: dict[int, dict[date, float]] = {line.pk: {} for line in lines}
    for line in lines:
        for day, minutes in capacity[line.pk].items():
            minutes_booked, garments_booked = booked.get((line.pk, day), (0.0, 0.0))
            sam = minutes_booked / garments_booked if garments_booked else open_sam.get(line.pk)
            if minutes and sam:
                plan[line.pk][day] = minutes / float(sam)
    return plan


def planned_output_by_hour(factory: Factory, hours: list[datetime]) -> list[float]:
    """Garments planned in each of the given local clock hours (their UTC starts): each line's
    day plan spread evenly over its shift that day, overtime added at the shift's end."""
    if not hours:
        return []
    first = local_date(factory, hours[0]) - timedelta(days=1)
    last = local_date(factory, hours[-1])
    plan = planned_output(factory, first, last)
    shifts = {
        line.pk: line.shift
        for line in SewingLine.objects.filter(factory=factory, pk__in=plan).select_related("shift")
    }
    calendar = calendar_days(factory, first, last)
    result = [0.0] * len(hours)
    for line_id, days in plan.items():
        for day, garments in days.items():
            window = shift_window(factory, day, shifts.get(line_id))
            end = window.end + timedelta(minutes=calendar[day].overtime_minutes)
            span = (end - window.start).total_seconds()
            for index, hour in enumerate(hours):
                overlap = (min(end, hour + HOUR) - max(window.start, hour)).total_seconds()
                if overlap > 0 and span > 0:
                    result[index] += garments * overlap / span
    return result
