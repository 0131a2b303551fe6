"""Work orders: progress per operation and per size × colour, WIP and bottleneck, expected
finish, at risk; and the merchant's view of an order's production."""

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

from factories.calendar import working_days_after
from factories.clock import factory_today
from factories.models import Factory, SewingLine
from orders.models import Order
from orders.selectors import merchant_progress
from production.models import (
    Bundle,
    Lay,
    OperationRecord,
    ScheduleEntry,
    WorkOrder,
    WorkOrderLine,
    WorkOrderOperation,
)
from production.selectors.common import LIVE, OPEN_STATES
from production.selectors.output import finished_by

CUT = Q(lay__status=Lay.Status.CUT) | ~Q(status=Bundle.Status.CUT)


def work_order_figures(work_orders: Iterable[WorkOrder], *, now: datetime | None = None) -> dict:
    """Per work order (by id): ordered, to cut, cut and finished pieces, per size × colour and
    per operation; progress (SAM-weighted share of the work done); expected finish; at risk.

    Pieces count as cut once their lay is cut or their bundle has moved on to sewing; a
    garment is finished when its work order's last scanned operation records it good.
    """
    by_factory: dict[int, list[WorkOrder]] = defaultdict(list)
    for work_order in work_orders:
        by_factory[work_order.factory_id].append(work_order)
    result = {}
    for group in by_factory.values():
        result.update(_figures_of(group[0].factory, group, now=now))
    return result


def _figures_of(factory: Factory, work_orders: list[WorkOrder], *, now) -> dict:
    ids = [wo.pk for wo in work_orders]
    today = factory_today(factory, now)
    operations = defaultdict(list)
    for op in WorkOrderOperation.objects.filter(factory=factory, work_order_id__in=ids).order_by(
        "sequence", "pk"
    ):
        operations[op.work_order_id].append(op)
    live = OperationRecord.objects.filter(LIVE, factory=factory, work_order_id__in=ids)
    done = _done_by_operation(live)
    finished = finished_by(live, "work_order_id", "bundle__colour", "bundle__size")
    cells = _cells(factory, ids, finished)
    sam = {op.pk: op.sam for ops in operations.values() for op in ops}
    pace = _recent_pace(factory, ids, sam, today)
    planned_finish = dict(
        ScheduleEntry.objects.filter(
            factory=factory, work_order_id__in=ids, finish_date__isnull=False
        ).values_list("work_order_id", "finish_date")
    )
    result = {}
    for wo in work_orders:
        ops = operations[wo.pk]
        cut = sum(cell["cut"] for cell in cells[wo.pk])
        total_sam = sum((op.sam for op in ops), Decimal(0)) * wo.cut_quantity
        done_sam = sum((op.sam * done[op.pk]["completed"] for op in ops), Decimal(0))
        remaining = total_sam - done_sam
        expected = expected_finish(
            factory,
            remaining_sam=float(remaining),
            pace=pace.get(wo.pk),
            planned_finish=planned_finish.get(wo.pk),
            today=today,
        )
        result[wo.pk] = {
            "id": wo.pk,
            "number": wo.number,
            "status": wo.status,
            "due_date": wo.due_date,
            "quantity": wo.quantity,
            "to_cut": wo.cut_quantity,
            "cut": cut,
            "finished": sum(cell["finished"] for cell in cells[wo.pk]),
            "percent": min(100, round(100 * done_sam / total_sam)) if total_sam else 0,
            "expected_finish": expected,
            "at_risk": remaining > 0
            and (expected > wo.due_date if expected else wo.due_date <= today),
            "cells": cells[wo.pk],
            "operations": _per_operation(wo, ops, done, supply=cut),
        }
    return result


def _done_by_operation(live) -> dict[int, dict]:
    """Per operation: first-pass good and defective pieces, pieces completed (both), reworked."""
    done: dict = defaultdict(lambda: {"good": 0, "defective": 0, "completed": 0, "reworked": 0})
    for row in live.values("operation_id", "is_rework").annotate(
        good=Sum("good_pieces"), defective=Sum("defective_pieces")
    ):
        entry = done[row["operation_id"]]
        if row["is_rework"]:
            entry["reworked"] += row["good"] or 0
        else:
            entry["good"] += row["good"] or 0
            entry["defective"] += row["defective"] or 0
            entry["completed"] = entry["good"] + entry["defective"]
    return done


def cut_by_cell(factory: Factory, ids: list[int]) -> dict[tuple[int, str, str], int]:
    """Pieces cut per (work order id, colour, size): bundles whose lay is cut (as confirmed,
    over- or under-cut) or that have moved on to sewing."""
    cut: dict[tuple[int, str, str], int] = defaultdict(int)
    for row in (
        Bundle.objects.filter(CUT, factory=factory, work_order_id__in=ids)
        .values("work_order_id", "colour", "size")
        .annotate(n=Sum("quantity"))
    ):
        cut[(row["work_order_id"], row["colour"], row["size"])] += row["n"] or 0
    return cut


def _cells(factory: Factory, ids: list[int], finished: dict) -> dict[int, list[dict]]:
    """Per work order, every size × colour it plans, cuts or finishes (a bundle's cell counts
    even where no planned line names it): ordered, to cut, cut and finished pieces."""
    cut = cut_by_cell(factory, ids)
    planned = {
        (line.work_order_id, line.colour, line.size): line
        for line in WorkOrderLine.objects.filter(factory=factory, work_order_id__in=ids)
    }
    cells = defaultdict(list)
    for key in dict.fromkeys([*planned, *cut, *finished]):
        line = planned.get(key)
        cells[key[0]].append(
            {
                "colour": key[1],
                "size": key[2],
                "ordered": line.ordered_quantity if line else 0,
                "to_cut": line.cut_quantity if line else 0,
                "cut": cut.get(key, 0),
                "finished": finished.get(key, 0),
            }
        )
    return cells


