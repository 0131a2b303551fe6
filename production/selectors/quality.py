"""Quality: first-pass yield, qualified rate and DHU, from operation records and QC
inspections."""

from datetime import datetime, timedelta

from django.db.models import Sum

from factories.clock import days_bounds, factory_today
from factories.models import Factory
from production.models import (
    Inspection,
    InspectionDefect,
    OperationRecord,
)
from production.selectors.common import LIVE, pct
from production.selectors.output import output_rows

QUALITY_GROUPS = {
    "line": ("line_id", "line__code"),
    "worker": ("worker_id", "worker__name"),
    "work_order": ("work_order_id", "work_order__number"),
}
# Whose inspection defects: an inspection's line or work order, or the operator a defect is
# traced to.
DEFECT_KEYS = {
    "line": "inspection__line_id",
    "worker": "worker_id",
    "work_order": "inspection__work_order_id",
}


def qualified_and_dhu(totals: dict) -> tuple[float | None, float | None]:
    """The qualified rate and DHU of a set of totals, in percent.

    With QC inspections: qualified rate = pieces passing ÷ pieces inspected, DHU = defects
    found ÷ pieces inspected × 100. Where nothing was inspected, the operation records stand
    in: first-pass good ÷ recorded, and defective pieces per hundred recorded.
    """
    if totals.get("inspected"):
        inspected = totals["inspected"]
        return pct(totals.get("passed") or 0, inspected), pct(totals.get("defects") or 0, inspected)
    good, defective = totals.get("good") or 0, totals.get("defective") or 0
    return pct(good, good + defective), pct(defective, good + defective)


def first_pass_yield(good: int, defective: int) -> float | None:
    """First-pass yield: first-pass good pieces ÷ first-pass pieces recorded, in percent."""
    return pct(good, good + defective)


def inspection_rows(
    factory: Factory, start: datetime | None, end: datetime | None, *, by: str = "line"
) -> dict:
    """QC inspections in [start, end) per line, operator or work order: pieces inspected,
    passed (inspected less defective) and defects found."""
    key = QUALITY_GROUPS[by][0]
    inspections = Inspection.objects.filter(factory=factory, voided_at__isnull=True)
    defects = InspectionDefect.objects.filter(factory=factory, inspection__voided_at__isnull=True)
    if start is not None:
        inspections = inspections.filter(inspected_at__gte=start)
        defects = defects.filter(inspection__inspected_at__gte=start)
    if end is not None:
        inspections = inspections.filter(inspected_at__lt=end)
        defects = defects.filter(inspection__inspected_at__lt=end)
    rows: dict = {}

    def row(value):
        return rows.setdefault(value, {"inspected": 0, "passed": 0, "defects": 0})

    for found in (
        inspections.values(key)
        .annotate(checked=Sum("checked_pieces"), defective=Sum("defective_pieces"))
        .order_by()
    ):
        entry = row(found[key])
        entry["inspected"] += found["checked"] or 0
        entry["passed"] += (found["checked"] or 0) - (found["defective"] or 0)
    for found in defects.values(DEFECT_KEYS[by]).annotate(n=Sum("count")).order_by():
        row(found[DEFECT_KEYS[by]])["defects"] += found["n"] or 0
    return rows


def quality(factory: Factory, start: datetime, end: datetime) -> dict:
    """The factory's quality in [start, end): first-pass yield, qualified rate and DHU."""
    totals = {"good": 0, "defective": 0, "inspected": 0, "passed": 0, "defects": 0}
    for row in output_rows(factory, start, end):
        totals["good"] += row["good"]
        totals["defective"] += row["defective"]
    for row in inspection_rows(factory, start, end).values():
        for name in ("inspected", "passed", "defects"):
            totals[name] += row[name]
    qualified, dhu = qualified_and_dhu(totals)
    return {
        **totals,
        "first_pass_yield": first_pass_yield(totals["good"], totals["defective"]),
        "qualified_rate": qualified,
        "dhu": dhu,
    }


def first_pass_yield_recent(factory: Factory, *, days: int = 90) -> float | None:
    """The factory's first-pass yield over its last `days` local days (today included): what
    factory matching shows a merchant."""
    today = factory_today(factory)
    start, end = days_bounds(factory, today - timedelta(days=days - 1), today)
    return quality(factory, start, end)["first_pass_yield"]


def quality_figures(
    factory: Factory, *, by: str, start: datetime | None = None, end: datetime | None = None
) -> list[dict]:
    """First-pass yield, qualified rate and DHU per line, operator or work order."""
    key, label = QUALITY_GROUPS[by]
    records = OperationRecord.objects.filter(LIVE, factory=factory, is_rework=False)
    if start is not None:
        records = records.filter(recorded_at__gte=start)
    if end is not None:
        records = records.filter(recorded_at__lt=end)
    inspected = inspection_rows(factory, start, end, by=by)
    result = []
    for row in records.values(key, label).annotate(
        good=Sum("good_pieces"), defective=Sum("defective_pieces")
    ):
        if row[key] is None:
            continue
        totals = {
            "good": row["good"] or 0,
            "defective": row["defective"] or 0,
            **inspected.get(row[key], {"inspected": 0, "passed": 0, "defects": 0}),
        }
        qualified, dhu = qualified_and_dhu(totals)
        result.append(
            {
                "key": row[key],
                "label": row[label],
                **totals,
                "checked": totals["inspected"],
                "first_pass_yield": first_pass_yield(totals["good"], totals["defective"]),
                "qualified_rate": qualified,
                "dhu": dhu,
            }
        )
    return sorted(result, key=lambda r: str(r["label"]))
