"""Output: finished garments, operator-days, pieces per person-day, earned and available
minutes, capacity utilisation."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db.models import Min, Sum

from factories.calendar import operator_day_minutes
from factories.models import Factory
from production.models import (
    OperationRecord,
    WorkOrderOperation,
)
from production.selectors.common import LIVE, pct


def last_operations(work_order_ids: Iterable[int]) -> dict[int, int]:
    """Each work order's last scanned operation: a good piece recorded there — first pass or
    reworked — is a finished garment."""
    last: dict[int, tuple[int, int]] = {}
    for work_order_id, sequence, pk in WorkOrderOperation.objects.filter(
        work_order_id__in=list(work_order_ids), is_scanned=True
    ).values_list("work_order_id", "sequence", "pk"):
        last[work_order_id] = max(last.get(work_order_id, (sequence, pk)), (sequence, pk))
    return {work_order_id: pk for work_order_id, (_sequence, pk) in last.items()}


def finished_by(records, *fields: str) -> dict[tuple, int]:
    """Finished garments among `records` (live operation records), grouped by `fields`: the
    good pieces — first pass or reworked — recorded at their work order's last scanned
    operation. The one definition of a finished garment."""
    last = last_operations(records.values_list("work_order_id", flat=True).distinct().order_by())
    result: dict[tuple, int] = defaultdict(int)
    for row in (
        records.filter(operation_id__in=list(last.values()))
        .values(*fields)
        .annotate(finished=Sum("good_pieces"))
        .order_by()
    ):
        result[tuple(row[field] for field in fields)] += row["finished"] or 0
    return result


def output_rows(factory: Factory, start: datetime, end: datetime) -> list[dict]:
    """Live operation records done in [start, end), per line × operator × work order.

    `good` and `defective` count first-pass operations (a garment passes many), `reworked` the
    pieces mended on rework, `finished` the garments through their work order's last scanned
    operation, `earned_minutes` standard minutes (frozen SAM × good pieces, rework included).
    """
    records = OperationRecord.objects.filter(
        LIVE, factory=factory, recorded_at__gte=start, recorded_at__lt=end
    )
    rows = list(
        records.values("line_id", "worker_id", "work_order_id", "operation_id", "is_rework")
        .annotate(good=Sum("good_pieces"), defective=Sum("defective_pieces"))
        .order_by()
    )
    sam = dict(
        WorkOrderOperation.objects.filter(pk__in={row["operation_id"] for row in rows}).values_list(
            "pk", "sam"
        )
    )
    finished = finished_by(records, "line_id", "worker_id", "work_order_id")
    grouped: dict[tuple, dict] = {}
    for row in rows:
        key = (row["line_id"], row["worker_id"], row["work_order_id"])
        target = grouped.setdefault(
            key,
            {
                "line_id": key[0],
                "worker_id": key[1],
                "work_order_id": key[2],
                "good": 0,
                "defective": 0,
                "reworked": 0,
                "finished": finished.get(key, 0),
                "earned_minutes": Decimal("0"),
            },
        )
        good = row["good"] or 0
        target["defective"] += row["defective"] or 0
        target["reworked" if row["is_rework"] else "good"] += good
        target["earned_minutes"] += sam.get(row["operation_id"], Decimal("0")) * good
    return list(grouped.values())


def output(factory: Factory, start: datetime, end: datetime) -> int:
    """Finished garments in [start, end)."""
    return sum(row["finished"] for row in output_rows(factory, start, end))


def person_days(factory: Factory, start: datetime, end: datetime) -> int:
    """Operator-days worked in [start, end): an operator with a live record on a local day."""
    return (
        OperationRecord.objects.filter(
            LIVE, factory=factory, recorded_at__gte=start, recorded_at__lt=end, worker__isnull=False
        )
        .values("worker_id", "work_date")
        .distinct()
        .count()
    )


def per_person_day(finished: int, operator_days: int) -> float | None:
    """Finished garments per operator-day (one decimal); None when nobody worked."""
    return round(finished / operator_days, 1) if operator_days else None


def pieces_per_person_day(factory: Factory, start: datetime, end: datetime) -> float | None:
    """Finished garments per operator-day in [start, end)."""
    return per_person_day(output(factory, start, end), person_days(factory, start, end))


def available_minutes(factory: Factory, start: datetime, end: datetime) -> Decimal:
    """Minutes the operators who worked in [start, end) had: for each operator-day, the shift
    of the line they recorded on plus the day's overtime (factories.calendar)."""
    rows = list(
        OperationRecord.objects.filter(
            LIVE, factory=factory, recorded_at__gte=start, recorded_at__lt=end, worker__isnull=False
        )
        .values("worker_id", "work_date")
        .annotate(line_id=Min("line_id"))
        .order_by()
    )
    if not rows:
        return Decimal("0")
    minutes = operator_day_minutes(
        factory=factory,
        start=min(row["work_date"] for row in rows),
        end=max(row["work_date"] for row in rows),
        line_ids={row["line_id"] for row in rows},
    )
    return Decimal(sum(minutes[row["line_id"]][row["work_date"]] for row in rows))


def utilisation(earned, available) -> float | None:
    """Capacity utilisation: earned standard minutes ÷ available minutes, in percent."""
    return pct(earned, available)


def capacity_utilisation(factory: Factory, start: datetime, end: datetime) -> float | None:
    earned = sum((row["earned_minutes"] for row in output_rows(factory, start, end)), Decimal("0"))
    return utilisation(earned, available_minutes(factory, start, end))
