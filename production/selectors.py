"""Reads of production/: the plan (Gantt, load vs capacity, capable-to-promise), work-order
and merchant-order progress and WIP, and quality figures."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from factories import calendar
from factories.calendar import line_capacity
from factories.clock import factory_today, week_first
from factories.models import Factory, SewingLine, Worker
from orders.models import Order, RoutingOperation, Style, StyleVersion
from orders.selectors import sell_through_version
from production import conf, scheduling
from production.models import (
    Bundle,
    Inspection,
    InspectionDefect,
    Lay,
    LineBalance,
    OperationRecord,
    ScheduleEntry,
    WorkOrder,
    WorkOrderLine,
    WorkOrderOperation,
)

LIVE = Q(voided_at__isnull=True)


# --- the plan --------------------------------------------------------------------------------
def gantt(factory: Factory, *, today: date | None = None, days: int = 42) -> dict:
    """Lines with their planned work orders as bars from `today` over `days` days."""
    today = today or factory_today(factory)
    end = today + timedelta(days=days - 1)
    lines = list(SewingLine.objects.filter(factory=factory, is_active=True))
    entries = (
        ScheduleEntry.objects.filter(factory=factory, line__isnull=False, finish_date__gte=today)
        .select_related("work_order", "work_order__version__style", "line")
        .order_by("line__code", "start_date", "sequence")
    )
    rows = {line.pk: {"line": line, "bars": []} for line in lines}
    for entry in entries:
        if entry.line_id not in rows or entry.start_date > end:
            continue
        start = max(entry.start_date, today)
        finish = min(entry.finish_date, end)
        rows[entry.line_id]["bars"].append(
            {
                "entry": entry,
                "offset": (start - today).days,
                "span": (finish - start).days + 1,
                "late": entry.late_days > 0,
            }
        )
    unplaced = ScheduleEntry.objects.filter(factory=factory, is_unplaced=True).select_related(
        "work_order"
    )
    return {
        "today": today,
        "days": [today + timedelta(days=n) for n in range(days)],
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


# --- capable-to-promise ----------------------------------------------------------------------
OPEN_ORDER_STATES = (Order.Status.PLACED, Order.Status.ACCEPTED)


@dataclass(frozen=True)
class Promise:
    date: date
    booked_minutes: int
    order_minutes: int
    daily_capacity_minutes: int
    working_days: int
    method: str = "booked-sam"


def daily_capacity_minutes(factory: Factory, *, day: date | None = None) -> int:
    """Productive sewing minutes of the factory's next working day (or of `day`): the
    calendar's line capacity (headcount × shift minutes × efficiency); a factory without lines
    counts its headcount on its default shift."""
    day = day or calendar.working_days_after(factory, factory_today(factory), 1)
    capacity = line_capacity(factory=factory, start=day, end=day)
    total = sum(per_day.get(day, 0) for per_day in capacity.values())
    if total <= 0:
        shift = calendar.default_shift(factory)
        minutes = shift.minutes if shift else calendar.DEFAULT_SHIFT_MINUTES
        efficiency = Decimal(str(conf.get("DEFAULT_EFFICIENCY")))
        total = int(Decimal(factory.headcount) * minutes * efficiency)
    return max(1, int(total))


def booked_minutes(factory: Factory, *, excluding_order: Order | None = None) -> int:
    """SAM minutes already committed: open work orders and accepted or placed orders (all but
    `excluding_order`, the one being promised)."""
    work = (
        WorkOrder.objects.filter(factory=factory)
        .exclude(status__in=[WorkOrder.Status.DONE, WorkOrder.Status.CANCELLED])
        .aggregate(minutes=Sum(F("sam_per_garment") * F("cut_quantity")))["minutes"]
        or 0
    )
    open_orders = Order.objects.filter(factory=factory, status__in=OPEN_ORDER_STATES)
    if excluding_order is not None:
        open_orders = open_orders.exclude(pk=excluding_order.pk)
    sam_by_version = dict(
        RoutingOperation.objects.filter(
            factory=factory, version_id__in=open_orders.values("version_id")
        )
        .values("version")
        .annotate(sam=Sum("sam"))
        .values_list("version", "sam")
    )
    unconverted = sum(
        (
            sam_by_version.get(row["version"], 0) * row["quantity"]
            for row in open_orders.values("version").annotate(quantity=Sum("total_quantity"))
        ),
        Decimal(0),
    )
    return int(Decimal(work) + unconverted)


def capable_to_promise(
    *,
    factory: Factory,
    version: StyleVersion | None,
    quantity: int,
    sam: Decimal | None = None,
    excluding_order: Order | None = None,
) -> Promise:
    """The earliest date the factory can deliver `quantity` of `version` given its booked load.

    Reads the finite-capacity plan: the order goes into the free capacity the plan leaves on
    each line, day by day (calendar, shifts, headcount and overtime included), after the
    committed work that is not in the plan yet (orders not converted, work orders not planned);
    then a buffer of working days for materials, finishing and shipping.
    """
    if sam is None:
        sam = version.sam_per_garment if version is not None else Decimal("15")
    booked = booked_minutes(factory, excluding_order=excluding_order)
    order_minutes = int(Decimal(sam) * quantity)
    outside_plan = max(0, booked - planned_work_minutes(factory))
    plan = promise_from_plan(
        factory=factory,
        order_minutes=order_minutes + outside_plan,
        style=str(version.style_id) if version is not None else "",
    )
    today = factory_today(factory)
    start = max(plan.finish, today)
    promised = calendar.working_days_after(factory, start, int(conf.get("CTP_BUFFER_DAYS")))
    return Promise(
        date=promised,
        booked_minutes=booked,
        order_minutes=order_minutes,
        daily_capacity_minutes=daily_capacity_minutes(factory),
        working_days=calendar.working_days_between(factory, today, promised),
        method="finite-capacity-plan",
    )


def reorder_lead_days(*, merchant, style: Style) -> int:
    """Days from today until the style's factory could deliver a merchant's re-order of it (the
    lead time orders' sell-through suggestion covers); 0 without a version to re-order."""
    version = sell_through_version(merchant=merchant, style=style)
    if version is None:
        return 0
    promise = capable_to_promise(factory=style.factory, version=version, quantity=0)
    return (promise.date - factory_today(style.factory)).days


# --- progress and WIP ------------------------------------------------------------------------
def _done_by_operation(work_order: WorkOrder) -> dict[int, dict]:
    rows = (
        OperationRecord.objects.filter(
            LIVE, factory_id=work_order.factory_id, work_order=work_order
        )
        .values("operation_id", "is_rework")
        .annotate(good=Sum("good_pieces"), defective=Sum("defective_pieces"), bundles=Count("id"))
    )
    done: dict[int, dict] = defaultdict(
        lambda: {"good": 0, "defective": 0, "reworked": 0, "bundles": 0}
    )
    for row in rows:
        entry = done[row["operation_id"]]
        if row["is_rework"]:
            entry["reworked"] += row["good"] or 0
        else:
            entry["good"] += row["good"] or 0
            entry["defective"] += row["defective"] or 0
            entry["bundles"] += row["bundles"]
    return done


def work_order_progress(work_order: WorkOrder, *, today: date | None = None) -> dict:
    """Planned vs completed per operation and per size × colour, WIP, and expected finish."""
    factory = work_order.factory
    today = today or factory_today(factory)
    operations = list(
        WorkOrderOperation.objects.filter(factory=factory, work_order=work_order).order_by(
            "sequence"
        )
    )
    cut = work_order.cut_quantity or 0
    done = _done_by_operation(work_order)
    per_operation = []
    previous_done = cut
    for op in operations:
        d = done.get(op.pk, {"good": 0, "defective": 0, "reworked": 0, "bundles": 0})
        completed = d["good"] + d["defective"]
        per_operation.append(
            {
                "operation": op,
                "planned": cut,
                "completed": completed,
                "good": d["good"] + d["reworked"],
                "defective": d["defective"],
                "percent": round(100 * completed / cut) if cut else 0,
                "wip": max(0, previous_done - completed) if op.is_scanned else 0,
            }
        )
        if op.is_scanned:
            previous_done = completed
    last = next((op for op in reversed(operations) if op.is_scanned), None)
    finished_by_cell = defaultdict(int)
    if last is not None:
        for row in (
            OperationRecord.objects.filter(
                LIVE, factory=factory, work_order=work_order, operation=last
            )
            .values("bundle__size", "bundle__colour")
            .annotate(good=Sum("good_pieces"))
        ):
            finished_by_cell[(row["bundle__colour"], row["bundle__size"])] += row["good"] or 0
    cells = [
        {
            "colour": line.colour,
            "size": line.size,
            "ordered": line.ordered_quantity,
            "cut": line.cut_quantity,
            "finished": finished_by_cell.get((line.colour, line.size), 0),
        }
        for line in WorkOrderLine.objects.filter(factory=factory, work_order=work_order)
    ]
    total_sam = sum(float(op.sam) for op in operations) * cut
    done_sam = sum(
        float(op.sam)
        * (done.get(op.pk, {}).get("good", 0) + done.get(op.pk, {}).get("defective", 0))
        for op in operations
    )
    return {
        "operations": per_operation,
        "cells": cells,
        "percent": round(100 * done_sam / total_sam) if total_sam else 0,
        "expected_finish": expected_finish(work_order, total_sam - done_sam, today=today),
        "bundles": [
            (Bundle.Status(status).label, n)
            for status, n in Bundle.objects.filter(factory=factory, work_order=work_order)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by("status")
        ],
    }


def expected_finish(work_order: WorkOrder, remaining_sam: float, *, today: date) -> date | None:
    """At the pace of the last 3 days with records (SAM minutes a day), when it will be done."""
    if remaining_sam <= 0:
        return today
    since = today - timedelta(days=14)
    by_day: dict[date, float] = defaultdict(float)
    for work_date, good, defective, sam in OperationRecord.objects.filter(
        LIVE, factory_id=work_order.factory_id, work_order=work_order, work_date__gte=since
    ).values_list("work_date", "good_pieces", "defective_pieces", "operation__sam"):
        by_day[work_date] += (good + defective) * float(sam)
    recent = sorted(by_day.items(), reverse=True)[:3]
    if not recent:
        return None
    pace = sum(m for _d, m in recent) / len(recent)
    if pace <= 0:
        return None
    days_needed = remaining_sam / pace
    finish, left = today, days_needed
    while left > 0:
        finish += timedelta(days=1)
        if finish.weekday() != 6:
            left -= 1
    return finish


def order_progress(order: Order) -> dict:
    """What the merchant may know of production: cut, finished and shipped pieces, no internals."""
    work_order = WorkOrder.objects.filter(factory_id=order.factory_id, order=order).first()
    cut = finished = 0
    if work_order is not None:
        # A bundle exists from conversion on; its pieces count as cut once its lay is cut or
        # the bundle has moved on to sewing.
        bundles = Bundle.objects.filter(factory_id=order.factory_id, work_order=work_order)
        done = [Bundle.Status.FINISHED, Bundle.Status.PACKED]
        totals = bundles.aggregate(
            cut=Sum(
                "quantity", filter=Q(lay__status=Lay.Status.CUT) | ~Q(status=Bundle.Status.CUT)
            ),
            finished=Sum("quantity", filter=Q(status__in=done)),
        )
        cut, finished = totals["cut"] or 0, totals["finished"] or 0
    total = order.total_quantity or 1
    return {
        "status": order.status,
        "ordered": order.total_quantity,
        "cut": cut,
        "finished": finished,
        "shipped": order.shipped_quantity,
        "percent_shipped": round(100 * order.shipped_quantity / total),
        "promised_date": order.promised_date,
    }


def wip_by_operation(factory: Factory, *, line: SewingLine | None = None) -> list[dict]:
    """Open work orders on the floor with pieces waiting at each scanned operation."""
    work_orders = WorkOrder.objects.filter(
        factory=factory, status__in=[WorkOrder.Status.CUTTING, WorkOrder.Status.SEWING]
    )
    if line is not None:
        work_orders = work_orders.filter(line=line)
    result = []
    for wo in work_orders.select_related("line")[:30]:
        progress = work_order_progress(wo)
        result.append(
            {"work_order": wo, "operations": progress["operations"], "percent": progress["percent"]}
        )
    return result


def wip_by_station(factory: Factory, *, day: date | None = None) -> list[dict]:
    """Per station today: bundles and pieces recorded, and the last record's time."""
    day = day or factory_today(factory)
    return list(
        OperationRecord.objects.filter(LIVE, factory=factory, work_date=day, station__isnull=False)
        .values("station__code", "station__line__code")
        .annotate(
            bundles=Count("id"),
            pieces=Sum("good_pieces"),
            defective=Sum("defective_pieces"),
            last=Max("recorded_at"),
        )
        .order_by("station__line__code", "station__code")
    )


# --- quality ---------------------------------------------------------------------------------
QUALITY_GROUPS = {
    "line": ("line_id", "line__code"),
    "worker": ("worker_id", "worker__name"),
    "work_order": ("work_order_id", "work_order__number"),
}


def quality_figures(factory: Factory, *, by: str, since: date | None = None) -> list[dict]:
    """Qualified rate (first-pass yield) and DHU per line, operator or work order.

    First-pass yield: pieces passing their first operation record without defect, over pieces
    recorded (records' good ÷ good + defective, rework excluded). DHU: defects found by
    inspections per 100 pieces checked."""
    key, label = QUALITY_GROUPS[by]
    records = OperationRecord.objects.filter(LIVE, factory=factory, is_rework=False)
    inspections = Inspection.objects.filter(factory=factory, voided_at__isnull=True)
    defects = InspectionDefect.objects.filter(factory=factory, inspection__voided_at__isnull=True)
    if since is not None:
        records = records.filter(work_date__gte=since)
        inspections = inspections.filter(inspected_at__date__gte=since)
        defects = defects.filter(inspection__inspected_at__date__gte=since)
    rows: dict = {}
    for row in records.values(key, label).annotate(
        good=Sum("good_pieces"), defective=Sum("defective_pieces")
    ):
        if row[key] is None:
            continue
        rows[row[key]] = {
            "key": row[key],
            "label": row[label],
            "good": row["good"] or 0,
            "defective": row["defective"] or 0,
            "checked": 0,
            "defects": 0,
        }
    checked_key = key if by != "worker" else "worker_id"
    for row in inspections.values(checked_key).annotate(checked=Sum("checked_pieces")):
        if row[checked_key] in rows:
            rows[row[checked_key]]["checked"] += row["checked"] or 0
    defect_key = {
        "line": "inspection__line_id",
        "worker": "worker_id",
        "work_order": "inspection__work_order_id",
    }[by]
    for row in defects.values(defect_key).annotate(n=Sum("count")):
        if row[defect_key] in rows:
            rows[row[defect_key]]["defects"] += row["n"] or 0
    result = []
    for row in rows.values():
        pieces = row["good"] + row["defective"]
        row["first_pass_yield"] = round(100 * row["good"] / pieces, 1) if pieces else None
        row["dhu"] = round(100 * row["defects"] / row["checked"], 1) if row["checked"] else None
        result.append(row)
    return sorted(result, key=lambda r: str(r["label"]))


# --- line balance ----------------------------------------------------------------------------
PACE_TOLERANCE = 0.15


def actual_pace(work_order: WorkOrder, *, hours: int = 4) -> dict[int, float]:
    """Each balanced operator's actual pace ÷ planned pace on this work order, over the last
    `hours` of records (the span they cover, at least 30 minutes). 1.0 = on plan."""
    current = LineBalance.objects.filter(
        factory_id=work_order.factory_id, work_order=work_order, is_current=True
    ).first()
    if current is None or not current.cycle_time:
        return {}
    since = timezone.now() - timedelta(hours=hours)
    records = list(
        OperationRecord.objects.filter(
            LIVE, factory_id=work_order.factory_id, work_order=work_order, recorded_at__gte=since
        ).values_list("worker_id", "operation_id", "good_pieces", "defective_pieces", "recorded_at")
    )
    if not records:
        return {}
    times = [r[4] for r in records]
    window = max(30.0, (max(times) - min(times)).total_seconds() / 60)
    per_piece = {
        (a["worker"], a["operation"]): a["minutes"] / a["share"]
        for a in current.assignments
        if a["share"]
    }
    worked: dict[int, float] = defaultdict(float)
    for worker, operation, good, defective, _at in records:
        minutes = per_piece.get((worker, operation))
        if minutes:
            worked[worker] += (good + defective) * minutes
    cycle = float(current.cycle_time)
    pace = {}
    for worker, load in current.loads.items():
        planned = window * float(load) / cycle
        if planned > 0 and int(worker) in worked:
            pace[int(worker)] = round(min(1.5, max(0.3, worked[int(worker)] / planned)), 2)
    return pace


def balance_view(current) -> dict:
    """A balance for display: per operation its operators and shares, per operator the load,
    and the operators whose actual pace drifted from the plan (a re-balance is suggested)."""
    operations = {
        op.pk: op
        for op in WorkOrderOperation.objects.filter(
            factory_id=current.factory_id, work_order_id=current.work_order_id
        )
    }
    workers = {
        w.pk: w
        for w in Worker.objects.filter(
            factory_id=current.factory_id, pk__in=[int(k) for k in current.loads]
        )
    }
    rows = defaultdict(list)
    for a in current.assignments:
        rows[a["operation"]].append(
            {
                "worker": workers.get(a["worker"]),
                "share": round(100 * a["share"]),
                "minutes": a["minutes"],
            }
        )
    cycle = float(current.cycle_time) or 1.0
    loads = sorted(
        (
            {"worker": workers.get(int(k)), "load": v, "percent": round(100 * v / cycle)}
            for k, v in current.loads.items()
            if v
        ),
        key=lambda r: -r["load"],
    )
    pace = actual_pace(current.work_order)
    drift = {k: v for k, v in pace.items() if abs(1 - v) > PACE_TOLERANCE}
    return {
        "assignment_rows": [
            {"operation": operations.get(op_id), "assigned": assigned}
            for op_id, assigned in sorted(
                rows.items(), key=lambda kv: getattr(operations.get(kv[0]), "sequence", 0)
            )
        ],
        "loads": loads,
        "drift": [{"worker": workers.get(k), "pace": round(100 * v)} for k, v in drift.items()],
    }
