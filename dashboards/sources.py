"""What dashboards/ reads from the other apps — the one place it touches them.

It reads their models through foreign keys and their public fields (or their selectors where
they offer the figure), and returns plain dicts — or None while the owning app does not provide
that figure (not installed yet, no model): the page then shows an explicit empty state instead of
a misleading zero. Rollup tasks call the `*_totals` functions; the dashboard calls the
current-state ones (work orders, alarms, shortages, machines now, wages) — never raw operation
records or raw telemetry.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from importlib import import_module, util

from django.apps import apps
from django.db.models import Count, Max, Sum
from django.utils import timezone

from factories.models import Worker

ZERO = Decimal("0")


def model(app_label: str, name: str):
    """Another app's model, or None while that app does not have it."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def selectors_of(app: str):
    if util.find_spec(app) is None or util.find_spec(f"{app}.selectors") is None:
        return None
    return import_module(f"{app}.selectors")


# --- Rollup sources (read by tasks, never while a page waits) ---------------------------------


def operation_totals(*, factory_id: int, start: datetime, end: datetime) -> list[dict] | None:
    """Valid operation records done in [start, end), per line × worker × work order.

    Finished garments are the good pieces of each work order's last operation; earned minutes
    and piece wages use the operation's frozen SAM and piece rate.
    """
    OperationRecord = model("production", "OperationRecord")
    WorkOrderOperation = model("production", "WorkOrderOperation")
    if OperationRecord is None or WorkOrderOperation is None:
        return None
    rows = (
        OperationRecord.objects.filter(
            factory_id=factory_id, recorded_at__gte=start, recorded_at__lt=end
        )
        .filter(voided_at__isnull=True)
        .values("line_id", "worker_id", "work_order_id", "operation_id", "is_rework")
        .annotate(good=Sum("good_pieces"), defective=Sum("defective_pieces"))
        .order_by()
    )
    rows = list(rows)
    if not rows:
        return []
    operation_ids = {row["operation_id"] for row in rows}
    operations = {
        op["pk"]: op
        for op in WorkOrderOperation.objects.filter(pk__in=operation_ids).values(
            "pk", "work_order_id", "sam", "piece_rate"
        )
    }
    # The last operation that is recorded (scanned or reported by a station) finishes a garment.
    recorded_ops = WorkOrderOperation.objects.filter(
        work_order_id__in={op["work_order_id"] for op in operations.values()}, is_scanned=True
    )
    last_sequence = dict(
        recorded_ops.values("work_order_id")
        .annotate(last=Max("sequence"))
        .values_list("work_order_id", "last")
        .order_by()
    )
    last_op_ids = {
        pk
        for pk, work_order_id, sequence in recorded_ops.values_list(
            "pk", "work_order_id", "sequence"
        )
        if last_sequence.get(work_order_id) == sequence
    }
    grouped: dict[tuple, dict] = defaultdict(
        lambda: {
            "good": 0,
            "defective": 0,
            "reworked": 0,
            "finished": 0,
            "earned_minutes": ZERO,
            "piece_wages": ZERO,
        }
    )
    for row in rows:
        key = (row["line_id"], row["worker_id"], row["work_order_id"])
        target = grouped[key]
        good = row["good"] or 0
        operation = operations.get(row["operation_id"]) or {"sam": ZERO, "piece_rate": ZERO}
        target["defective"] += row["defective"] or 0
        if row["is_rework"]:
            target["reworked"] += good
        else:
            target["good"] += good
            if row["operation_id"] in last_op_ids:
                target["finished"] += good
        target["earned_minutes"] += operation["sam"] * good
        target["piece_wages"] += operation["piece_rate"] * good
    return [
        {"line_id": line, "worker_id": worker, "work_order_id": wo, **figures}
        for (line, worker, wo), figures in grouped.items()
    ]


def quality_totals(*, factory_id: int, start: datetime, end: datetime) -> list[dict] | None:
    """QC inspections in [start, end) per line: line_id, inspected, passed, defects."""
    Inspection = model("production", "Inspection")
    if Inspection is None:
        return None
    rows = (
        Inspection.objects.filter(
            factory_id=factory_id, inspected_at__gte=start, inspected_at__lt=end
        )
        .filter(voided_at__isnull=True)
        .values("line_id")
        .annotate(
            inspected=Sum("checked_pieces"),
            defective=Sum("defective_pieces"),
            defects=Sum("defects__count"),
        )
        .order_by()
    )
    return [
        {
            "line_id": row["line_id"],
            "inspected": row["inspected"] or 0,
            "passed": max(0, (row["inspected"] or 0) - (row["defective"] or 0)),
            "defects": row["defects"] or row["defective"] or 0,
        }
        for row in rows
    ]


