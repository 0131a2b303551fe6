"""Knobs of devices/: settings.DEVICES (a dict), then the environment (DEVICES_<NAME>), then
these defaults."""

import os

from django.conf import settings
from django.db import OperationalError

DEFAULTS = {
    # Ingest
    "MAX_PAYLOAD_BYTES": 64 * 1024,
    "MAX_RECORDS_PER_MESSAGE": 500,
    "BATCH_SIZE": 2000,
    "BATCH_MAX_WAIT_SECONDS": 0.1,
    "SHARE_GROUP": "seamline-ingest",
    "INGEST_USERNAME": "seamline-ingest",
    # Device clocks: records older than this (gateways buffer while offline) or this far ahead
    # are dead-lettered rather than written into a partition that does not exist.
    "MAX_BACKFILL_DAYS": 7,
    "MAX_CLOCK_AHEAD_SECONDS": 6 * 3600,
    # Partitions (PostgreSQL)
    "PARTITION_DAYS_AHEAD": 3,
    # The broker's dynamic-security admin client, e.g. mqtt://seamline-admin:secret@broker:1883
    # (devices.broker). Unset: the platform tells no broker about credentials (embedded demo).
    "BROKER_ADMIN_URL": "",
    # Modbus
    "MODBUS_TIMEOUT_SECONDS": 1.0,
    "MODBUS_MAX_BACKOFF_SECONDS": 300,
}


def get(name: str):
    configured = getattr(settings, "DEVICES", {})
    if name in configured:
        return configured[name]
    default = DEFAULTS[name]
    raw = os.environ.get(f"DEVICES_{name}")
    if raw is None:
        return default
    return type(default)(raw) if not isinstance(default, str) else raw


# How every Celery task of devices/ runs: acknowledged late, retried a few times when the
# database is briefly away (tasks are idempotent, so a retry is safe).
TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}
