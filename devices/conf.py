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
    # MQTT session of each ingest process (MQTT 5): how long the broker keeps the session of an
    # ingest that went away without a clean stop, and how long to back off at most between
    # reconnections (see docs/devices.md, "Sessions and client ids").
    "SESSION_EXPIRY_SECONDS": 3600,
    "RECONNECT_MAX_SECONDS": 30.0,
    # Device clocks: records older than this (gateways buffer while offline) or this far ahead
    # are dead-lettered rather than written into a partition that does not exist.
    "MAX_BACKFILL_DAYS": 7,
    "MAX_CLOCK_AHEAD_SECONDS": 6 * 3600,
    # Partitions (PostgreSQL)
    "PARTITION_DAYS_AHEAD": 3,
    # Mosquitto files written by the platform (password file, ACL) and how to reload it
    "MOSQUITTO_DIR": str(settings.BASE_DIR / "var" / "mosquitto"),
    "MOSQUITTO_PID_FILE": "",
    # Rollups: how many times the refresh rebuilds a minute whose rollup failed
    "ROLLUP_MAX_ATTEMPTS": 30,
    # Modbus
    "MODBUS_TIMEOUT_SECONDS": 1.0,
    "MODBUS_MAX_BACKOFF_SECONDS": 300,
    # A device is due when its next poll is at most this far ahead: the beat ticks every second
    # and a tick may run a little early or late, so a 1-s period is polled at every tick.
    "MODBUS_DUE_SLACK_SECONDS": 0.5,
}

# Range checks at the front door (devices.ingest): a record outside them is a dead letter with
# reason "out_of_range" instead of a row the database (or a rollup column) refuses later.
SEQUENCE_MAX = 2**63 - 1  # PostgreSQL bigint
# The counters the rollups sum (per sample: seconds, stitches, trims since the previous sample;
# pieces of a station.leave) and the largest value one record may carry.
COUNTER_MAX = 2**31 - 1
COUNTERS: dict[str, tuple[str, ...]] = {
    "sewing.sample": ("run_s", "idle_s", "stop_s", "stitches", "trims"),
    "modbus.sample": ("run_s", "idle_s", "stop_s", "stitches", "trims"),
    "station.leave": ("good", "defect"),
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
