"""Reads of dashboards/: every figure comes from the rollup tables or another app's selectors,
never from raw telemetry or raw operation records."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dashboards import conf, sources
from dashboards.models import FactoryDay, LineDay, MachineHour, OutputHour
from dashboards.services import data_version_key, day_bounds, hour_floor
from factories.models import Category, Factory, SewingLine

WINDOWS = ("12h", "week", "month")
# A six-day week and a day shift of 08–12 and 13–17 local time: the plan's shape.
WORKING_WEEKDAYS = {0, 1, 2, 3, 4, 5}
SHIFT_HOURS = {8, 9, 10, 11, 13, 14, 15, 16}


@dataclass(frozen=True)
class Window:
    name: str
    start: datetime  # UTC
    end: datetime
    first_day: date
    last_day: date
    hourly: bool


def window_for(factory: Factory, name: str, now: datetime | None = None) -> Window:
    if name not in WINDOWS:
        name = "12h"
    now = now or timezone.now()
    zone = ZoneInfo(factory.time_zone)
    today = now.astimezone(zone).date()
    if name == "12h":
        start = hour_floor(now) - timedelta(hours=11)
        return Window(name, start, now, start.astimezone(zone).date(), today, True)
    first = today - timedelta(days=today.weekday()) if name == "week" else today.replace(day=1)
    return Window(name, day_bounds(factory, first)[0], now, first, today, False)


def pct(part, whole) -> float | None:
    return round(100.0 * float(part) / float(whole), 1) if whole else None


def qualified_and_dhu(row: dict) -> tuple[float | None, float | None]:
    """QC figures when there were inspections, else first-pass figures from the line's own
    defect counts (DHU: defects per hundred units checked)."""
    if row.get("inspected"):
        return pct(row["passed"], row["inspected"]), pct(row["defects"], row["inspected"])
    checked = (row.get("good") or 0) + (row.get("defective") or 0)
    return pct(row.get("good") or 0, checked), pct(row.get("defective") or 0, checked)


def garment_sam(factory_id: int, since: date) -> float:
    totals = FactoryDay.objects.filter(factory_id=factory_id, day__gte=since).aggregate(
        minutes=Sum("earned_minutes"), finished=Sum("finished")
    )
    if totals["finished"]:
        return max(1.0, float(totals["minutes"]) / totals["finished"])
    return float(conf.get("DEFAULT_GARMENT_SAM"))


def line_daily_plans(factory: Factory, sam: float) -> tuple[dict[int, int], dict[int, str]]:
    """Garments each active line should finish in a working day at its planned headcount and
    efficiency, and every line's name."""
    minutes = conf.get("SHIFT_MINUTES")
    plans, names = {}, {}
    for line in SewingLine.objects.filter(factory=factory).values(
        "pk", "name", "planned_headcount", "efficiency", "is_active"
    ):
        names[line["pk"]] = line["name"]
        if line["is_active"]:
            plans[line["pk"]] = int(
                line["planned_headcount"] * minutes * float(line["efficiency"]) / sam
            )
    return plans, names


def _series(factory: Factory, window: Window, daily_plan: int) -> dict:
    zone = ZoneInfo(factory.time_zone)
    if window.hourly:
        rows = (
            OutputHour.objects.filter(factory=factory, hour__gte=window.start)
            .values("hour")
            .annotate(finished=Sum("finished"))
        )
        by_hour = {row["hour"].astimezone(UTC): row["finished"] for row in rows}
        hours = [window.start + timedelta(hours=i) for i in range(12)]
        hourly_plan = round(daily_plan / len(SHIFT_HOURS))
        return {
            "labels": [h.astimezone(zone).strftime("%H:00") for h in hours],
            "output": [by_hour.get(h, 0) or 0 for h in hours],
            "plan": [
                hourly_plan
                if h.astimezone(zone).hour in SHIFT_HOURS
                and h.astimezone(zone).weekday() in WORKING_WEEKDAYS
                else 0
                for h in hours
            ],
        }
    days = [
        window.first_day + timedelta(days=i)
        for i in range((window.last_day - window.first_day).days + 1)
    ]
    by_day = {
        row.day: row
        for row in FactoryDay.objects.filter(
            factory=factory, day__gte=window.first_day, day__lte=window.last_day
        )
    }
    return {
        "labels": [d.strftime("%m-%d") for d in days],
        "output": [by_day[d].finished if d in by_day else 0 for d in days],
        "plan": [daily_plan if d.weekday() in WORKING_WEEKDAYS else 0 for d in days],
        "per_person": [
            round(by_day[d].finished / by_day[d].operators, 1)
            if d in by_day and by_day[d].operators
            else 0
            for d in days
        ],
    }


