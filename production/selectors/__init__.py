"""Reads of production/. One module per area; everything importable from here.

production owns these figures (docs/architecture.md, "Who owns each figure"): output,
operator-days and pieces per person-day, earned and available minutes and capacity
utilisation, first-pass yield, qualified rate and DHU, WIP and bottleneck, progress and expected
finish per work order, the plan curve, the conversion lead time and the days lost to material
(`seed`), and — through `orders.selectors.merchant_progress` — the merchant's view of an
order's production. Every screen that shows one calls these, or reads a dashboards rollup that
these built; no other app computes them.
"""

from production.selectors.balance import PACE_TOLERANCE, actual_pace, balance_view
from production.selectors.common import LIVE, OPEN_STATES, pct
from production.selectors.cutting import (
    RELEASED,
    cutting_room_lays,
    fabric_consumption,
    lay_cut_position,
    lay_cut_rows,
    lay_events,
    lay_recuts,
    lay_spread_rolls,
    main_fabric_code,
)
from production.selectors.output import (
    available_minutes,
    capacity_utilisation,
    finished_by,
    last_operations,
    output,
    output_rows,
    per_person_day,
    person_days,
    pieces_per_person_day,
    utilisation,
)
from production.selectors.plan import (
    PlanPromise,
    booked_minutes_by_line_day,
    gantt,
    load_by_week,
    planned_output,
    planned_output_by_hour,
    planned_work_minutes,
    promise_from_plan,
)
from production.selectors.progress import (
    expected_finish,
    order_progress,
    orders_progress,
    wip_by_operation,
    wip_by_station,
    work_order_figures,
    work_order_progress,
    work_orders_in_progress,
)
from production.selectors.promise import (
    OPEN_ORDER_STATES,
    Promise,
    booked_minutes,
    capable_to_promise,
    daily_capacity_minutes,
    reorder_lead_days,
)
from production.selectors.quality import (
    QUALITY_GROUPS,
    first_pass_yield,
    first_pass_yield_recent,
    inspection_rows,
    qualified_and_dhu,
    quality,
    quality_figures,
)
from production.selectors.queues import QUEUES, work_orders_listed
from production.selectors.seed import (
    conversion_lead_times,
    material_days_lost,
    material_delays,
)
from production.selectors.traceability import carton_trace, lot_trace

__all__ = [
    "RELEASED",
    "carton_trace",
    "cutting_room_lays",
    "fabric_consumption",
    "lay_cut_position",
    "lay_cut_rows",
    "lay_events",
    "lay_recuts",
    "lay_spread_rolls",
    "lot_trace",
    "main_fabric_code",
    "OPEN_ORDER_STATES",
    "Promise",
    "booked_minutes",
    "capable_to_promise",
    "daily_capacity_minutes",
    "reorder_lead_days",
    "first_pass_yield_recent",
    "LIVE",
    "OPEN_STATES",
    "PACE_TOLERANCE",
    "QUALITY_GROUPS",
    "PlanPromise",
    "actual_pace",
    "available_minutes",
    "balance_view",
    "booked_minutes_by_line_day",
    "capacity_utilisation",
    "conversion_lead_times",
    "expected_finish",
    "finished_by",
    "first_pass_yield",
    "gantt",
    "inspection_rows",
    "last_operations",
    "load_by_week",
    "material_days_lost",
    "material_delays",
    "order_progress",
    "orders_progress",
    "output",
    "output_rows",
    "pct",
    "per_person_day",
    "person_days",
    "pieces_per_person_day",
    "planned_output",
    "planned_output_by_hour",
    "planned_work_minutes",
    "promise_from_plan",
    "qualified_and_dhu",
    "quality",
    "quality_figures",
    "utilisation",
    "wip_by_operation",
    "wip_by_station",
    "work_order_figures",
    "work_order_progress",
    "work_orders_in_progress",
    "work_orders_listed",
    "QUEUES",
]
