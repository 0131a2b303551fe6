"""`manage.py bench ingest` and `manage.py bench modbus`.

ingest: what a device owner feels, measured from outside. A real Mosquitto from
deploy/mosquitto/ on a free port; `--devices` devices with their own credentials; an
independent publisher process (simulation/bench/publisher.py: gmqtt, not the ingest's paho;
QoS 1, every PUBACK awaited); `--processes` `manage.py ingest_mqtt` processes on a `$share`
group, acknowledging after commit. Four runs, each stored exactly once (rows and distinct
(device, sequence) counted in PostgreSQL, cleared between runs):

1. live: the ingest runs, the publisher bursts `--messages` unthrottled; timed from the first
   publish to the last commit. CPU of the ingest processes and of Mosquitto (/proc/<pid>/stat)
   per message over the burst;
2. drain: the same number queued first (the ingest away), then drained; beside it the limit,
   the broker alone: a counting subscriber (mosquitto_sub, C) drains the same backlog;
3. steady: `--rate` messages/s for `--seconds`; every record's publish (its `ts`) to commit
   latency, from the ingest's --latency-file of each process, merged;
4. batched: the live burst in the gateway form, `--records` records per message.

The building blocks are simulation/bench/telemetry.py's (also behind `telemetry_flowing`).
"""

import resource
import shutil
import subprocess
import sys
import tempfile
import time as clock
from array import array
from pathlib import Path

from django.conf import settings
from django.db import connection

from core.models import Organization
from devices.broker import DynamicSecurity
from devices.modbus import poll_due_devices
from devices.models import Device, TelemetryRecord
from devices.services import register_map_save
from factories.models import Factory
from simulation import modbus_machines
from simulation.bench.cpu import process_cpu_seconds
from simulation.bench.figures import percentile
from simulation.bench.telemetry import (
    clear_rows,
    device_logins,
    ingest_account,
    ingest_stats,
    latency_file,
    prepare_ingest_sessions,
    publisher_result,
    start_ingests,
    start_publisher,
    stop_ingests,
    stored_counts,
    wait_ingests_connected,
    wait_stored,
    write_logins,
)
from simulation.local_broker import LocalBroker, free_port

BENCH_FACTORY = "bench-ingest"
COUNTER = ("bench-counter", "bench-counter-secret")
FIRST_SEQUENCE = {"live": 1, "drain": 10_000_000, "steady": 20_000_000, "batched": 30_000_000}


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _counter_account(broker: LocalBroker) -> None:
    acls = [
        {"acltype": "subscribePattern", "topic": "factories/#", "allow": True},
        {"acltype": "publishClientReceive", "topic": "factories/#", "allow": True},
    ]
    with DynamicSecurity(broker.admin_url) as admin:
        admin.role_ensure("bench-counter", acls)
        admin.client_put(*COUNTER, "bench-counter", clientid=COUNTER[0])