def _lines(factory: Factory, window: Window, plans: dict, names: dict) -> tuple[list, dict]:
    """Each line's output and quality in the window, and the window's quality totals."""
    rows = list(
        LineDay.objects.filter(factory=factory, day__gte=window.first_day, day__lte=window.last_day)
        .values("line_id")
        .annotate(
            finished=Sum("finished"),
            good=Sum("good"),
            defective=Sum("defective"),
            inspected=Sum("inspected"),
            passed=Sum("passed"),
            defects=Sum("defects"),
        )
    )
    if window.hourly:
        # Last 12 hours: output from the hourly rollup, quality from the days it spans.
        finished = dict(
            OutputHour.objects.filter(factory=factory, hour__gte=window.start)
            .values("line_id")
            .annotate(n=Sum("finished"))
            .values_list("line_id", "n")
        )
    quality = {
        name: sum(row[name] or 0 for row in rows) for name in ("inspected", "passed", "defects")
    }
    result = []
    for row in rows:
        qualified, dhu = qualified_and_dhu(row)
        line_id = row["line_id"]
        result.append(
            {
                "id": line_id,
                "name": names.get(line_id, _("Unassigned")),
                "finished": finished.get(line_id, 0) if window.hourly else row["finished"],
                "qualified_rate": qualified,
                "dhu": dhu,
                "daily_plan": plans.get(line_id, 0),
            }
        )
    return sorted(result, key=lambda r: r["name"]), quality


def _work_orders(factory: Factory, today: date) -> list[dict] | None:
    work_orders = sources.work_orders_in_progress(factory_id=factory.pk)
    if work_orders is None:
        return None
    ids = [wo["id"] for wo in work_orders]
    done = dict(
        OutputHour.objects.filter(factory=factory, work_order_id__in=ids)
        .values("work_order_id")
        .annotate(n=Sum("finished"))
        .values_list("work_order_id", "n")
    )
    since = day_bounds(factory, today - timedelta(days=3))[0]
    recent = dict(
        OutputHour.objects.filter(factory=factory, work_order_id__in=ids, hour__gte=since)
        .values("work_order_id")
        .annotate(n=Sum("finished"))
        .values_list("work_order_id", "n")
    )
    result = []
    for wo in work_orders:
        completed = wo.get("completed", done.get(wo["id"], 0)) or 0
        remaining = max(0, (wo.get("quantity") or 0) - completed)
        per_day = (recent.get(wo["id"]) or 0) / 3
        if remaining == 0:
            expected = today
        elif per_day:
            expected = today + timedelta(days=int(remaining / per_day + 0.999))
        else:
            expected = None
        due = wo.get("due_date")
        result.append(
            {
                **{k: v for k, v in wo.items() if k not in ("completed",)},
                "completed": completed,
                "progress": pct(completed, wo.get("quantity")),
                "expected_finish": expected.isoformat() if expected else None,
                "due_date": due.isoformat() if isinstance(due, date) else due,
                "at_risk": bool(due and (expected is None or expected > _as_date(due))),
            }
        )
    return sorted(result, key=lambda r: (r["due_date"] or "9999", str(r.get("number"))))


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _orders_at_risk(work_orders: list[dict] | None) -> list[dict] | None:
    if work_orders is None:
        return None
    at_risk: dict = {}
    for wo in work_orders:
        if wo["at_risk"]:
            key = wo.get("order_number") or wo.get("number")
            entry = at_risk.setdefault(
                key,
                {
                    "order": key,
                    "merchant": wo.get("merchant", ""),
                    "due_date": wo["due_date"],
                    "expected_finish": wo["expected_finish"],
                },
            )
            if wo["expected_finish"] is None or (
                entry["expected_finish"] and wo["expected_finish"] > entry["expected_finish"]
            ):
                entry["expected_finish"] = wo["expected_finish"]
    return list(at_risk.values())


def _wip(factory: Factory, today: date) -> dict | None:
    """Hangers waiting at each station today (arrived minus left, from MachineHour); the
    bottleneck is the station with the most."""
    if sources.model("devices", "MinuteRollup") is None:
        return None
    rows = (
        MachineHour.objects.filter(
            factory=factory, hour__gte=day_bounds(factory, today)[0], station__isnull=False
        )
        .values("station_id", "station__code")
        .annotate(arrived=Sum("arrivals"), left=Sum("departures"))
        .order_by("station__code")
    )
    stations = [
        {
            "station_id": row["station_id"],
            "station": row["station__code"],
            "wip": max(0, (row["arrived"] or 0) - (row["left"] or 0)),
        }
        for row in rows
    ]
    bottleneck = max(stations, key=lambda s: s.get("wip") or 0, default=None)
    if bottleneck is not None and not bottleneck.get("wip"):
        bottleneck = None
    return {"stations": stations, "bottleneck": bottleneck}


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _machines(factory: Factory, window: Window) -> dict | None:
    now = sources.machines_now(factory_id=factory.pk)
    if now is None:
        return None
    if window.hourly:
        seconds = MachineHour.objects.filter(factory=factory, hour__gte=window.start).aggregate(
            running=Sum("running_seconds"), idle=Sum("idle_seconds"), stopped=Sum("stopped_seconds")
        )
    else:
        seconds = FactoryDay.objects.filter(
            factory=factory, day__gte=window.first_day, day__lte=window.last_day
        ).aggregate(
            running=Sum("running_seconds"), idle=Sum("idle_seconds"), stopped=Sum("stopped_seconds")
        )
    seconds = {k: v or 0 for k, v in seconds.items()}
    return {**now, "utilization": pct(seconds["running"], sum(seconds.values()))}


