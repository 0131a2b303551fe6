"""`manage.py bench ingest` and `manage.py bench modbus`.

ingest: a real Mosquitto from deploy/mosquitto/ on a free port; 200 devices with their own
credentials publish N sequenced QoS-1 messages (a Python publisher, run *before* anything is
measured). The messages are queued on the broker for two persistent sessions made beforehand:
a counting subscriber (mosquitto_sub, C) and the ingest's shared subscription. Then
(1) the limit: mosquitto_sub drains its backlog and exits after N messages — timed;
(2) ingest: `--processes` `manage.py ingest_mqtt` processes drain theirs into PostgreSQL —
timed from the first message received to the last batch committed (acknowledged after commit);
(3) batched: the same with the gateway form, `--records` records per message.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time as clock
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import override_settings

from core.models import Organization
from devices.broker import DynamicSecurity, ingest_acls
from devices.modbus import poll_due_devices
from devices.models import DeadLetter, Device, TelemetryRecord
from devices.mqtt import IngestLoop
from devices.services import device_credentials_issue, register_map_save
from factories.models import Factory
from simulation import modbus_machines
from simulation.device_publisher import DeviceLogin, publish_samples
from simulation.local_broker import LocalBroker, free_port

BENCH_FACTORY = "bench-ingest"
SHARE_GROUP = "bench"
COUNTER = ("bench-counter", "bench-counter-secret")
INGEST = ("bench-ingest", "bench-ingest-secret")


def _devices(count: int) -> list[DeviceLogin]:
    organization, _ = Organization.objects.get_or_create(
        code=BENCH_FACTORY, defaults={"name": "Benchmark factory", "kind": "factory"}
    )
    factory, _ = Factory.objects.get_or_create(organization=organization)
    logins = []
    for number in range(count):
        device, _ = Device.objects.get_or_create(
            factory=factory,
            code=f"b{number:03d}",
            defaults={"kind": "sewing_machine", "simulated": True},
        )
        password = device_credentials_issue(device=device)
        device.refresh_from_db()
        logins.append(DeviceLogin(BENCH_FACTORY, device.code, device.mqtt_username, password))
    return logins


def _clear_rows() -> None:
    TelemetryRecord.objects.filter(factory__organization__code=BENCH_FACTORY).delete()
    DeadLetter.objects.filter(topic__startswith=f"factories/{BENCH_FACTORY}/").delete()


def _counts() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT (device_id, sequence)) FROM devices_telemetryrecord "
            "WHERE factory_id = (SELECT id FROM core_organization WHERE code = %s)",
            [BENCH_FACTORY],
        )
        return cursor.fetchone()


def _counter_session(port: int, prepare: bool, expected: int = 0) -> subprocess.Popen:
    command = [
        shutil.which("mosquitto_sub") or "mosquitto_sub",
        "-h", "127.0.0.1", "-p", str(port), "-u", COUNTER[0], "-P", COUNTER[1],
        "-i", COUNTER[0], "-c", "-q", "1", "-t", f"factories/{BENCH_FACTORY}/devices/+/+",
    ]  # fmt: skip
    command += ["-E"] if prepare else ["-C", str(expected)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _accounts(broker: LocalBroker) -> None:
    """The ingest's and the counting subscriber's accounts on the bench's own broker."""
    counter_acls = [
        {"acltype": "subscribePattern", "topic": "factories/#", "allow": True},
        {"acltype": "publishClientReceive", "topic": "factories/#", "allow": True},
    ]
    with DynamicSecurity(broker.admin_url) as admin:
        admin.role_ensure("bench-ingest", ingest_acls(SHARE_GROUP))
        admin.client_put(*INGEST, "bench-ingest", clientid=None)
        admin.role_ensure("bench-counter", counter_acls)
        admin.client_put(*COUNTER, "bench-counter", clientid=COUNTER[0])


def _prepare_sessions(broker: LocalBroker, processes: int) -> None:
    _counter_session(broker.port, prepare=True).wait(30)
    for number in range(processes):
        IngestLoop(
            broker.url(*INGEST), client_id=f"bench-ingest-{number}", share_group=SHARE_GROUP
        ).prepare_session()


def _run_ingest(broker: LocalBroker, processes: int, expected_rows: int, stdout) -> dict:
    environment = dict(os.environ)
    started = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "ingest_mqtt",
                "--url",
                broker.url(*INGEST),
                "--client-id",
                f"bench-ingest-{number}",
                "--share-group",
                SHARE_GROUP,
                "--idle-exit",
                "3",
                "--stats",
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )  # fmt: skip
        for number in range(processes)
    ]
    stats = []
    for process in started:
        out, _ = process.communicate(timeout=1800)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        stats.append(json.loads(lines[-1]) if lines else {})
    rows, distinct = _counts()
    firsts = [s["first_message_at"] for s in stats if s.get("first_message_at")]
    lasts = [s["last_commit_at"] for s in stats if s.get("last_commit_at")]
    seconds = (max(lasts) - min(firsts)) if firsts and lasts else float("nan")
    stdout.write(f"  ingest: {rows} rows in {seconds:.2f}s by {processes} processes")
    return {
        "rows": rows,
        "distinct": distinct,
        "seconds": seconds,
        "p99": max((s.get("p99_commit_latency_ms", 0) for s in stats), default=0),
        "dead_letters": sum(s.get("dead_letters", 0) for s in stats),
    }


def add_ingest_arguments(parser):
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2, help="ingest processes")
    parser.add_argument("--records", type=int, default=50, help="records per batched message")
    parser.add_argument("--batched-messages", type=int, default=4000)