def _counter(port: int, *, expected: int = 0, persistent: bool = True) -> subprocess.Popen:
    """mosquitto_sub as the counting subscriber: with `expected`, drain that many messages
    from its session and exit; without, make its session (`persistent`) or end it."""
    command = [
        shutil.which("mosquitto_sub") or "mosquitto_sub",
        "-h", "127.0.0.1", "-p", str(port), "-u", COUNTER[0], "-P", COUNTER[1],
        "-i", COUNTER[0], "-q", "1", "-t", f"factories/{BENCH_FACTORY}/devices/+/+",
    ]  # fmt: skip
    command += ["-c"] if persistent else []
    command += ["-C", str(expected)] if expected else ["-E"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _stored_once(expected: int) -> dict:
    rows, distinct = stored_counts(BENCH_FACTORY)
    return {"rows": rows, "lost": expected - distinct, "duplicates": rows - distinct}


def _live(broker, logins, directory, options, *, records: int, run: str) -> dict:
    """Ingest running, publisher unthrottled: first publish to last commit."""
    count = options["batched_messages"] if records > 1 else options["messages"]
    clear_rows(BENCH_FACTORY)
    ingests = start_ingests(broker, options["processes"], directory)
    try:
        wait_ingests_connected(ingests)
        ingest_cpu = sum(process_cpu_seconds(process.pid) for process in ingests)
        broker_cpu = process_cpu_seconds(broker.pid)
        publisher = publisher_result(
            start_publisher(
                broker.port,
                logins,
                count=count,
                records=records,
                first_sequence=FIRST_SEQUENCE[run],
                window=options["window"],
            )
        )
        expected = publisher["acked"] * records
        wait_stored(BENCH_FACTORY, expected)
        ingest_cpu = sum(process_cpu_seconds(process.pid) for process in ingests) - ingest_cpu
        broker_cpu = process_cpu_seconds(broker.pid) - broker_cpu
        rss = max(_peak_rss_mb(process.pid) for process in ingests)
    finally:
        stats = stop_ingests(ingests)
    stored = _stored_once(expected)
    last_commit = max((s.get("last_commit_at") or 0 for s in stats), default=0)
    seconds = last_commit - publisher["first_publish_at"]
    return {
        **stored,
        "expected": expected,
        "per_s": round(stored["rows"] / seconds) if seconds > 0 else 0,
        "publisher": publisher,
        "ingest_cpu": ingest_cpu,
        "broker_cpu": broker_cpu,
        "peak_rss_mb": max([rss, *(s.get("peak_rss_mb", 0) for s in stats)]),
    }


def _drain(broker, logins, directory, options) -> dict:
    """A backlog queued for the ingest's and the counting subscriber's sessions (nothing
    running), then each drains it: the broker alone first, then the ingest."""
    clear_rows(BENCH_FACTORY)
    processes = options["processes"]
    prepare_ingest_sessions(broker, processes)
    _counter(broker.port).wait(30)
    publisher = publisher_result(
        start_publisher(
            broker.port,
            logins,
            count=options["messages"],
            first_sequence=FIRST_SEQUENCE["drain"],
            window=options["window"],
        )
    )
    acked = publisher["acked"]
    begin = clock.monotonic()
    _counter(broker.port, expected=acked).wait(1800)
    broker_seconds = clock.monotonic() - begin
    _counter(broker.port, persistent=False).wait(30)  # its session ends: no more queueing
    ingests = start_ingests(broker, processes, directory, idle_exit=3, prepare=False)
    stats = [ingest_stats(process) for process in ingests]
    firsts = [s["first_message_at"] for s in stats if s.get("first_message_at")]
    lasts = [s["last_commit_at"] for s in stats if s.get("last_commit_at")]
    seconds = (max(lasts) - min(firsts)) if firsts and lasts else 0
    stored = _stored_once(acked)
    return {
        **stored,
        "per_s": round(stored["rows"] / seconds) if seconds > 0 else 0,
        "broker_per_s": round(acked / broker_seconds) if broker_seconds else 0,
        "peak_rss_mb": max((s.get("peak_rss_mb", 0) for s in stats), default=0),
    }


def _steady(broker, logins, directory, options) -> dict:
    """`--rate` messages/s for `--seconds`: publish (the record's ts) to commit, per record."""
    clear_rows(BENCH_FACTORY)
    processes = options["processes"]
    for number in range(processes):
        latency_file(directory, number).unlink(missing_ok=True)
    ingests = start_ingests(broker, processes, directory, latency=True)
    try:
        wait_ingests_connected(ingests)
        publisher = publisher_result(
            start_publisher(
                broker.port,
                logins,
                rate=options["rate"],
                seconds=options["seconds"],
                first_sequence=FIRST_SEQUENCE["steady"],
                window=options["window"],
            ),
            timeout=options["seconds"] + 600,
        )
        wait_stored(BENCH_FACTORY, publisher["acked"])
        rss = max(_peak_rss_mb(process.pid) for process in ingests)
    finally:
        stats = stop_ingests(ingests)  # each writes its latency file as it exits
    latencies = array("d")
    for number in range(processes):
        path = latency_file(directory, number)
        if path.exists():
            with path.open("rb") as file:
                latencies.frombytes(file.read())
    if sys.byteorder != "little":  # the ingest writes little-endian float64s
        latencies.byteswap()
    return {
        **_stored_once(publisher["acked"]),
        "publisher": publisher,
        "latencies": len(latencies),
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "peak_rss_mb": max([rss, *(s.get("peak_rss_mb", 0) for s in stats)]),
    }


def _cpu_per_message(publisher: dict) -> float:
    """The publisher's own CPU (it shares the cores) per message, µs."""
    return round(publisher["cpu_seconds"] / max(publisher["published"], 1) * 1e6, 1)


def add_ingest_arguments(parser):
    parser.add_argument("--messages", type=int, default=200_000, help="live burst and drain")
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2, help="ingest processes ($share)")
    parser.add_argument("--rate", type=int, default=5000, help="steady run, messages/s")
    parser.add_argument("--seconds", type=int, default=60, help="steady run")
    parser.add_argument("--records", type=int, default=50, help="records per batched message")
    parser.add_argument("--batched-messages", type=int, default=4000)
    parser.add_argument("--window", type=int, default=100, help="publisher: unacked per device")