def _wages(factory: Factory) -> dict | None:
    """Wages earned so far in the current pay period: payroll's figure once the period is
    calculated, else the piece wages of the period's days so far (from the rollup)."""
    period = sources.pay_period(factory=factory)
    if period is None:
        return None
    if not period:
        return {"label": _("No pay period covers today."), "total": None, "status": None}
    total = period["earned"]
    if not total:
        total = FactoryDay.objects.filter(
            factory=factory, day__gte=period["starts_on"], day__lte=period["ends_on"]
        ).aggregate(total=Sum("piece_wages"))["total"] or Decimal("0")
    return {"label": period["label"], "total": total, "status": period["status"]}


def dashboard_data_cached(factory: Factory, window_name: str) -> dict:
    """`dashboard_data`, shared by every screen of the factory until something changes (a
    notification or a rebuild bumps the version) or DATA_CACHE_SECONDS pass."""
    version = cache.get(data_version_key(factory.pk), 0)
    key = f"dashboards:data:{factory.pk}:{window_name}:{version}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = dashboard_data(factory, window_name)
        cache.set(key, data, timeout=conf.get("DATA_CACHE_SECONDS"))
    return data


def dashboard_data(factory: Factory, window_name: str, now: datetime | None = None) -> dict:
    """Everything the one screen shows for one window."""
    window = window_for(factory, window_name, now)
    sam = garment_sam(factory.pk, window.last_day - timedelta(days=14))
    plans, names = line_daily_plans(factory, sam)
    daily_plan = sum(plans.values())
    series = _series(factory, window, daily_plan)
    if window.hourly:
        totals = OutputHour.objects.filter(factory=factory, hour__gte=window.start).aggregate(
            finished=Sum("finished"),
            good=Sum("good"),
            defective=Sum("defective"),
            operators=Count("worker_id", distinct=True),
        )
    else:
        totals = FactoryDay.objects.filter(
            factory=factory, day__gte=window.first_day, day__lte=window.last_day
        ).aggregate(
            finished=Sum("finished"),
            good=Sum("good"),
            defective=Sum("defective"),
            operators=Sum("operators"),
            inspected=Sum("inspected"),
            passed=Sum("passed"),
            defects=Sum("defects"),
        )
    totals = {k: v or 0 for k, v in totals.items()}
    lines, quality = _lines(factory, window, plans, names)
    qualified, dhu = qualified_and_dhu({**totals, **quality})
    today = window.last_day
    today_row = FactoryDay.objects.filter(factory=factory, day=today).first()
    work_orders = _work_orders(factory, today)
    data = {
        "window": window.name,
        "generated_at": timezone.now().isoformat(),
        "factory": {"id": factory.pk, "name": str(factory)},
        "kpi": {
            "output": totals["finished"],
            "plan": sum(series["plan"]),
            "plan_attainment": pct(totals["finished"], sum(series["plan"])),
            "qualified_rate": qualified,
            "dhu": dhu,
            "per_person_today": round(today_row.finished / today_row.operators, 1)
            if today_row and today_row.operators
            else None,
            "operators_today": today_row.operators if today_row else 0,
        },
        "series": series,
        "lines": lines,
        "work_orders": work_orders,
        "orders_at_risk": _orders_at_risk(work_orders),
        "wip": _wip(factory, today),
        "devices": _machines(factory, window),
        "alarms": sources.open_alarms(factory_id=factory.pk),
        "shortages": sources.material_shortages(factory_id=factory.pk),
        "wages": _wages(factory),
    }
    return _jsonable(data)


# --- Monthly and weekly figures from FactoryDay (district report, data profile) ---------------

SUMMED = (
    "finished",
    "good",
    "defective",
    "earned_minutes",
    "available_minutes",
    "operators",
    "employees",
    "piece_wages",
    "inspected",
    "passed",
    "defects",
    "orders_received",
    "pieces_ordered",
    "orders_delivered",
    "orders_delivered_on_time",
    "pieces_shipped",
)


