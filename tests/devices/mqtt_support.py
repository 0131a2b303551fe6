"""Real Mosquitto, real ingest processes and a throwaway PostgreSQL cluster for the zero-loss
tests. Brokers come from deploy/mosquitto/mosquitto.conf (simulation.local_broker)."""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own (initdb in a temporary folder), so stopping it midway
    never touches the shared server."""

    def __init__(self):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            raise RuntimeError("initdb not found under /usr/lib/postgresql/*/bin")
        self.bin = Path(binaries[-1]).parent
        # Its own folder under /tmp: pytest's folders are private to root, and initdb runs as
        # the postgres user when we are root (it refuses to run as root).
        self.directory = Path(tempfile.mkdtemp(prefix="seamline-pg-"))
        self.data = self.directory / "data"
        self.port = _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True)

    def init(self) -> "ThrowawayPostgres":
        if self.as_user:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
            "UTF8", "--no-sync",
        )  # fmt: skip
        return self

    def start(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-l",
            str(self.directory / "log"), "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def clone_from(self, source_url: str) -> None:
        """Copy the test database (schema and rows) into this cluster's `postgres` database."""
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", source_url],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url()],
            input=dump,
            check=True,
            capture_output=True,
        )
        self._app_role_create()

    def _app_role_create(self) -> None:
        """The app role (row-level security, core/rls.py) is the cluster's, so a dump does not
        carry it: make it here with the grants `core.rls.install` gives, so an ingest pointed at
        this cluster runs as it does on the shared one."""
        role = os.environ.get("DATABASE_APP_ROLE", "")
        if not role:
            return
        grants = (
            f'CREATE ROLE "{role}" NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;'
            f'GRANT USAGE ON SCHEMA public TO "{role}";'
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}";'
            f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{role}";'
        )
        subprocess.run(
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url(), "-c", grants],
            check=True,
            capture_output=True,
        )