def order_totals(*, factory_id: int, start: datetime, end: datetime) -> dict | None:
    """Order intake and delivery in [start, end): orders placed (and pieces), orders fully
    shipped (and on time against the promised, else requested, date), pieces shipped."""
    OrderEvent = model("orders", "OrderEvent")
    OrderShipment = model("orders", "OrderShipment")
    if OrderEvent is None:
        return None
    events = OrderEvent.objects.filter(factory_id=factory_id, at__gte=start, at__lt=end)
    placed = events.filter(to_status="placed").aggregate(
        orders=Count("order_id", distinct=True), pieces=Sum("order__total_quantity")
    )
    delivered = list(
        events.filter(to_status="shipped").values(
            "order_id", "at", "order__promised_date", "order__requested_date"
        )
    )
    on_time = sum(
        1
        for row in delivered
        if timezone.localdate(row["at"])
        <= (row["order__promised_date"] or row["order__requested_date"])
    )
    shipped = 0
    if OrderShipment is not None:
        shipped = (
            OrderShipment.objects.filter(
                factory_id=factory_id, shipped_at__gte=start, shipped_at__lt=end
            ).aggregate(n=Sum("quantity"))["n"]
            or 0
        )
    return {
        "orders_received": placed["orders"] or 0,
        "pieces_ordered": placed["pieces"] or 0,
        "orders_delivered": len({row["order_id"] for row in delivered}),
        "orders_delivered_on_time": on_time,
        "pieces_shipped": shipped,
    }


def machine_totals(*, factory_id: int, start: datetime, end: datetime) -> list[dict] | None:
    """Devices' minute rollups in [start, end) per device: running/idle/stopped seconds,
    hangers arrived and left, pieces."""
    MinuteRollup = model("devices", "MinuteRollup")
    if MinuteRollup is None:
        return None
    return list(
        MinuteRollup.objects.filter(factory_id=factory_id, minute__gte=start, minute__lt=end)
        .values("device_id", "station_id")
        .annotate(
            running_seconds=Sum("running_seconds"),
            idle_seconds=Sum("idle_seconds"),
            stopped_seconds=Sum("stopped_seconds"),
            arrivals=Sum("arrivals"),
            departures=Sum("departures"),
            pieces=Sum("pieces"),
        )
        .order_by()
    )


def employee_count(*, factory_id: int) -> int:
    return Worker.objects.filter(factory_id=factory_id, is_active=True).count()


# --- Current state (read by the dashboard) ----------------------------------------------------

OPEN_WORK_ORDER_STATES = ("planned", "cutting", "sewing", "finishing")


def work_orders_in_progress(*, factory_id: int) -> list[dict] | None:
    """Unfinished work orders: id, number, style, line, quantity, due date, order, merchant."""
    WorkOrder = model("production", "WorkOrder")
    if WorkOrder is None:
        return None
    rows = (
        WorkOrder.objects.filter(factory_id=factory_id, status__in=OPEN_WORK_ORDER_STATES)
        .order_by("due_date", "number")
        .values(
            "id",
            "number",
            "quantity",
            "due_date",
            "status",
            "line__name",
            "version__style__name",
            "order__number",
            "order__merchant__name",
        )[:50]
    )
    return [
        {
            "id": row["id"],
            "number": row["number"],
            "style": row["version__style__name"] or "",
            "line": row["line__name"] or "",
            "quantity": row["quantity"],
            "due_date": row["due_date"],
            "status": row["status"],
            "order_number": row["order__number"],
            "merchant": row["order__merchant__name"] or "",
        }
        for row in rows
    ]


def machines_now(*, factory_id: int) -> dict | None:
    """Machines by their state in the latest minute (devices' minute rollups), offline ones
    from the device registry."""
    Device = model("devices", "Device")
    MinuteRollup = model("devices", "MinuteRollup")
    if Device is None or MinuteRollup is None:
        return None
    devices = dict(
        Device.objects.filter(factory_id=factory_id, is_active=True).values_list("pk", "is_online")
    )
    if not devices:
        return None
    since = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=2)
    latest = {}
    for row in (
        MinuteRollup.objects.filter(factory_id=factory_id, minute__gte=since)
        .order_by("minute")
        .values("device_id", "running_seconds", "idle_seconds", "stopped_seconds")
    ):
        latest[row["device_id"]] = row
    counts = {"running": 0, "idle": 0, "stopped": 0, "offline": 0}
    for device_id, online in devices.items():
        row = latest.get(device_id)
        if not online or row is None:
            counts["offline"] += 1
            continue
        state = max(("running", "idle", "stopped"), key=lambda s: row[f"{s}_seconds"] or 0)
        counts[state] += 1
    return {"total": len(devices), **counts}


