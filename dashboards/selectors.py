"""Reads of dashboards/: the factory screen, the data profile and the district report.

This app computes no figure of its own. It composes the owners' selectors (production,
orders, devices, payroll, inventory — docs/architecture.md, "Who owns each figure") and, where
a window is long, sums its rollups, which those same selectors built. Every date and hour comes
from the factory clock and calendar (factories.clock, factories.calendar).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import rls
from dashboards import conf
from dashboards.models import FactoryDay, LineDay, MachineHour, OutputHour, SyntheticHistory
from dashboards.services import data_version_key
from devices import selectors as devices
from devices.selectors import MACHINE_TIME
from factories.calendar import days_between
from factories.clock import (
    day_bounds,
    factory_today,
    factory_zone,
    hours_back,
    local_date,
    month_first,
    screen_window,
    week_first,
)
from factories.models import Category, District, Factory, SewingLine
from inventory import selectors as inventory
from orders import selectors as orders
from payroll import selectors as payroll
from production import selectors as production

WINDOWS = ("12h", "week", "month")
HOURS_SHOWN = 12
OUTPUT = ("finished", "good", "defective")
QUALITY = ("inspected", "passed", "defects")


@dataclass(frozen=True)
class Window:
    """What one screen window covers: [start, end) in UTC, its local days, and its local clock
    hours when it is drawn by the hour."""

    name: str
    start: datetime
    end: datetime
    first_day: date
    last_day: date
    hours: tuple[datetime, ...] = ()


def window_for(factory: Factory, name: str, now: datetime | None = None) -> Window:
    """The last 12 local clock hours (the current one last), or this week or this month up to
    and including the factory's today."""
    if name not in WINDOWS:
        name = "12h"
    now = now or timezone.now()
    if name == "12h":
        hours = tuple(hours_back(factory, HOURS_SHOWN, now))
        today = factory_today(factory, now)
        return Window(name, hours[0], now, local_date(factory, hours[0]), today, hours)
    period = screen_window(factory, name, now)
    return Window(name, period.start, period.end, period.first, period.last)


def _sums(queryset, names) -> dict:
    totals = queryset.aggregate(**{name: Sum(name) for name in names})
    return {name: totals[name] or 0 for name in names}


def _days(factory: Factory, window: Window):
    return FactoryDay.objects.filter(
        factory=factory, day__gte=window.first_day, day__lte=window.last_day
    )


def _hours(factory: Factory, window: Window):
    return OutputHour.objects.filter(factory=factory, hour__in=window.hours)


def _plan_by_day(factory: Factory, first: date, last: date) -> tuple[dict, dict]:
    """Garments planned per day (all lines) and per line on `last` (production's plan)."""
    plan = production.planned_output(factory, first, last)
    per_day = dict.fromkeys(days_between(first, last), 0.0)
    for days in plan.values():
        for day, garments in days.items():
            per_day[day] = per_day.get(day, 0.0) + garments
    return per_day, {line_id: days.get(last, 0.0) for line_id, days in plan.items()}


def _series(factory: Factory, window: Window, plan_by_day: dict) -> dict:
    zone = factory_zone(factory)
    if window.hours:
        by_hour = dict(
            _hours(factory, window)
            .values("hour")
            .annotate(n=Sum("finished"))
            .values_list("hour", "n")
        )
        plan = production.planned_output_by_hour(factory, list(window.hours))
        return {
            "labels": [hour.astimezone(zone).strftime("%H:00") for hour in window.hours],
            "output": [by_hour.get(hour) or 0 for hour in window.hours],
            "plan": [round(garments) for garments in plan],
        }
    days = days_between(window.first_day, window.last_day)
    by_day = {row.day: row for row in _days(factory, window)}
    return {
        "labels": [day.strftime("%m-%d") for day in days],
        "output": [by_day[day].finished if day in by_day else 0 for day in days],
        "plan": [round(plan_by_day.get(day, 0)) for day in days],
        "per_person": [
            production.per_person_day(by_day[day].finished, by_day[day].operators)
            if day in by_day
            else None
            for day in days
        ],
    }


