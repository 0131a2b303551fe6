"""`manage.py bench dashboard`: the factory screen's data endpoint and its live pushes.

Fills 90 days of rollups for a factory with 300 machines and 120 operators (idempotent: a
second run reuses them), then measures
  * the data endpoint per window (p50 / p95 ms over --requests calls, full middleware stack);
  * MQTT publish → WebSocket message with --clients pages connected: a daphne server and
    devices' `ingest_mqtt` run as processes, pushes travel through channels-redis (so this part
    needs REDIS_URL; MQTT_URL, or a Mosquitto it starts on port 18840).
The last line printed is one JSON object.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from core.models import Membership, Organization, User
from core.roles import OrgKind, Role
from dashboards import selectors, services
from devices.ingest import topic_for
from devices.models import Device, DeviceKind
from devices.mqtt import BrokerAddress
from factories.models import Factory, SewingLine, Station, Worker
from simulation import synthetic_history

BENCH_CODE = "bench-dashboard"
BASE_DIR = Path(settings.BASE_DIR)


def add_arguments(parser) -> None:
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--machines", type=int, default=300)
    parser.add_argument("--operators", type=int, default=120)
    parser.add_argument("--requests", type=int, default=40, help="calls per window")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--pushes", type=int, default=20, help="MQTT messages published")
    parser.add_argument("--no-push", action="store_true", help="measure the endpoint only")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 1)


def bench_factory(options) -> tuple[Factory, User, dict]:
    """The bench factory with its floor, machines and a manager (created once)."""
    org, _ = Organization.objects.get_or_create(
        code=BENCH_CODE, defaults={"name": "Bench Garments", "kind": OrgKind.FACTORY}
    )
    factory, _ = Factory.objects.get_or_create(organization=org)
    user, _ = User.objects.get_or_create(username=f"{BENCH_CODE}-manager")
    Membership.objects.get_or_create(
        user=user, organization=org, defaults={"role": Role.FACTORY_MANAGER}
    )
    lines_needed = max(1, options["operators"] // 30)
    lines = [
        SewingLine.objects.get_or_create(
            factory=factory, code=f"L{n}", defaults={"name": f"Line {n}", "planned_headcount": 30}
        )[0]
        for n in range(1, lines_needed + 1)
    ]
    for n in range(options["operators"]):
        Worker.objects.get_or_create(
            factory=factory,
            employee_no=f"B{n:04d}",
            defaults={"badge_id": f"BB{n:05d}", "name": f"Op {n}", "line": lines[n % len(lines)]},
        )
    devices = {}
    for n in range(options["machines"]):
        station, _ = Station.objects.get_or_create(
            factory=factory,
            code=f"S{n:03d}",
            defaults={"line": lines[n % len(lines)], "position": n},
        )
        device, _ = Device.objects.get_or_create(
            factory=factory,
            code=f"m{n:03d}",
            defaults={"kind": DeviceKind.SEWING_MACHINE, "station": station, "line": station.line},
        )
        devices[device.pk] = station.pk
    return factory, user, devices


def measure_windows(factory: Factory, user: User, requests: int, *, cold: bool) -> tuple:
    """p50 and p95 per window; `cold` invalidates the shared cache before every call (as if
    something had just changed), else repeated calls are served from it."""
    client = Client()
    client.force_login(user)
    p50, p95 = {}, {}
    for window in selectors.WINDOWS:
        client.get("/dashboards/data/", {"window": window})  # warm up
        timings = []
        for _ in range(requests):
            if cold:
                services.data_changed(factory_id=factory.pk)
            started = time.perf_counter()
            response = client.get("/dashboards/data/", {"window": window})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        p50[window] = percentile(timings, 0.5)
        p95[window] = percentile(timings, 0.95)
    return p50, p95


def free_port(ports) -> int:
    for port in ports:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {ports}")


def wait_for_port(port: int, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def measure_pushes(factory: Factory, user: User, devices: dict, options, stdout) -> dict:
    """Publish station events over MQTT; time until every connected page hears the push."""
    processes = []
    scratch = tempfile.TemporaryDirectory()
    try:
        mqtt_url = settings.MQTT_URL
        if not mqtt_url:
            port = free_port(range(18840, 18850))
            config = Path(scratch.name) / "mosquitto.conf"
            config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
            broker = subprocess.Popen(
                ["/usr/sbin/mosquitto", "-c", str(config)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            processes.append(broker)
            wait_for_port(port, broker)
            mqtt_url = f"mqtt://127.0.0.1:{port}"
        env = {**os.environ, "MQTT_URL": mqtt_url}
        web_port = free_port(range(18900, 18950))
        web = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(web_port)]
            + ["config.asgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(web)
        ingest = subprocess.Popen(
            [sys.executable, "manage.py", "ingest_mqtt", "--client-id", "bench-dashboard"]
            + ["--max-wait", "0.02", "--share-group", ""],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(ingest)
        wait_for_port(web_port, web)
        client = Client()
        client.force_login(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        device = Device.objects.get(pk=next(iter(devices)))
        topic = topic_for(factory.code, device.code, "events")
        latencies = asyncio.run(
            _push_rounds(
                web_port, factory.pk, cookie, mqtt, mqtt_url, topic, options["clients"], options
            )
        )
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        scratch.cleanup()
    return {
        "push_p50_ms": percentile(latencies, 0.5) if latencies else None,
        "push_p95_ms": percentile(latencies, 0.95) if latencies else None,
        "push_samples": len(latencies),
    }


async def _push_rounds(port, factory_id, cookie, mqtt, mqtt_url, topic, clients, options):
    import websockets  # a dev extra, not installed in production images

    url = f"ws://127.0.0.1:{port}/ws/dashboards/factory/{factory_id}/"
    headers = {"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"}
    sockets = []
    for _ in range(clients):
        socket_ = await websockets.connect(url, additional_headers=headers, max_queue=None)
        hello = json.loads(await socket_.recv())
        assert hello["type"] == "hello", hello
        sockets.append(socket_)
    address = BrokerAddress.from_url(mqtt_url)
    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-publisher")
    if address.username:
        publisher.username_pw_set(address.username, address.password)
    publisher.connect(address.host, address.port)
    publisher.loop_start()
    await asyncio.sleep(2)  # the ingest's subscription is in place
    latencies: list[float] = []
    sequence = int(time.time() * 1000)
    try:
        for _ in range(options["pushes"]):
            sequence += 1
            payload = json.dumps(
                {
                    "seq": sequence,
                    "ts": timezone.now().isoformat(),
                    "type": "station.arrive",
                    "hanger": "H1",
                }
            )
            published = time.monotonic()
            publisher.publish(topic, payload, qos=1)
            received = await asyncio.gather(*(_next_update(s) for s in sockets))
            latencies += [(at - published) * 1000 for at in received if at is not None]
            await asyncio.sleep(0.6)  # past the push interval: each publish is its own push
            for socket_ in sockets:  # drop anything a rollup push added meanwhile
                while True:
                    try:
                        await asyncio.wait_for(socket_.recv(), 0.001)
                    except TimeoutError:
                        break
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        await asyncio.gather(*(s.close() for s in sockets))
    return latencies


async def _next_update(socket_) -> float | None:
    try:
        while True:
            message = json.loads(await asyncio.wait_for(socket_.recv(), 10))
            if message.get("type") == "update":
                return time.monotonic()
    except TimeoutError:
        return None


def run(options, stdout) -> dict:
    started = time.perf_counter()
    factory, user, devices = bench_factory(options)
    written = synthetic_history.fill(
        factory,
        days=options["days"],
        hourly_days=options["days"],
        line_days=options["days"],
        now=timezone.now(),
        device_ids=devices,
    )
    stdout.write(f"filled in {time.perf_counter() - started:.1f} s: {written}")
    p50, p95 = measure_windows(factory, user, options["requests"], cold=True)
    cached_p50, cached_p95 = measure_windows(factory, user, options["requests"], cold=False)
    stdout.write(f"window p50 {p50} p95 {p95} (cached: p50 {cached_p50} p95 {cached_p95})")
    result = {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "days": options["days"],
        "machines": len(devices),
        "operators": options["operators"],
        "window_p50_ms": p50,
        "window_p95_ms": p95,
        "cached_window_p50_ms": cached_p50,
        "cached_window_p95_ms": cached_p95,
        "push_p50_ms": None,
        "push_p95_ms": None,
        "clients": 0,
    }
    if options["no_push"]:
        return result
    if not settings.REDIS_URL:
        result["push_skipped"] = "needs REDIS_URL: pushes cross processes through channels-redis"
        return result
    result.update(measure_pushes(factory, user, devices, options, stdout))
    result["clients"] = options["clients"]
    return result
