"""Line balance: operators' actual pace against the balance, and a balance for display."""

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from factories.models import Worker
from production.models import (
    LineBalance,
    OperationRecord,
    WorkOrder,
    WorkOrderOperation,
)
from production.selectors.common import LIVE

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
