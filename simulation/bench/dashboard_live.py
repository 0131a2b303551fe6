"""Freshness of the factory screen, end to end, for `bench dashboard`.

Running processes, as in production: daphne (the screen's WebSockets), a Celery worker (the
hand-off of hanger events to production, the rollup rebuilds, the pushes), `ingest_mqtt` on a
Mosquitto with the project's configuration — the telemetry flow's (simulation.bench.telemetry,
which also publishes `--telemetry-rate` msg/s from its own devices) or, at rate 0, one started
here. Pushes cross processes through channels-redis.

Each round publishes one `station.leave` (a fresh bundle at the routing's last operation, so the
screen's output goes up by the bundle's garments) as the hanging-line station, with its own
broker credentials, and times until every connected client has received a push whose
`kpi.output` is the new figure.
"""

import asyncio
import contextlib
import contextvars
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import connection
from django.test import override_settings

from dashboards import selectors
from devices.broker import DynamicSecurity, ingest_acls
from devices.ingest import topic_for
from devices.mqtt import IngestLoop
from devices.services import device_credentials_issue
from simulation.bench.dashboard_world import BUNDLE_SIZE, World, live_bundles
from simulation.bench.figures import percentile
from simulation.bench.telemetry import telemetry_flowing
from simulation.chain import database_url, session_cookie, wait_until
from simulation.local_broker import LocalBroker, free_port

INGEST = ("bench-dash-ingest", "bench-dash-ingest-secret")
BASE_DIR = Path(settings.BASE_DIR)


def _environment() -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


class Processes:
    """Subprocesses started here, ended by their own handles (never by name)."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, *args], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.started.append(process)
        return process

    def stop(self) -> None:
        for process in self.started:
            process.terminate()
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.started = []


@contextlib.contextmanager
def _own_floor(processes: Processes, log_dir: Path, env: dict):
    """Rate 0: a Mosquitto and one ingest of our own."""
    with LocalBroker(log_dir / "broker", free_port(18860, 18879)) as broker:
        with DynamicSecurity(broker.admin_url) as admin:
            admin.role_ensure(INGEST[0], ingest_acls(""))
            admin.client_put(*INGEST, INGEST[0], clientid=None)
        url = broker.url(*INGEST)
        client_id = f"{INGEST[0]}-{os.getpid()}"
        IngestLoop(url, client_id=client_id, share_group="").prepare_session()
        processes.start(
            "ingest",
            ["manage.py", "ingest_mqtt", "--url", url, "--client-id", client_id]
            + ["--share-group", "", "--max-wait", "0.02"],
            env,
        )
        yield broker


@contextlib.contextmanager
def _floor(world: World, options, processes: Processes, log_dir: Path, env: dict):
    """The broker the hanger events go to, with ingests storing them: the telemetry flow's
    (its machines belong to a factory of their own, so its rows never touch this world's raw
    history), or at rate 0 one of our own."""
    rate = options["telemetry_rate"]
    with telemetry_flowing(rate, factory_code=f"{world.factory.code}-flow") as flow:
        if flow.broker is not None:
            yield flow.broker, flow
            return
        with _own_floor(processes, log_dir, env) as broker:
            yield broker, flow


class Publisher:
    """The hanging-line station on the broker, as itself (client id = its username)."""

    def __init__(self, broker: LocalBroker, username: str, password: str):
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=username)
        self.client.username_pw_set(username, password)
        self.port = broker.port
        self.sequence = itertools.count(int(time.time() * 1000))

    def __enter__(self) -> "Publisher":
        self.client.connect("127.0.0.1", self.port)
        self.client.loop_start()
        return self

    def publish(self, topic: str, body: dict):
        return self.client.publish(topic, orjson.dumps(body), qos=1)

    def __exit__(self, *exc) -> None:
        self.client.loop_stop()
        self.client.disconnect()


class Round:
    """One hanger event: the figure each client waits for, and when each saw it."""

    def __init__(self, target: int, clients: int):
        self.target = target
        self.published = 0.0
        self.seen: dict[int, float] = {}
        self.done = asyncio.Event()
        self.clients = clients

    def saw(self, client: int, output: int) -> None:
        if output >= self.target and client not in self.seen and self.published:
            self.seen[client] = time.monotonic()
            if len(self.seen) == self.clients:
                self.done.set()


async def _connect(url: str, headers: dict, gate: asyncio.Semaphore):
    """One screen's socket, past its hello. A few at a time, and again if the server dropped
    the handshake (daphne does after 5 s when the machine is busy)."""
    import websockets  # a dev extra, not installed in production images

    for attempt in range(5):
        async with gate:
            try:
                socket_ = await websockets.connect(
                    url, additional_headers=headers, max_queue=None, open_timeout=30
                )
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                if attempt == 4:
                    raise
                await asyncio.sleep(0.5 * (attempt + 1))
                continue
            hello = orjson.loads(await socket_.recv())
            if hello.get("type") != "hello":
                raise RuntimeError(f"the screen did not say hello: {hello}")
            return socket_


async def _client(number: int, url: str, headers: dict, state: dict, ready: asyncio.Event):
    socket_ = await _connect(url, headers, state["gate"])
    state["connected"] += 1
    if state["connected"] == state["clients"]:
        ready.set()
    try:
        async for frame in socket_:
            message = orjson.loads(frame)
            if message.get("type") != "update" or not message.get("data"):
                continue
            state["updates"] += 1
            current = state.get("round")
            if current is not None:
                current.saw(number, message["data"]["kpi"]["output"])
    finally:
        await socket_.close()


def _screen_output(world: World) -> int:
    return selectors.dashboard_data(world.factory, "12h")["kpi"]["output"]


class DatabaseThread:
    """One thread (so one database connection, closed at the end) for the rounds' reads."""

    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-db")

    async def __call__(self, function, *args):
        context = contextvars.copy_context()  # the row-level-security scope goes along
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, context.run, function, *args
        )

    def close(self) -> None:
        self.executor.submit(lambda: connection.close()).result()
        self.executor.shutdown()


