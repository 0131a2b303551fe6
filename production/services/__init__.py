"""Writes of production/ (keyword-only, one transaction each), one module per concern."""

from production.services.bundles import BUNDLE_TRANSITIONS, bundles_transition
from production.services.conversion import order_convert, orders_convert
from production.services.conversion_jobs import conversion_job_create
from production.services.cutting import (
    LAY_TRANSITIONS,
    lay_cut_confirm,
    lay_event_record,
    lay_spread,
    recut_record,
)
from production.services.holds import (
    bundle_hold,
    bundle_hold_release,
    carton_hold,
    carton_hold_release,
)
from production.services.mrp import mrp_run
from production.services.packing import (
    carton_pack,
    finished_goods_receive,
    packing_position,
    shipment_ship,
)
from production.services.planning import (
    Overload,
    line_balance_create,
    schedule_move,
    schedule_move_check,
    schedule_place,
    schedule_replan,
    schedule_unpin,
    worker_skills_measure,
)
from production.services.quality import (
    defect_codes_ensure,
    final_audit_record,
    inspection_record,
)
from production.services.records import (
    BundleAmbiguous,
    bundle_code,
    bundle_id_from_scan,
    bundle_number_text,
    bundle_resolve,
    first_pass_good_pieces,
    open_rework_pieces,
    operation_record_create,
    operation_record_void,
    operation_resolve,
    station_events_good_pieces,
)
from production.services.release import work_order_release
from production.services.work_orders import (
    WORK_ORDER_TRANSITIONS,
    order_work_orders_cancel,
    work_order_cancel,
    work_order_transition,
)

__all__ = [
    "BUNDLE_TRANSITIONS",
    "BundleAmbiguous",
    "LAY_TRANSITIONS",
    "WORK_ORDER_TRANSITIONS",
    "bundle_hold",
    "bundle_hold_release",
    "bundle_code",
    "bundle_id_from_scan",
    "bundle_number_text",
    "bundle_resolve",
    "bundles_transition",
    "carton_hold",
    "carton_hold_release",
    "carton_pack",
    "conversion_job_create",
    "defect_codes_ensure",
    "final_audit_record",
    "first_pass_good_pieces",
    "finished_goods_receive",
    "inspection_record",
    "lay_cut_confirm",
    "lay_event_record",
    "lay_spread",
    "line_balance_create",
    "mrp_run",
    "open_rework_pieces",
    "order_convert",
    "orders_convert",
    "recut_record",
    "operation_record_create",
    "operation_record_void",
    "operation_resolve",
    "station_events_good_pieces",
    "order_work_orders_cancel",
    "packing_position",
    "Overload",
    "schedule_move",
    "schedule_move_check",
    "schedule_place",
    "schedule_replan",
    "schedule_unpin",
    "work_order_cancel",
    "work_order_release",
    "work_order_transition",
    "shipment_ship",
    "worker_skills_measure",
]