def _window_totals(factory: Factory, window: Window) -> tuple[dict, dict]:
    """Output and quality of the window in all and per line: by the hour, the hourly rollup
    and production's inspections of the window; by the day, the day rollups."""
    if not window.hours:
        per_line = {
            row["line_id"]: row
            for row in LineDay.objects.filter(
                factory=factory, day__gte=window.first_day, day__lte=window.last_day
            )
            .values("line_id")
            .annotate(**{n: Sum(n) for n in OUTPUT + QUALITY})
            .order_by()
        }
        return _sums(_days(factory, window), OUTPUT + QUALITY), per_line
    per_line = {
        row["line_id"]: row
        for row in _hours(factory, window)
        .values("line_id")
        .annotate(**{n: Sum(n) for n in OUTPUT})
        .order_by()
    }
    inspected = production.inspection_rows(factory, window.start, window.end, by="line")
    for line_id, row in inspected.items():
        per_line.setdefault(line_id, {"line_id": line_id}).update(row)
    totals = {n: sum(row.get(n) or 0 for row in per_line.values()) for n in OUTPUT + QUALITY}
    return totals, per_line


def _lines(factory: Factory, per_line: dict, plan_today: dict) -> list[dict]:
    names = dict(SewingLine.objects.filter(factory=factory).values_list("pk", "name"))
    result = []
    for line_id, row in per_line.items():
        qualified, dhu = production.qualified_and_dhu(row)
        result.append(
            {
                "id": line_id,
                "name": names.get(line_id, _("Unassigned")),
                "finished": row.get("finished") or 0,
                "qualified_rate": qualified,
                "dhu": dhu,
                "daily_plan": round(plan_today.get(line_id, 0)),
            }
        )
    return sorted(result, key=lambda r: r["name"])


def _orders_at_risk(work_orders: list[dict]) -> list[dict]:
    """Orders with a work order at risk, each with its latest expected finish."""
    at_risk: dict = {}
    for wo in work_orders:
        if not wo["at_risk"]:
            continue
        key = wo["order_number"] or wo["number"]
        entry = at_risk.setdefault(
            key,
            {
                "order": key,
                "merchant": wo["merchant"],
                "due_date": wo["due_date"],
                "expected_finish": wo["expected_finish"],
            },
        )
        if wo["expected_finish"] is None or (
            entry["expected_finish"] and wo["expected_finish"] > entry["expected_finish"]
        ):
            entry["expected_finish"] = wo["expected_finish"]
    return list(at_risk.values())


def _machines(factory: Factory, window: Window, now: datetime) -> dict | None:
    state = devices.machines_now(factory, now)
    if state is None:
        return None
    if window.hours:
        seconds = _sums(
            MachineHour.objects.filter(factory=factory, hour__in=window.hours), MACHINE_TIME
        )
    else:
        seconds = _sums(_days(factory, window), MACHINE_TIME)
    return {**state, "utilization": devices.utilisation(*(seconds[n] for n in MACHINE_TIME))}


def _wages(factory: Factory, now: datetime) -> dict:
    """Wages earned so far in the pay period that covers today (payroll's figure)."""
    period = payroll.current_period(factory, now)
    if period is None:
        return {"label": _("No pay period covers today."), "total": None, "status": None}
    key = f"dashboards:wages:{factory.pk}:{period.pk}:{period.status}"
    earned = cache.get(key)
    if earned is None:
        earned = payroll.period_earned(period)
        cache.set(key, earned, timeout=conf.get("WAGES_CACHE_SECONDS"))
    return {
        "label": f"{period.starts_on:%m-%d} – {period.ends_on:%m-%d}",
        "total": earned,
        "status": period.status,
    }


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


def synthetic_ranges(factory_ids) -> dict[int, dict]:
    """The synthetic-history range (first and last day, ISO dates) of each factory that has
    one."""
    return {
        row.factory_id: {"first": row.first_day.isoformat(), "last": row.last_day.isoformat()}
        for row in SyntheticHistory.objects.filter(factory_id__in=list(factory_ids))
    }


def _per_person_day(factory: Factory, window: Window) -> float | None:
    """Production's pieces per person-day for the window: by the hour from its records, by
    the day from the day rollups (production's finished garments and operator-days of each
    day, both additive over days), which a month of raw records would make slow to read."""
    if window.hours:
        return production.pieces_per_person_day(factory, window.start, window.end)
    totals = _sums(_days(factory, window), ("finished", "operators"))
    return production.per_person_day(totals["finished"], totals["operators"])


def _window_link(name: str, window: Window) -> str:
    return f"{reverse(name)}?window={window.name}"


