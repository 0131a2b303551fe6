"""Writes of production/ (keyword-only, one transaction each), one module per concern."""

from production.services.records import (
    bundle_id_from_scan,
    open_rework_pieces,
    operation_record_create,
    operation_record_void,
)

__all__ = [
    "bundle_id_from_scan",
    "open_rework_pieces",
    "operation_record_create",
    "operation_record_void",
]