def run_ingest(options, stdout) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("bench ingest measures COPY into PostgreSQL: set DATABASE_URL")
    directory = Path(tempfile.mkdtemp(prefix="seamline-bench-"))
    broker = LocalBroker(directory / "broker", free_port()).start()
    try:
        ingest_account(broker)
        _counter_account(broker)
        logins = write_logins(
            directory / "logins.json", device_logins(broker, BENCH_FACTORY, options["devices"])
        )
        live = _live(broker, logins, directory, options, records=1, run="live")
        stdout.write(f"  live: {live['rows']} rows, {live['per_s']} msg/s")
        drain = _drain(broker, logins, directory, options)
        stdout.write(f"  drain: {drain['per_s']} msg/s (broker alone {drain['broker_per_s']})")
        steady = _steady(broker, logins, directory, options)
        stdout.write(f"  steady: p50 {steady['p50_ms']} ms, p99 {steady['p99_ms']} ms")
        batched = _live(
            broker, logins, directory, options, records=options["records"], run="batched"
        )
        stdout.write(f"  batched: {batched['per_s']} records/s")
    finally:
        broker.stop()
        clear_rows(BENCH_FACTORY)
        shutil.rmtree(directory, ignore_errors=True)
    runs = (live, drain, steady, batched)
    bench_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "publisher": "gmqtt (asyncio) in its own process, QoS 1, every PUBACK awaited",
        "devices": options["devices"],
        "ingest_processes": options["processes"],
        "messages": live["expected"],
        "live_msgs_per_s": live["per_s"],
        "live_publisher_msgs_per_s": live["publisher"]["achieved_rate"],
        "live_lost": live["lost"],
        "live_duplicates": live["duplicates"],
        "ingest_cpu_us_per_msg": round(live["ingest_cpu"] / live["rows"] * 1e6, 1)
        if live["rows"]
        else None,
        "broker_cpu_us_per_msg": round(live["broker_cpu"] / live["rows"] * 1e6, 1)
        if live["rows"]
        else None,
        "publisher_cpu_us_per_msg": _cpu_per_message(live["publisher"]),
        "drain_msgs_per_s": drain["per_s"],
        "drain_lost": drain["lost"],
        "drain_duplicates": drain["duplicates"],
        "broker_msgs_per_s": drain["broker_per_s"],
        "rate": options["rate"],
        "seconds": options["seconds"],
        "steady_publisher_msgs_per_s": steady["publisher"]["achieved_rate"],
        "steady_publisher_cpu_us_per_msg": _cpu_per_message(steady["publisher"]),
        "steady_messages": steady["publisher"]["acked"],
        "steady_lost": steady["lost"],
        "steady_duplicates": steady["duplicates"],
        "p50_publish_to_commit_ms": steady["p50_ms"],
        "p99_publish_to_commit_ms": steady["p99_ms"],
        "latency_samples": steady["latencies"],
        "batched_records": batched["rows"],
        "batched_records_per_s": batched["per_s"],
        "batched_publisher_msgs_per_s": batched["publisher"]["achieved_rate"],
        "batched_lost": batched["lost"],
        "batched_duplicates": batched["duplicates"],
        "lost": sum(run["lost"] for run in runs),
        "duplicates": sum(run["duplicates"] for run in runs),
        "peak_rss_mb": round(max(bench_rss, *(run["peak_rss_mb"] for run in runs)), 1),
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