def open_alarms(*, factory_id: int) -> list[dict] | None:
    Alarm = model("devices", "Alarm")
    if Alarm is None:
        return None
    rows = (
        Alarm.objects.filter(factory_id=factory_id)
        .exclude(state="cleared")
        .select_related("device", "station")
        .order_by("-opened_at")[:50]
    )
    return [
        {
            "severity": alarm.get_kind_display(),
            "device": str(alarm.device or alarm.station or alarm.subject),
            "message": alarm.message,
            "state": alarm.state,
            "opened_at": alarm.opened_at,
        }
        for alarm in rows
    ]


def material_shortages(*, factory_id: int) -> list[dict] | None:
    """Shortages of the factory's latest MRP run."""
    MrpRun = model("inventory", "MrpRun")
    MaterialShortage = model("inventory", "MaterialShortage")
    if MrpRun is None or MaterialShortage is None:
        return None
    run = MrpRun.objects.filter(factory_id=factory_id).order_by("-created_at", "-pk").first()
    if run is None:
        return []
    return [
        {
            "material": row["material_code"],
            "short": row["short"],
            "unit": row["material__unit"] or "",
            "need_date": row["need_date"],
            "work_order": row["work_order__number"],
        }
        for row in MaterialShortage.objects.filter(run=run, short__gt=0)
        .order_by("need_date", "material_code")
        .values("material_code", "short", "material__unit", "need_date", "work_order__number")[:50]
    ]


def pay_period(*, factory) -> dict | None:
    """The pay period covering today (payroll's selectors): label, first and last day,
    status, and payroll's own earned figure once the period is calculated; {} when no period
    covers today."""
    payroll = selectors_of("payroll")
    if payroll is None or not hasattr(payroll, "period_for_day"):
        return None
    today = payroll.factory_today(factory)
    period = payroll.period_for_day(factory, today)
    if period is None:
        return {}
    figures = payroll.period_figures(period)
    return {
        "label": f"{period.starts_on:%m-%d} – {period.ends_on:%m-%d}",
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "status": figures["status"],
        "earned": figures["earned"],
    }


def merchant_orders(*, merchant) -> list[dict] | None:
    """A merchant's orders at every factory: status, size × colour progress (bundles sewn or
    further), expected ship date, shipments with tracking numbers."""
    Order = model("orders", "Order")
    if Order is None:
        return None
    Bundle = model("production", "Bundle")
    orders = (
        Order.objects.visible_to(merchant)
        .exclude(status__in=["draft", "cancelled", "rejected"])
        .select_related("factory__organization", "version__style")
        .prefetch_related("lines", "shipments", "work_orders")
        .order_by("-created_at")[:100]
    )
    result = []
    for order in orders:
        done: dict[tuple[str, str], int] = defaultdict(int)
        if Bundle is not None:
            for row in (
                Bundle.objects.filter(
                    work_order__order=order, status__in=["sewn", "finished", "packed"]
                )
                .values("size", "colour")
                .annotate(n=Sum("quantity"))
                .order_by()
            ):
                done[(row["size"], row["colour"])] = row["n"] or 0
        lines = list(order.lines.all())
        sizes = list(dict.fromkeys(line.size for line in lines))
        colours = list(dict.fromkeys(line.colour for line in lines))
        cells = {(line.size, line.colour): line for line in lines}
        matrix = [
            {
                "colour": colour,
                "cells": [
                    {
                        "ordered": cells[(size, colour)].quantity if (size, colour) in cells else 0,
                        "done": min(
                            done.get((size, colour), 0),
                            cells[(size, colour)].quantity if (size, colour) in cells else 0,
                        ),
                    }
                    for size in sizes
                ],
            }
            for colour in colours
        ]
        completed = sum(cell["done"] for row in matrix for cell in row["cells"])
        work_order = next(iter(order.work_orders.all()), None)
        result.append(
            {
                "id": order.pk,
                "number": order.number,
                "factory": str(order.factory),
                "style": order.version.style.name,
                "status": order.status,
                "status_display": order.get_status_display(),
                "quantity": order.total_quantity,
                "completed": completed,
                "shipped": order.shipped_quantity,
                "progress": round(100 * completed / order.total_quantity)
                if order.total_quantity
                else 0,
                "ship_by": order.requested_date,
                "expected_ship_date": order.promised_date
                or (work_order.due_date if work_order else None)
                or order.requested_date,
                "sizes": sizes,
                "matrix": matrix,
                "shipments": [
                    {
                        "shipped_at": shipment.shipped_at,
                        "quantity": shipment.quantity,
                        "carrier": shipment.carrier,
                        "tracking_number": shipment.tracking_no,
                    }
                    for shipment in order.shipments.all()
                ],
            }
        )
    return result