async def _rounds(world: World, options, port: int, publisher: Publisher, stdout) -> dict:
    url = f"ws://127.0.0.1:{port}/ws/dashboards/factory/{world.factory.pk}/?window=12h"
    database = DatabaseThread()
    cookie = await database(session_cookie, world.manager)
    headers = {"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"}
    clients = options["clients"]
    state = {"clients": clients, "connected": 0, "updates": 0, "round": None}
    state["gate"] = asyncio.Semaphore(10)
    ready = asyncio.Event()
    tasks = [asyncio.create_task(_client(n, url, headers, state, ready)) for n in range(clients)]
    connecting = asyncio.ensure_future(ready.wait())
    await asyncio.wait([connecting, *tasks], timeout=300, return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:
        if task.done() and task.exception() is not None:
            raise task.exception()
    if not ready.is_set():
        raise RuntimeError(f"only {state['connected']} of {clients} screens connected")
    topic = topic_for(world.factory.code, world.hanger.code, "events")
    # One more event than measured: the first warms the processes' code paths and is not timed.
    bundles = await database(live_bundles, world, options["events"] + 1)
    latencies: list[float] = []
    figures = []
    missed = 0
    try:
        for number, bundle in enumerate(bundles):
            before = await database(_screen_output, world)
            current = Round(before + BUNDLE_SIZE, clients)
            state["round"] = current
            current.published = time.monotonic()
            publisher.publish(
                topic,
                {
                    "seq": next(publisher.sequence),
                    "ts": int(time.time() * 1000),
                    "type": "station.leave",
                    "hanger": f"H{bundle:06d}",
                    "bundle": bundle,
                    "operation": world.last_operation,
                    "badge": world.badge,
                    "defect": 0,
                },
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(current.done.wait(), options["event_timeout"])
            figures.append((before, current.target, len(current.seen)))
            if number:
                latencies += [(at - current.published) * 1000 for at in current.seen.values()]
                missed += clients - len(current.seen)
            state["round"] = None
            await asyncio.sleep(options["event_gap"])
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        database.close()
    stdout.write(f"figures (before, expected, clients that saw it): {figures}")
    return {"latencies": latencies, "missed": missed, "updates": state["updates"]}


def _hanger_password(world: World, broker: LocalBroker) -> str:
    """The hanging-line station's own credentials, issued on this broker."""
    devices = {**getattr(settings, "DEVICES", {}), "BROKER_ADMIN_URL": broker.admin_url}
    with override_settings(DEVICES=devices):
        password = device_credentials_issue(device=world.hanger)
    world.hanger.refresh_from_db()
    return password


def _serve(processes: Processes, env: dict, log_dir: Path) -> int:
    """A Celery worker and daphne; the port daphne listens on."""
    processes.start(
        "worker",
        ["-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "warning"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        + ["-n", f"bench-dashboard-{os.getpid()}@%h"],
        env,
    )
    port = free_port(18900, 18949)
    web = processes.start(
        "web", ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"], env
    )
    wait_until(lambda: _listening(port) or web.poll() is not None, 60)
    if web.poll() is not None or not _listening(port):
        raise RuntimeError(f"daphne did not start (see {log_dir}/web.log)")
    return port


def measure_freshness(world: World, options, stdout) -> dict:
    log_dir = Path(tempfile.mkdtemp(prefix="seamline-bench-dashboard-"))
    env = _environment()
    processes = Processes(log_dir)
    with _floor(world, options, processes, log_dir, env) as (broker, flow):
        try:
            password = _hanger_password(world, broker)
            port = _serve(processes, env, log_dir)
            stdout.write(f"services up; logs in {log_dir}")
            with Publisher(broker, world.hanger.mqtt_username, password) as publisher:
                measured = asyncio.run(_rounds(world, options, port, publisher, stdout))
        finally:
            processes.stop()
    latencies = measured["latencies"]
    return {
        "freshness_p50_ms": percentile(latencies, 0.5),
        "freshness_p95_ms": percentile(latencies, 0.95),
        "freshness_samples": len(latencies),
        "freshness_missed": measured["missed"],
        "events": options["events"],
        "clients": options["clients"],
        "updates_received": measured["updates"],
        "telemetry_published": flow.published,
        "telemetry_lost": flow.lost,
    }


def _listening(port: int) -> bool:

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