def seed_figures(factory: Factory, window: Window, now: datetime) -> dict:
    """The seed's figures for the window, each its owner's selector (the lists they link to
    call the same one with the same window): conversion lead time, pieces per person-day,
    days lost to material, order intake, orders waiting for acceptance, overdue purchase
    orders, shipments and the on-time rate."""
    lead = production.conversion_lead_times(factory, window.start, window.end)
    delays = production.material_delays(factory, window.start, window.end, now=now)
    placed = orders.orders_placed(factory, window.start, window.end)
    delivered = orders.orders_delivered(factory, window.start, window.end)
    on_time = sum(1 for row in delivered if row["on_time"])
    shipped = orders.shipments_in(factory, window.start, window.end).aggregate(
        count=Count("pk"), pieces=Sum("quantity")
    )
    waiting = orders.orders_waiting(factory).aggregate(
        count=Count("pk"), pieces=Sum("total_quantity")
    )
    overdue = inventory.overdue_purchase_orders(factory, today=factory_today(factory, now))
    average = lead["average_seconds"]
    return {
        "conversion": {
            "orders": lead["count"],
            "average_seconds": average,
            "average_minutes": round(average / 60, 1) if average is not None else None,
            "url": _window_link("production:conversion-lead-times", window),
        },
        "per_person_day": _per_person_day(factory, window),
        "material": {
            "days_lost": delays["days_lost"],
            "work_orders": delays["work_orders"],
            "ongoing": delays["ongoing"],
            "by_cause": delays["by_cause"],
            "url": _window_link("production:material-delays", window),
        },
        "intake": {
            "orders": len(placed),
            "pieces": sum(row["pieces"] for row in placed),
            "url": _window_link("orders:intake", window),
        },
        "waiting": {
            "orders": waiting["count"],
            "pieces": waiting["pieces"] or 0,
            "url": f"{reverse('orders:list')}?status=placed",
        },
        "overdue_purchase_orders": {
            "count": len(overdue),
            "url": reverse("inventory:purchase-orders-overdue"),
        },
        "shipments": {
            "count": shipped["count"],
            "pieces": shipped["pieces"] or 0,
            "orders_delivered": len(delivered),
            "on_time": on_time,
            "on_time_rate": orders.on_time_rate(on_time, len(delivered)),
            "url": _window_link("orders:shipments", window),
        },
    }


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
    now = now or timezone.now()
    window = window_for(factory, window_name, now)
    today = window.last_day
    plan_by_day, plan_today = _plan_by_day(factory, window.first_day, today)
    series = _series(factory, window, plan_by_day)
    totals, per_line = _window_totals(factory, window)
    qualified, dhu = production.qualified_and_dhu(totals)
    today_row = FactoryDay.objects.filter(factory=factory, day=today).first()
    work_orders = production.work_orders_in_progress(factory)
    machines = _machines(factory, window, now)
    data = {
        "window": window.name,
        "generated_at": now.isoformat(),
        "factory": {"id": factory.pk, "name": str(factory), "time_zone": factory.time_zone},
        "kpi": {
            "output": totals["finished"],
            "plan": sum(series["plan"]),
            "plan_attainment": production.pct(totals["finished"], sum(series["plan"])),
            "qualified_rate": qualified,
            "dhu": dhu,
            "per_person_today": production.per_person_day(today_row.finished, today_row.operators)
            if today_row
            else None,
            "operators_today": today_row.operators if today_row else 0,
        },
        "series": series,
        "lines": _lines(factory, per_line, plan_today),
        "work_orders": work_orders,
        "orders_at_risk": _orders_at_risk(work_orders),
        # Hangers waiting since the day began, on a factory whose stations report them.
        "wip": devices.station_wip(factory, day_bounds(factory, today)[0]) if machines else None,
        "devices": machines,
        "alarms": devices.open_alarms(factory),
        "shortages": inventory.material_shortages(factory),
        "wages": _wages(factory, now),
        "seed": seed_figures(factory, window, now),
        "synthetic": synthetic_ranges([factory.pk]).get(factory.pk),
    }
    return _jsonable(data)


def merchant_tracking(merchant) -> list[dict]:
    """The merchant's live orders at every factory, newest first, each as production's
    `order_progress` shows it (the order page and its API show the same)."""
    tracked = list(orders.tracked_orders(merchant))
    progress = production.orders_progress(tracked)
    return [progress[order.pk] for order in tracked]


# --- Monthly and weekly figures from FactoryDay (district report, data profile) ---------------