def figures(rows: list[dict]) -> dict:
    """The published figures of a set of factory-days (one factory or many)."""
    total = {name: sum(row[name] for row in rows) for name in SUMMED}
    days = len({(row["factory_id"], row["day"]) for row in rows}) or 1
    qualified, _dhu = qualified_and_dhu(total)
    return {
        "output": total["finished"],
        "capacity_utilization": pct(total["earned_minutes"], total["available_minutes"]),
        "orders_received": total["orders_received"],
        "pieces_ordered": total["pieces_ordered"],
        "on_time_delivery": pct(total["orders_delivered_on_time"], total["orders_delivered"]),
        "qualified_rate": qualified,
        "employment": round(total["employees"] / days * len({r["factory_id"] for r in rows}))
        if rows
        else 0,
        "average_daily_wage": round(float(total["piece_wages"]) / total["operators"], 2)
        if total["operators"]
        else None,
    }


def month_start(day: date) -> date:
    return day.replace(day=1)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def previous_months(today: date, count: int) -> list[date]:
    months = [month_start(today)]
    while len(months) < count:
        months.append(month_start(months[-1] - timedelta(days=1)))
    return list(reversed(months))


def factory_days(factory_ids, since: date, until: date) -> list[dict]:
    return list(
        FactoryDay.objects.filter(factory_id__in=factory_ids, day__gte=since, day__lte=until)
        .order_by("day")
        .values("factory_id", "day", *SUMMED)
    )


def factory_profile(factory: Factory, today: date | None = None) -> dict:
    """Twelve months of a factory's figures: what a data-profile link shows."""
    today = today or timezone.now().astimezone(ZoneInfo(factory.time_zone)).date()
    months = previous_months(today, 12)
    rows = factory_days([factory.pk], months[0], today)
    by_month: dict[date, list] = {m: [] for m in months}
    for row in rows:
        by_month[month_start(row["day"])].append(row)
    return {
        "factory": str(factory),
        "categories": list(factory.categories or []),
        "as_of": today.isoformat(),
        "months": [
            {"month": m.strftime("%Y-%m"), **figures(month_rows)}
            for m, month_rows in by_month.items()
        ],
        "total": figures(rows),
    }


def district_report(district, today: date | None = None) -> dict:
    """The cluster: consenting factories by name and by category, week and month trends; a
    factory that has not consented only counts inside an all-factories total that covers at
    least DISTRICT_MIN_AGGREGATE non-consenting factories (so no subtraction isolates it)."""
    today = today or timezone.localdate()
    months = previous_months(today, 12)
    first_week = week_start(today) - timedelta(weeks=11)
    since = min(months[0], first_week)
    factories = list(
        Factory.objects.filter(district=district).select_related("organization").order_by("pk")
    )
    sharing = [f for f in factories if f.shares_with_district]
    private = [f for f in factories if not f.shares_with_district]
    rows = factory_days([f.pk for f in factories], since, today)
    sharing_ids = {f.pk for f in sharing}
    shared_rows = [r for r in rows if r["factory_id"] in sharing_ids]
    this_month = [r for r in shared_rows if r["day"] >= months[-1]]

    def month_trend(selected):
        return [
            {
                "period": m.strftime("%Y-%m"),
                **figures([r for r in selected if month_start(r["day"]) == m]),
            }
            for m in months
        ]

    def week_trend(selected):
        weeks = [first_week + timedelta(weeks=i) for i in range(12)]
        return [
            {
                "period": w.strftime("%m-%d"),
                **figures([r for r in selected if week_start(r["day"]) == w]),
            }
            for w in weeks
        ]

    categories: dict[str, list[Factory]] = {}
    for factory in sharing:
        for category in factory.categories or []:
            categories.setdefault(category, []).append(factory)

    labels = dict(Category.choices)
    minimum = conf.get("DISTRICT_MIN_AGGREGATE")
    all_total = None
    if len(private) >= minimum:
        all_total = {
            "factories": len(factories),
            **figures([r for r in rows if r["day"] >= months[-1]]),
        }
    return {
        "district": str(district),
        "as_of": today.isoformat(),
        "month": months[-1].strftime("%Y-%m"),
        "factories": [
            {
                "name": str(f),
                "categories": [str(labels.get(c, c)) for c in f.categories or []],
                **figures([r for r in this_month if r["factory_id"] == f.pk]),
            }
            for f in sharing
        ],
        "categories": [
            {
                "category": str(labels.get(code, code)),
                "factories": len(members),
                **figures([r for r in this_month if r["factory_id"] in {f.pk for f in members}]),
            }
            for code, members in sorted(categories.items())
        ],
        "sharing_total": {"factories": len(sharing), **figures(this_month)},
        "all_total": all_total,
        "not_sharing": len(private),
        "month_trend": month_trend(shared_rows),
        "week_trend": week_trend(shared_rows),
    }
