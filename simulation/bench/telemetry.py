"""Device telemetry flowing through the real path while a benchmark measures something else.

`telemetry_flowing(rate)` starts its own Mosquitto (deploy/mosquitto/, a free port, a temporary
folder), the ingest's account on it, `devices` devices of the factory `factory_code` with their
own credentials, `processes` `manage.py ingest_mqtt` processes on a `$share` group, and the
independent publisher (simulation/bench/publisher.py) at `rate` messages/s until the block
ends; then it stops everything it started (also on exceptions), reports what was published,
acknowledged and stored, and deletes its factory's telemetry rows:

    with telemetry_flowing(5000) as telemetry:
        login = telemetry.login_for(my_device)  # own credentials on the same broker
        ...                                      # publish to telemetry.broker.port, measure
    telemetry.published, telemetry.acked, telemetry.stored, telemetry.lost

The building blocks (broker accounts, device logins, ingest processes, the publisher process,
stored counts) are also what `bench ingest` (simulation/bench/devices.py) runs.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time as clock
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import override_settings

from core.models import Organization
from devices.broker import DynamicSecurity, ingest_acls
from devices.ingest import topic_for
from devices.models import DeadLetter, Device, IngestSession, TelemetryRecord
from devices.mqtt import IngestLoop
from devices.services import device_credentials_issue
from factories.models import Factory
from simulation.chain import database_url
from simulation.device_publisher import DeviceLogin
from simulation.local_broker import LocalBroker, free_port

SHARE_GROUP = "bench"
INGEST = ("bench-ingest", "bench-ingest-secret")
PUBLISHER = Path(__file__).with_name("publisher.py")  # run as a script: no Django in it
PUBLISHER_READY = "connected"  # its first line (publisher.READY)


# --- the broker and its clients -------------------------------------------------------------


def ingest_account(broker: LocalBroker) -> None:
    """The ingest's account on the benchmark's own broker (shared group SHARE_GROUP)."""
    with DynamicSecurity(broker.admin_url) as admin:
        admin.role_ensure("bench-ingest", ingest_acls(SHARE_GROUP))
        admin.client_put(*INGEST, "bench-ingest", clientid=None)


def device_logins(broker: LocalBroker, factory_code: str, count: int) -> list[DeviceLogin]:
    """`count` sewing machines of the factory `factory_code`, each with credentials issued
    on `broker` (never on a configured one)."""
    organization, _ = Organization.objects.get_or_create(
        code=factory_code, defaults={"name": f"Benchmark {factory_code}", "kind": "factory"}
    )
    factory, _ = Factory.objects.get_or_create(organization=organization)
    devices = [
        Device.objects.get_or_create(
            factory=factory,
            code=f"b{number:03d}",
            defaults={"kind": "sewing_machine", "simulated": True},
        )[0]
        for number in range(count)
    ]
    return [login_for(broker, device) for device in devices]


def login_for(broker: LocalBroker, device: Device) -> DeviceLogin:
    """New credentials for `device` on `broker`: its login there."""
    devices_conf = {**getattr(settings, "DEVICES", {}), "BROKER_ADMIN_URL": broker.admin_url}
    with override_settings(DEVICES=devices_conf):
        password = device_credentials_issue(device=device)
    device.refresh_from_db()
    factory_code = device.factory.organization.code
    return DeviceLogin(factory_code, device.code, device.mqtt_username, password)


def write_logins(path: Path, logins: list[DeviceLogin]) -> Path:
    """The publisher's logins file: username, password and telemetry topic of each device."""
    rows = [
        {
            "username": login.username,
            "password": login.password,
            "topic": topic_for(login.factory_code, login.device_code, "telemetry"),
        }
        for login in logins
    ]
    path.write_text(json.dumps(rows))
    return path


# --- processes ------------------------------------------------------------------------------


def child_environment() -> dict:
    """os.environ, with DATABASE_URL naming the database this process uses (a test's own)."""
    environment = dict(os.environ)
    if connection.vendor == "postgresql":
        environment["DATABASE_URL"] = database_url()
    return environment


def ingest_client_id(number: int) -> str:
    return f"bench-ingest-{os.getpid()}-{number}"  # unique per run, in a shared database


def prepare_ingest_sessions(broker: LocalBroker, processes: int) -> None:
    """Each ingest's persistent session on the shared group, made before anything is published:
    the broker queues their share of the stream until they connect."""
    for number in range(processes):
        IngestLoop(
            broker.url(*INGEST), client_id=ingest_client_id(number), share_group=SHARE_GROUP
        ).prepare_session()


def start_ingests(
    broker: LocalBroker,
    processes: int,
    directory: Path,
    *,
    idle_exit: float | None = None,
    latency: bool = False,
    prepare: bool = True,
) -> list[subprocess.Popen]:
    """`processes` `manage.py ingest_mqtt --stats` on the shared group; their sessions are
    made first unless `prepare` is False (they exist already, holding a backlog)."""
    if prepare:
        prepare_ingest_sessions(broker, processes)
    started = []
    for number in range(processes):
        command = [
            sys.executable, "manage.py", "ingest_mqtt", "--url", broker.url(*INGEST),
            "--client-id", ingest_client_id(number), "--share-group", SHARE_GROUP, "--stats",
        ]  # fmt: skip
        if idle_exit is not None:
            command += ["--idle-exit", str(idle_exit)]
        if latency:
            command += ["--latency-file", str(latency_file(directory, number))]
        started.append(
            subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=child_environment(),
                stdout=subprocess.PIPE,
                stderr=(directory / f"ingest-{number}.log").open("ab"),
                text=True,
            )
        )
    return started