def _per_operation(wo: WorkOrder, ops: list, done: dict, *, supply: int) -> list[dict]:
    """Planned vs completed per operation, and the pieces waiting at each scanned one: done at
    the scanned operation before (the first: cut) and not yet here."""
    rows = []
    for op in ops:
        d = done[op.pk]
        rows.append(
            {
                "operation": op,
                "planned": wo.cut_quantity,
                "completed": d["completed"],
                "good": d["good"] + d["reworked"],
                "defective": d["defective"],
                "percent": round(100 * d["completed"] / wo.cut_quantity) if wo.cut_quantity else 0,
                "wip": max(0, supply - d["completed"]) if op.is_scanned else 0,
            }
        )
        if op.is_scanned:
            supply = d["completed"]
    return rows


def _recent_pace(factory: Factory, ids: list[int], sam: dict, today: date) -> dict[int, float]:
    """SAM minutes a day each work order got over its last three days with first-pass records
    (within the last two weeks)."""
    by_day: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for row in (
        OperationRecord.objects.filter(
            LIVE,
            factory=factory,
            work_order_id__in=ids,
            is_rework=False,
            work_date__gte=today - timedelta(days=14),
        )
        .values("work_order_id", "work_date", "operation_id")
        .annotate(good=Sum("good_pieces"), defective=Sum("defective_pieces"))
        .order_by()
    ):
        pieces = (row["good"] or 0) + (row["defective"] or 0)
        by_day[row["work_order_id"]][row["work_date"]] += pieces * float(
            sam.get(row["operation_id"], 0)
        )
    pace = {}
    for work_order_id, days in by_day.items():
        recent = sorted(days.items(), reverse=True)[:3]
        pace[work_order_id] = sum(minutes for _day, minutes in recent) / len(recent)
    return pace


def expected_finish(
    factory: Factory,
    *,
    remaining_sam: float,
    pace: float | None,
    planned_finish: date | None,
    today: date,
) -> date | None:
    """When a work order will be done: today once nothing remains; at its recent pace (SAM
    minutes a day), that many of the factory's working days after today (its calendar: rest
    days, public holidays, adjusted working days); without a pace, the plan's finish date."""
    if remaining_sam <= 0:
        return today
    if not pace or pace <= 0:
        return planned_finish
    return working_days_after(factory, today, math.ceil(remaining_sam / pace - 1e-9))


def work_order_progress(work_order: WorkOrder, *, now: datetime | None = None) -> dict:
    """One work order's figures for its page, with its bundles by status."""
    figures = work_order_figures([work_order], now=now)[work_order.pk]
    figures["bundles"] = [
        (Bundle.Status(status).label, n)
        for status, n in Bundle.objects.filter(factory=work_order.factory, work_order=work_order)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by("status")
    ]
    return figures


def work_orders_in_progress(factory: Factory, *, limit: int = 50) -> list[dict]:
    """Unfinished work orders by due date with their figures, style, line, order and merchant."""
    work_orders = list(
        WorkOrder.objects.filter(factory=factory, status__in=OPEN_STATES)
        .select_related("line", "version__style", "order__merchant")
        .order_by("due_date", "number")[:limit]
    )
    figures = work_order_figures(work_orders)
    return [
        {
            **{k: v for k, v in figures[wo.pk].items() if k not in ("cells", "operations")},
            "style": wo.version.style.name,
            "line": wo.line.name if wo.line else "",
            "order_number": wo.order.number if wo.order else None,
            "merchant": wo.order.merchant.name if wo.order else "",
        }
        for wo in work_orders
    ]


def wip_by_operation(factory: Factory, *, line: SewingLine | None = None) -> list[dict]:
    """Work orders on the floor with the pieces waiting at each scanned operation (done at the
    scanned operation before, or cut, less done here) and the bottleneck: the operation with
    the most waiting."""
    work_orders = WorkOrder.objects.filter(
        factory=factory, status__in=[WorkOrder.Status.CUTTING, WorkOrder.Status.SEWING]
    )
    if line is not None:
        work_orders = work_orders.filter(line=line)
    work_orders = list(work_orders.select_related("line")[:30])
    figures = work_order_figures(work_orders)
    result = []
    for wo in work_orders:
        operations = figures[wo.pk]["operations"]
        bottleneck = max(operations, key=lambda row: row["wip"], default=None)
        result.append(
            {
                "work_order": wo,
                "operations": operations,
                "percent": figures[wo.pk]["percent"],
                "bottleneck": bottleneck if bottleneck and bottleneck["wip"] else None,
            }
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


def orders_progress(orders: Iterable[Order]) -> dict[int, dict]:
    """What each order's merchant may know of production (orders.selectors.merchant_progress),
    from this app's figures of the order's work orders."""
    orders = list(orders)
    work_orders = list(
        WorkOrder.objects.filter(order__in=orders).exclude(status=WorkOrder.Status.CANCELLED)
    )
    figures = work_order_figures(work_orders)
    by_order = defaultdict(list)
    for wo in work_orders:
        by_order[wo.order_id].append(figures[wo.pk])
    return {order.pk: merchant_progress(order, work_orders=by_order[order.pk]) for order in orders}


def order_progress(order: Order) -> dict:
    """The merchant's view of one order's production: the order page, its API and tracking."""
    return orders_progress([order])[order.pk]
