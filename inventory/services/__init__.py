"""Writes of inventory/. One module per area; everything importable from here."""

from inventory.services.catalogue import (
    material_create,
    material_update,
    supplier_by_code,
    supplier_invite,
    supplier_item_create,
    supplier_item_remove,
    supplier_item_update,
)
from inventory.services.counting import (
    bin_from_barcode,
    cycle_count_approve,
    cycle_count_record,
    cycle_count_reject,
    cycle_count_start,
    cycle_count_submit,
    lot_from_barcode,
)
from inventory.services.ledger import (
    finished_goods_receive,
    finished_goods_ship,
    stock_issue,
    stock_return,
    stock_transfer,
)
from inventory.services.planning import (
    Shortage,
    material_release_check,
    material_release_guard,
    mrp_results_store,
    purchase_suggestions_order,
)
from inventory.services.purchasing import (
    PURCHASE_ORDER_TRANSITIONS,
    fabric_inspection_record,
    purchase_line_receive,
    purchase_order_cancel,
    purchase_order_confirm,
    purchase_order_create,
    purchase_order_send,
    purchase_order_transition,
)
from inventory.services.reservations import (
    material_reserve,
    reservation_create,
    reservation_release,
    work_order_reservations_release,
)

__all__ = [
    "Shortage",
    "PURCHASE_ORDER_TRANSITIONS",
    "bin_from_barcode",
    "cycle_count_approve",
    "cycle_count_record",
    "cycle_count_reject",
    "cycle_count_start",
    "cycle_count_submit",
    "fabric_inspection_record",
    "finished_goods_receive",
    "finished_goods_ship",
    "lot_from_barcode",
    "material_create",
    "material_release_check",
    "material_release_guard",
    "material_reserve",
    "material_update",
    "mrp_results_store",
    "purchase_line_receive",
    "purchase_order_cancel",
    "purchase_order_confirm",
    "purchase_order_create",
    "purchase_order_send",
    "purchase_order_transition",
    "purchase_suggestions_order",
    "reservation_create",
    "reservation_release",
    "stock_issue",
    "stock_return",
    "stock_transfer",
    "supplier_by_code",
    "supplier_invite",
    "supplier_item_create",
    "supplier_item_remove",
    "supplier_item_update",
    "work_order_reservations_release",
]
