"""What dashboards/ reads from the other apps — the one place it touches them.

Each function goes through the owning app's selectors (or plain foreign keys) and returns
plain dicts, or None when the owning app does not provide that figure (yet): the page then
shows an explicit empty state instead of a misleading zero. Rollup tasks call the `*_totals`
functions; the dashboard calls the current-state ones (work orders, alarms, shortages…).
"""

from datetime import datetime
from importlib import import_module, util

from factories.models import Worker


def _selectors(app: str):
    """The app's selectors module, or None while the app has none."""
    if util.find_spec(app) is None or util.find_spec(f"{app}.selectors") is None:
        return None
    return import_module(f"{app}.selectors")


def _call(app: str, name: str, **kwargs):
    module = _selectors(app)
    function = getattr(module, name, None) if module else None
    return function(**kwargs) if function else None


# --- Rollup sources (read by tasks, never while a page waits) ---------------------------------


def operation_totals(*, factory_id: int, start: datetime, end: datetime) -> list[dict] | None:
    """Operation records in [start, end) grouped by line, worker and work order.

    Each row: line_id, worker_id, work_order_id, good, defective, reworked, finished,
    earned_minutes, piece_wages.
    """
    return _call("production", "operation_totals", factory_id=factory_id, start=start, end=end)


def quality_totals(*, factory_id: int, start: datetime, end: datetime) -> list[dict] | None:
    """QC inspections in [start, end) per line: line_id, inspected, passed, defects."""
    return _call("production", "quality_totals", factory_id=factory_id, start=start, end=end)


def order_totals(*, factory_id: int, start: datetime, end: datetime) -> dict | None:
    """Order intake and delivery in [start, end): orders_received, pieces_ordered,
    orders_delivered, orders_delivered_on_time, pieces_shipped."""
    intake = _call("orders", "order_intake_totals", factory_id=factory_id, start=start, end=end)
    delivery = _call("production", "delivery_totals", factory_id=factory_id, start=start, end=end)
    if intake is None and delivery is None:
        return None
    return {**(intake or {}), **(delivery or {})}


def employee_count(*, factory_id: int) -> int:
    return Worker.objects.filter(factory_id=factory_id, is_active=True).count()


# --- Current state (read by the dashboard) ----------------------------------------------------


def work_orders_in_progress(*, factory_id: int) -> list[dict] | None:
    """Released, unfinished work orders: id, number, style, line_id, quantity, due_date."""
    return _call("production", "work_orders_in_progress", factory_id=factory_id)


def station_wip(*, factory_id: int) -> list[dict] | None:
    """Pieces waiting or in work per station: station_id, station, line_id, wip."""
    return _call("production", "station_wip", factory_id=factory_id)


def orders_open(*, factory_id: int) -> list[dict] | None:
    """Merchant orders not yet shipped: id, number, merchant, quantity, ship_by."""
    return _call("orders", "orders_open", factory_id=factory_id)


def device_status(*, factory_id: int, start: datetime, end: datetime) -> dict | None:
    """Machines by status and utilization in the window, from devices' minute rollups."""
    return _call("devices", "device_status", factory_id=factory_id, start=start, end=end)


def open_alarms(*, factory_id: int) -> list[dict] | None:
    return _call("devices", "open_alarms", factory_id=factory_id)


def material_shortages(*, factory_id: int) -> list[dict] | None:
    return _call("inventory", "material_shortages", factory_id=factory_id)


def wages_this_period(*, factory_id: int) -> dict | None:
    """The open pay period: label, start, end, total (Decimal), workers."""
    return _call("payroll", "period_figures", factory_id=factory_id)


def merchant_orders(*, merchant) -> list[dict] | None:
    """A merchant's orders at every factory, with progress by size × colour and shipments."""
    return _call("orders", "merchant_order_tracking", merchant=merchant)
