"""Real Mosquitto, real ingest processes and a throwaway PostgreSQL cluster for the zero-loss
tests. Brokers come from deploy/mosquitto/mosquitto.conf (simulation.local_broker)."""

import os
import signal
import subprocess
import sys
import time as clock
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

INGEST_USER, INGEST_PASSWORD = "seamline-ingest", "ingest-secret"


def database_url(settings_dict=None) -> str:
    s = settings_dict or connection.settings_dict
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}:{s.get('PASSWORD') or ''}@{host}:{port}/{s['NAME']}"


def wait_until(condition, timeout: float = 90, step: float = 0.2):
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        value = condition()
        if value:
            return value
        clock.sleep(step)
    return condition()


def start_ingest(
    broker_url: str, db_url: str, client_id: str, log: Path, share_group: str | None = None
) -> subprocess.Popen:
    """An ingest process whose session exists before it returns (so nothing published from
    now on can miss it, however slowly the process starts)."""
    from devices.mqtt import IngestLoop

    IngestLoop(broker_url, client_id=client_id, share_group=share_group).prepare_session()
    extra = [] if share_group is None else ["--share-group", share_group]
    env = {**os.environ, "DATABASE_URL": db_url, "MQTT_URL": broker_url}
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "ingest_mqtt",
            "--client-id",
            client_id,
            "--batch-size",
            "500",
            *extra,
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def row_counts(db_url: str) -> tuple[int, int]:
    """(rows, distinct (device, sequence)) of telemetry, read with a fresh connection."""
    try:
        with psycopg.connect(
            db_url.replace("postgres://", "postgresql://"), connect_timeout=2
        ) as c:
            return c.execute(
                "SELECT count(*), count(DISTINCT (device_id, sequence)) "
                "FROM devices_telemetryrecord"
            ).fetchone()
    except psycopg.OperationalError:
        return (-1, -1)
