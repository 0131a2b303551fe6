"""The finite-capacity planner, as a pure function (no database): `plan(jobs, capacity, …)`.

A job is a work order's remaining load in SAM minutes (Σ SAM × quantity). A line's capacity per
day is in SAM minutes (headcount × shift minutes × efficiency, from `factories.calendar`). Jobs
are sequenced by priority, then due date; each goes to the line where it would finish earliest,
after the line's previous job. A line works one job after the other: a change of style costs
`changeover_minutes` of capacity and the first days of a new style run at the learning curve's
fraction of normal pace. A job may be pinned to a line and a not-before date (a planner moved it);
it is sequenced by that date when earlier than its due date (a reorder), and everything sequenced
after it on that line follows it. No line is ever booked past its capacity
on any day; a job that does not fit in the horizon is returned unplaced.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

DEFAULT_CHANGEOVER_MINUTES = 120
# Fraction of normal pace on the 1st, 2nd, 3rd day of a style new to the line.
DEFAULT_LEARNING_CURVE = (0.6, 0.8, 0.9)


@dataclass(frozen=True)
class Job:
    key: int
    load: float  # SAM minutes still to produce
    due: date
    priority: int = 0  # higher goes first
    style: str = ""
    pinned_line: int | None = None
    not_before: date | None = None


@dataclass
class Booking:
    key: int
    line: int
    start: date
    finish: date
    days: dict[date, int] = field(default_factory=dict)  # capacity minutes used per day
    changeover_minutes: int = 0
    late_days: int = 0


@dataclass
class Plan:
    bookings: dict[int, Booking]
    unplaced: list[int]
    sequence: list[int]  # job keys in planning order

    @property
    def late(self) -> list[Booking]:
        return [b for b in self.bookings.values() if b.late_days > 0]

    def booked(self) -> dict[int, dict[date, int]]:
        """Capacity minutes booked per line and day."""
        result: dict[int, dict[date, int]] = {}
        for booking in self.bookings.values():
            per_day = result.setdefault(booking.line, {})
            for day, minutes in booking.days.items():
                per_day[day] = per_day.get(day, 0) + minutes
        return result


@dataclass
class _LineState:
    index: int = 0  # index into the horizon's days
    used: int = 0  # minutes already used on that day
    style: str | None = None


def sequence_key(job: Job):
    """Priority first, then the job's anchor: its due date, or the start a planner moved it to
    when that is earlier, so that dropping a job in front of another on a line puts it first."""
    anchor = min(job.due, job.not_before) if job.not_before else job.due
    return (-job.priority, anchor, job.key)


def _simulate(job, line, state, days, day_index, capacity, changeover, curve):
    """Book `job` on `line` after `state`; returns (booking, new state) or None if it won't fit."""
    per_day = capacity[line]
    index, used = state.index, state.used
    if job.not_before is not None:
        start_index = day_index.get(job.not_before)
        if start_index is None:
            start_index = len(days) if job.not_before > days[-1] else 0
        if start_index > index:
            index, used = start_index, 0
    new_style = state.style is not None and state.style != job.style
    changeover_left = changeover if new_style else 0
    remaining = float(job.load)
    worked_days = 0
    booked: dict[date, int] = {}
    start = None
    while remaining > 1e-9 or changeover_left > 0:
        if index >= len(days):
            return None
        day = days[index]
        free = per_day.get(day, 0) - used
        if free <= 0:
            index, used = index + 1, 0
            continue
        taken = 0
        if changeover_left:
            taken = min(free, changeover_left)
            changeover_left -= taken
        if changeover_left == 0 and remaining > 1e-9 and free > taken:
            pace = curve[worked_days] if new_style and worked_days < len(curve) else 1.0
            work = min(free - taken, math.ceil(remaining / pace - 1e-9))
            remaining = max(0.0, remaining - work * pace)
            taken += work
            worked_days += 1
        booked[day] = taken
        start = start or day
        used += taken
        if used >= per_day.get(day, 0):
            index, used = index + 1, 0
    finish = max(booked) if booked else (start or days[min(index, len(days) - 1)])
    booking = Booking(
        key=job.key,
        line=line,
        start=start or finish,
        finish=finish,
        days=booked,
        changeover_minutes=changeover if new_style else 0,
        late_days=max(0, (finish - job.due).days),
    )
    return booking, _LineState(index=index, used=used, style=job.style)


def plan(
    jobs: Sequence[Job],
    capacity: dict[int, dict[date, int]],
    *,
    line_styles: dict[int, str] | None = None,
    changeover_minutes: int = DEFAULT_CHANGEOVER_MINUTES,
    learning_curve: Sequence[float] = DEFAULT_LEARNING_CURVE,
) -> Plan:
    """Plan `jobs` onto the lines of `capacity` ({line: {day: SAM minutes}})."""
    days = sorted({day for per_day in capacity.values() for day in per_day})
    day_index = {day: n for n, day in enumerate(days)}
    states = {line: _LineState(style=(line_styles or {}).get(line)) for line in capacity}
    ordered = sorted(jobs, key=sequence_key)
    bookings: dict[int, Booking] = {}
    unplaced: list[int] = []
    if not days:
        return Plan(bookings={}, unplaced=[job.key for job in ordered], sequence=[])
    for job in ordered:
        candidates = [job.pinned_line] if job.pinned_line in capacity else sorted(capacity)
        best = None
        for line in candidates:
            result = _simulate(
                job,
                line,
                states[line],
                days,
                day_index,
                capacity,
                changeover_minutes,
                learning_curve,
            )
            if result is None:
                continue
            booking, state = result
            rank = (booking.finish, state.index, state.used, line)
            if best is None or rank < best[0]:
                best = (rank, booking, state)
        if best is None:
            unplaced.append(job.key)
            continue
        _rank, booking, state = best
        bookings[job.key] = booking
        states[booking.line] = state
    return Plan(bookings=bookings, unplaced=unplaced, sequence=[job.key for job in ordered])