def run_ingest(options, stdout) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("bench ingest measures COPY into PostgreSQL: set DATABASE_URL")
    devices = options["devices"]
    per_device = max(1, options["messages"] // devices)
    messages = per_device * devices
    processes = options["processes"]
    directory = Path(tempfile.mkdtemp(prefix="seamline-bench-"))
    port = free_port()
    broker = LocalBroker(directory, port).start()
    try:
        _accounts(broker)
        # Devices get their credentials from this broker, never from a configured one.
        devices_conf = {**getattr(settings, "DEVICES", {}), "BROKER_ADMIN_URL": broker.admin_url}
        with override_settings(DEVICES=devices_conf):
            logins = _devices(devices)
        # --- one backlog for the counting subscriber and the ingest ---------------------
        _clear_rows()
        _prepare_sessions(broker, processes)
        stdout.write(f"publishing {messages} messages from {devices} devices (not timed)")
        acked = publish_samples("127.0.0.1", port, logins, per_device, first_sequence=1)
        stdout.write(f"  broker acknowledged {acked}")
        begin = clock.monotonic()
        counter = _counter_session(port, prepare=False, expected=acked)
        counter.wait(1800)
        broker_seconds = clock.monotonic() - begin
        broker_rate = acked / broker_seconds
        stdout.write(f"  limit: mosquitto_sub received {acked} in {broker_seconds:.2f}s")
        single = _run_ingest(broker, processes, acked, stdout)

        # --- batched gateway form ------------------------------------------------------
        _clear_rows()
        batched_per_device = max(1, options["batched_messages"] // devices)
        _prepare_sessions(broker, processes)
        batched_acked = publish_samples(
            "127.0.0.1",
            port,
            logins,
            batched_per_device,
            records_per_message=options["records"],
            first_sequence=10_000_000,
        )
        _counter_session(port, prepare=False, expected=batched_acked).wait(1800)
        batched = _run_ingest(broker, processes, batched_acked * options["records"], stdout)
    finally:
        broker.stop()
        shutil.rmtree(directory, ignore_errors=True)
    ingest_rate = single["rows"] / single["seconds"] if single["seconds"] else 0
    return {
        "messages": messages,
        "publisher": "paho-mqtt, before timing: a backlog queued for the persistent sessions",
        "ingest_processes": processes,
        "acked_by_broker": acked,
        "lost": acked - single["rows"],
        "duplicates": single["rows"] - single["distinct"],
        "broker_msgs_per_s": round(broker_rate),
        "ingest_msgs_per_s": round(ingest_rate),
        "ratio": round(ingest_rate / broker_rate, 3) if broker_rate else None,
        "batched_records": batched["rows"],
        "batched_lost": batched_acked * options["records"] - batched["rows"],
        "batched_records_per_s": round(batched["rows"] / batched["seconds"])
        if batched["seconds"]
        else 0,
        "p99_commit_latency_ms": single["p99"],
        "ack_after_commit": True,
    }


# --- Modbus --------------------------------------------------------------------------------


def add_modbus_arguments(parser):
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=15)


def run_modbus(options, stdout) -> dict:
    """Poll N simulated machines once a second for a while: did every round finish in time
    and read every device?"""
    count = min(options["devices"], 80)
    ports = list(range(15020, 15020 + count))
    organization, _ = Organization.objects.get_or_create(
        code="bench-modbus", defaults={"name": "Modbus benchmark", "kind": "factory"}
    )
    factory, _ = Factory.objects.get_or_create(organization=organization)
    register_map = register_map_save(
        factory=factory,
        vendor=modbus_machines.VENDOR,
        model_name=modbus_machines.MODEL,
        registers=modbus_machines.REGISTER_MAP,
    )
    Device.objects.filter(factory=factory).delete()
    devices = Device.objects.bulk_create(
        Device(
            factory=factory,
            code=f"mb{port}",
            kind="sewing_machine",
            protocol="modbus_tcp",
            register_map=register_map,
            modbus_host="127.0.0.1",
            modbus_port=port,
            poll_seconds=1,
        )
        for port in ports
    )
    ids = [device.pk for device in devices]
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVE.format(ports=ports)],
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    clock.sleep(3)
    rounds, late, answered, round_seconds = 0, 0, 0, []
    try:
        deadline = clock.monotonic() + options["seconds"]
        next_round = clock.monotonic()
        while clock.monotonic() < deadline:
            Device.objects.filter(pk__in=ids).update(next_poll_at=None)
            began = clock.monotonic()
            outcome = poll_due_devices(device_ids=ids)
            took = clock.monotonic() - began
            round_seconds.append(took)
            rounds += 1
            answered += outcome["answered"]
            late += took > 1.0
            next_round += 1.0
            clock.sleep(max(0.0, next_round - clock.monotonic()))
    finally:
        server.terminate()
        server.wait(10)
    stored = TelemetryRecord.objects.filter(factory=factory).count()
    TelemetryRecord.objects.filter(factory=factory).delete()
    round_seconds.sort()
    return {
        "devices": count,
        "rounds": rounds,
        "polls": rounds * count,
        "answered": answered,
        "stored": stored,
        "late_rounds": late,
        "kept_up": late == 0 and answered == rounds * count,
        "p50_round_ms": round(round_seconds[len(round_seconds) // 2] * 1000, 1),
        "max_round_ms": round(round_seconds[-1] * 1000, 1),
    }


_SERVE = """
import asyncio
from simulation.modbus_machines import serve_machines
async def main():
    await serve_machines({ports})
    await asyncio.Event().wait()
asyncio.run(main())
"""