def latency_file(directory: Path, number: int) -> Path:
    return directory / f"latency-{number}.bin"


def wait_ingests_connected(processes: list[subprocess.Popen], timeout: float = 60) -> None:
    """Until every ingest has registered its session (it connects right after), so that their
    start-up does not compete with what is measured next."""
    pids = [process.pid for process in processes]
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError("an ingest process exited at start (see its log)")
        if IngestSession.objects.filter(pid__in=pids).count() == len(pids):
            clock.sleep(0.5)
            return
        clock.sleep(0.1)
    raise RuntimeError("the ingest processes did not start")


def ingest_stats(process: subprocess.Popen, timeout: float = 1800) -> dict:
    """Wait for an ingest to exit; its --stats JSON line ({} if it printed none)."""
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    lines = [line for line in (out or "").splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def stop_ingests(processes: list[subprocess.Popen]) -> list[dict]:
    """SIGTERM (a clean stop: drains and ends its session), then each one's stats."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    return [ingest_stats(process, timeout=60) for process in processes]


def start_publisher(port: int, logins_file: Path, **options) -> subprocess.Popen:
    """The publisher process, once its devices are connected; `options` are its own (count=,
    rate=, seconds=, records=, first_sequence=, window=)."""
    arguments = []
    for name, value in options.items():
        arguments += [f"--{name.replace('_', '-')}", str(value)]
    process = subprocess.Popen(
        [sys.executable, str(PUBLISHER), "--port", str(port), "--logins", str(logins_file)]
        + arguments,
        stdout=subprocess.PIPE,
        text=True,
    )
    ready = process.stdout.readline()  # every device connected: publishing starts now
    if not ready.startswith(PUBLISHER_READY):
        stop_process(process)
        raise RuntimeError(f"the publisher could not connect its devices: {ready!r}")
    return process


def publisher_result(process: subprocess.Popen, timeout: float = 3600) -> dict:
    out, _ = process.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"the publisher printed no result (exit {process.returncode})")
    return json.loads(lines[-1])


def stop_process(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- what was stored ------------------------------------------------------------------------


def clear_rows(factory_code: str) -> None:
    TelemetryRecord.objects.filter(factory__organization__code=factory_code).delete()
    DeadLetter.objects.filter(topic__startswith=f"factories/{factory_code}/").delete()


def stored_counts(factory_code: str) -> tuple[int, int]:
    """(rows, distinct (device, sequence)) of the factory's telemetry."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT (device_id, sequence)) FROM devices_telemetryrecord "
            "WHERE factory_id = (SELECT id FROM core_organization WHERE code = %s)",
            [factory_code],
        )
        return cursor.fetchone()


def wait_stored(factory_code: str, expected: int, *, stall_seconds: float = 20) -> int:
    """Poll (a plain count, twice a second) until `expected` rows are stored, or nothing more
    arrives for `stall_seconds`."""
    rows, progress_at = 0, clock.monotonic()
    while rows < expected and clock.monotonic() - progress_at < stall_seconds:
        clock.sleep(0.5)
        now_rows = TelemetryRecord.objects.filter(factory__organization__code=factory_code).count()
        if now_rows != rows:
            rows, progress_at = now_rows, clock.monotonic()
    return rows


# --- telemetry flowing ----------------------------------------------------------------------


@dataclass
class Telemetry:
    rate: int
    factory_code: str
    broker: LocalBroker | None = None
    published: int = 0
    acked: int = 0
    stored: int = 0
    lost: int = 0
    duplicates: int = 0
    publisher: dict = field(default_factory=dict)  # the publisher's own JSON line
    processes: list = field(default_factory=list)  # what it started: ingests, publisher

    def login_for(self, device: Device) -> DeviceLogin:
        """Credentials for a device of the caller's own, on this broker."""
        if self.broker is None:
            raise RuntimeError("no telemetry is flowing (rate 0): there is no broker")
        return login_for(self.broker, device)


@contextlib.contextmanager
def telemetry_flowing(
    rate: int, *, devices: int = 100, processes: int = 2, factory_code: str = "bench-telemetry"
):
    telemetry = Telemetry(rate=rate, factory_code=factory_code)
    if not rate:
        yield telemetry
        return
    directory = Path(tempfile.mkdtemp(prefix="seamline-telemetry-"))
    ingests: list[subprocess.Popen] = []
    publisher = None
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, directory, ignore_errors=True)
        cleanup.callback(clear_rows, factory_code)  # last, once the ingests have stopped
        broker = LocalBroker(directory / "broker", free_port())
        telemetry.broker = broker.start()
        cleanup.callback(broker.stop)
        cleanup.callback(lambda: [stop_process(process) for process in ingests])
        cleanup.callback(lambda: stop_process(publisher))
        ingest_account(broker)
        logins = write_logins(
            directory / "logins.json", device_logins(broker, factory_code, devices)
        )
        clear_rows(factory_code)
        ingests += start_ingests(broker, processes, directory)
        wait_ingests_connected(ingests)
        publisher = start_publisher(broker.port, logins, rate=rate)
        telemetry.processes = [*ingests, publisher]
        yield telemetry
        publisher.send_signal(signal.SIGTERM)
        telemetry.publisher = publisher_result(publisher, timeout=180)
        telemetry.published = telemetry.publisher["published"]
        telemetry.acked = telemetry.publisher["acked"]
        wait_stored(factory_code, telemetry.acked)
        stop_ingests(ingests)
        rows, distinct = stored_counts(factory_code)
        telemetry.stored = distinct
        telemetry.lost = telemetry.acked - distinct
        telemetry.duplicates = rows - distinct