SUMMED = (
    "finished",
    "good",
    "defective",
    "earned_minutes",
    "available_minutes",
    "operators",
    "employees",
    "wages",
    "wage_days",
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
    """The published figures of a set of factory-days (one factory or many): each one the
    owner's formula over the sums of the rollup columns the owner built."""
    total = {name: sum(row[name] for row in rows) for name in SUMMED}
    days = len({(row["factory_id"], row["day"]) for row in rows}) or 1
    qualified, _dhu = production.qualified_and_dhu(total)
    wage = payroll.average_daily_wage(total["wages"], total["wage_days"])
    return {
        "output": total["finished"],
        "capacity_utilization": production.utilisation(
            total["earned_minutes"], total["available_minutes"]
        ),
        "orders_received": total["orders_received"],
        "pieces_ordered": total["pieces_ordered"],
        "on_time_delivery": orders.on_time_rate(
            total["orders_delivered_on_time"], total["orders_delivered"]
        ),
        "qualified_rate": qualified,
        "employment": round(total["employees"] / days * len({r["factory_id"] for r in rows}))
        if rows
        else 0,
        "average_daily_wage": float(wage) if wage is not None else None,
    }


def previous_months(today: date, count: int) -> list[date]:
    months = [month_first(today)]
    while len(months) < count:
        months.append(month_first(months[-1] - timedelta(days=1)))
    return list(reversed(months))


def factory_days(factory_ids, since: date, until: date) -> list[dict]:
    return list(
        FactoryDay.objects.filter(factory_id__in=factory_ids, day__gte=since, day__lte=until)
        .order_by("day")
        .values("factory_id", "day", *SUMMED)
    )


def factory_profile(factory: Factory, today: date | None = None) -> dict:
    """Twelve months of a factory's figures, up to its today: what a data-profile link shows."""
    today = today or factory_today(factory)
    months = previous_months(today, 12)
    rows = factory_days([factory.pk], months[0], today)
    by_month: dict[date, list] = {m: [] for m in months}
    for row in rows:
        by_month[month_first(row["day"])].append(row)
    return {
        "factory": str(factory),
        "categories": list(factory.categories or []),
        "as_of": today.isoformat(),
        "months": [
            {"month": m.strftime("%Y-%m"), **figures(month_rows)}
            for m, month_rows in by_month.items()
        ],
        "total": figures(rows),
        "synthetic": synthetic_ranges([factory.pk]).get(factory.pk),
    }


def district_sharing_count(organization) -> int:
    """How many factories the district report of a district organization lists by name (those
    sharing their figures with it), in one COUNT: the official's home card."""
    return Factory.objects.filter(
        district__in=District.objects.visible_to(organization), shares_with_district=True
    ).count()


def district_report(district, today: date | None = None) -> dict:
    """The cluster: consenting factories by name and by category, week and month trends; a
    factory that has not consented only counts inside an all-factories total that covers at
    least DISTRICT_MIN_AGGREGATE non-consenting factories (so no subtraction isolates it).

    A district keeps its factories' clock (they share a zone; without factories, the
    default zone's)."""
    factories = list(
        Factory.objects.filter(district=district).select_related("organization").order_by("pk")
    )
    today = today or factory_today(factories[0] if factories else district)
    months = previous_months(today, 12)
    first_week = week_first(today) - timedelta(weeks=11)
    since = min(months[0], first_week)
    sharing = [f for f in factories if f.shares_with_district]
    private = [f for f in factories if not f.shares_with_district]
    rows = factory_days([f.pk for f in sharing], since, today)
    minimum = conf.get("DISTRICT_MIN_AGGREGATE")
    if len(private) >= minimum:
        # Row-level security gives a district the sharing factories only; the others count in
        # the all-factories total alone, read for it by the platform.
        with rls.platform():
            rows += factory_days([f.pk for f in private], since, today)
    sharing_ids = {f.pk for f in sharing}
    shared_rows = [r for r in rows if r["factory_id"] in sharing_ids]
    this_month = [r for r in shared_rows if r["day"] >= months[-1]]

    def month_trend(selected):
        return [
            {
                "period": m.strftime("%Y-%m"),
                **figures([r for r in selected if month_first(r["day"]) == m]),
            }
            for m in months
        ]

    def week_trend(selected):
        weeks = [first_week + timedelta(weeks=i) for i in range(12)]
        return [
            {
                "period": w.strftime("%m-%d"),
                **figures([r for r in selected if week_first(r["day"]) == w]),
            }
            for w in weeks
        ]

    categories: dict[str, list[Factory]] = {}
    for factory in sharing:
        for category in factory.categories or []:
            categories.setdefault(category, []).append(factory)
    labels = dict(Category.choices)
    synthetic = synthetic_ranges(sharing_ids)
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
        "synthetic": [{"name": str(f), **synthetic[f.pk]} for f in sharing if f.pk in synthetic],
        "month_trend": month_trend(shared_rows),
        "week_trend": week_trend(shared_rows),
    }
