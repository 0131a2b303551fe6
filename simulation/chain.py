"""The whole chain, one way to run it: the end-to-end test (tests/test_chain.py) and
`manage.py bench chain` both run `journey_run` here.

The world (a factory with a line of operators and their hanging-line stations, a merchant that
partners with it, a released tech pack, fabric received and inspected) is built in-process
through the services (`world_build`). The journey then goes through the doors people and
machines use, against running processes (`RunningServices`: daphne, a Celery worker, an
`ingest_mqtt` process): the merchant's API token places the orders; the planner accepts,
converts and releases them; the cutting room spreads and cuts; hanger events go over MQTT and
operators scan with their phones; QC audits, the warehouse receives, packs and ships; the
merchant confirms delivery; and the merchant's webhook receiver checks every signature.

Every count at the end is read back the way its owner shows it: operation records and
shipments from the API, pay from payroll's calculation, progress from the merchant's API.
"""

import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import connection
from django.test import Client

from core.models import Membership, Organization, User
from core.roles import OrgKind, Role
from core.services import api_token_create
from devices.ingest import topic_for
from devices.models import Device, DeviceKind
from devices.mqtt import BrokerAddress, IngestLoop
from factories.clock import factory_today
from factories.models import Factory, SewingLine, Station, Worker
from factories.services import partnership_invite, partnership_respond
from inventory import services as inventory
from inventory.models import Bin, Lot, Material, Warehouse
from orders.services import style_create, style_version_create, style_version_release
from payroll.models import PayPeriod, Payslip, WageLine
from payroll.services import pay_period_calculate, pay_period_open
from production.models import Bundle, CutPlan, WorkOrderOperation

BASE_DIR = Path(settings.BASE_DIR)
LOOPBACK = "127.0.0.1/32"
COLOUR = "黑色"
SIZES = ["S", "M", "L"]
OPERATIONS = [  # code, name, machine, SAM
    ("OP01", "拼肩", "拷边机", "0.40"),
    ("OP02", "上领", "平车", "0.90"),
    ("OP03", "合侧缝", "拷边机", "0.70"),
    ("OP04", "卷底边", "平车", "0.55"),
]
FABRIC = "CH-TWILL-150"
FABRIC_PER_GARMENT = Decimal("1.30")
ROLL_METRES = Decimal("100")


class ChainError(Exception):
    """A step of the journey answered something other than what the journey expects."""


# --- the world ------------------------------------------------------------------------------
@dataclass
class ChainWorld:
    factory: Factory
    merchant: Organization
    version_id: int
    owner: User
    buyer: User
    workers: list[Worker]
    stations: dict[int, Device]  # worker id → the hanging-line station terminal they sit at
    controller: Device
    cutting_room: list[Device]  # the automatic spreader and cutter
    keys: dict[str, str]  # who → API key: merchant, planner, cutter, qc, warehouse
    worker_keys: dict[int, str] = field(default_factory=dict)


def _member(username: str, org: Organization, role: str) -> User:
    user = User.objects.create_user(username=username, password=None, language="en")
    Membership.objects.create(user=user, organization=org, role=role)
    return user


def _key(org: Organization, user: User, role: str) -> str:
    _token, key = api_token_create(
        organization=org, name=f"chain {role}", scope="write", by=user, role=role
    )
    return key


def world_build(*, tag: str, operators: int = 4, rolls: int = 12) -> ChainWorld:
    """A factory, its people, floor and stores, and a merchant partnering with it."""
    org = Organization.objects.create(kind=OrgKind.FACTORY, code=tag, name=f"链路工厂 {tag}")
    factory = Factory.objects.create(
        organization=org, minimum_order_quantity=1, headcount=operators + 5,
        rate_per_minute=Decimal("0.40"), categories=["woven"],
    )  # fmt: skip
    merchant = Organization.objects.create(
        kind=OrgKind.MERCHANT, code=f"{tag}-m", name=f"链路商家 {tag}"
    )
    owner = _member(f"{tag}-owner", org, Role.FACTORY_OWNER)
    buyer = _member(f"{tag}-buyer", merchant, Role.MERCHANT_BUYER)
    partnership = partnership_invite(factory=factory, partner_code=merchant.code, by=owner)
    partnership_respond(partnership=partnership, accept=True, by=buyer)
    keys = {"merchant": _key(merchant, buyer, Role.MERCHANT_BUYER)}
    for who, role in (
        ("planner", Role.PLANNER),
        ("cutter", Role.SUPERVISOR),
        ("qc", Role.QC_INSPECTOR),
        ("warehouse", Role.WAREHOUSE_CLERK),
    ):
        keys[who] = _key(org, _member(f"{tag}-{who}", org, role), role)

    line = SewingLine.objects.create(
        factory=factory, code="L1", name="1号吊挂线", planned_headcount=operators
    )
    controller = Device.objects.create(
        factory=factory, code="l1-ctl", name="1号线控制器", kind=DeviceKind.HANGING_CONTROLLER,
        line=line,
    )  # fmt: skip
    cutting_room = [
        Device.objects.create(factory=factory, code=code, kind=kind, name=name)
        for code, kind, name in (
            ("spreader-1", DeviceKind.SPREADER, "自动拉布机"),
            ("cutter-1", DeviceKind.CUTTER, "自动裁床"),
        )
    ]
    workers, stations, worker_keys = [], {}, {}
    for n in range(1, operators + 1):
        station = Station.objects.create(
            factory=factory, code=f"L1-S{n:02d}", line=line, position=n, machine_type="平车"
        )
        user = _member(f"{tag}-op{n}", org, Role.WORKER)
        worker = Worker.objects.create(
            factory=factory, employee_no=f"C{n:04d}", badge_id=f"CB{n:05d}", name=f"操作工{n}",
            line=line, user=user,
        )  # fmt: skip
        workers.append(worker)
        worker_keys[worker.pk] = _key(org, user, Role.WORKER)
        stations[worker.pk] = Device.objects.create(
            factory=factory, code=f"l1-s{n:02d}-t", kind=DeviceKind.HANGING_STATION, line=line,
            station=station, operator=worker, gateway=controller,
        )  # fmt: skip

    style = style_create(
        factory=factory, number=f"CH-{tag[-6:]}", name="斜纹衬衫", category="woven",
        merchant=merchant, season="2027SS", by=owner,
    )  # fmt: skip
    version = style_version_create(
        style=style,
        sizes=SIZES,
        colours=[COLOUR],
        operations=[
            {
                "sequence": i,
                "code": code,
                "name": name,
                "machine_type": machine,
                "sam": sam,
                "skill_grade": 2,
            }
            for i, (code, name, machine, sam) in enumerate(OPERATIONS, start=1)
        ],  # fmt: skip
        bom=[
            {
                "material_code": FABRIC,
                "description": "全棉斜纹 150cm",
                "unit": "m",
                "consumption": {size: str(FABRIC_PER_GARMENT) for size in SIZES},
                "wastage_pct": "3",
                "placement": "",
                "is_main_fabric": True,
            }
        ],  # fmt: skip
        by=owner,
    )
    version = style_version_release(version=version, by=owner)
    _fabric_received(factory, owner, rolls)
    return ChainWorld(
        factory=factory, merchant=merchant, version_id=version.pk, owner=owner, buyer=buyer,
        workers=workers, stations=stations, controller=controller, cutting_room=cutting_room,
        keys=keys,
        worker_keys=worker_keys,
    )  # fmt: skip


def _fabric_received(factory: Factory, by: User, rolls: int) -> None:
    """Rolls bought from a supplier, received against its purchase order and inspected."""
    supplier = Organization.objects.create(
        kind=OrgKind.SUPPLIER, code=f"{factory.code}-s", name=f"{factory.code} 面料"
    )
    partnership = partnership_invite(factory=factory, partner_code=supplier.code, by=by)
    sales = _member(f"{factory.code}-sales", supplier, Role.SUPPLIER_SALES)
    partnership_respond(partnership=partnership, accept=True, by=sales)
    warehouse = Warehouse.objects.create(factory=factory, code="RAW", name="面料仓")
    bin = Bin.objects.create(factory=factory, code="A-01", warehouse=warehouse)
    material = Material.objects.create(
        factory=factory, code=FABRIC, name="全棉斜纹 150cm", kind=Material.Kind.FABRIC,
        unit="m", width_cm=Decimal("150"),
    )  # fmt: skip
    total = ROLL_METRES * rolls
    order = inventory.purchase_order_create(
        factory=factory,
        supplier=supplier,
        by=by,
        lines=[{"material": material, "quantity": total, "need_date": factory_today(factory)}],
    )
    inventory.purchase_order_send(order=order, by=by)
    line = order.lines.get()
    inventory.purchase_order_confirm(
        order=order, organization=supplier, by=by,
        lines=[{"line": line.pk, "quantity": total, "ship_date": line.need_date}],
    )  # fmt: skip
    lots = inventory.purchase_line_receive(
        line=line, bin=bin, by=by,
        lots=[{"code": f"CR{n:04d}", "quantity": str(ROLL_METRES), "dye_lot": "DL-A",
               "colour": COLOUR} for n in range(1, rolls + 1)],
    )  # fmt: skip
    for lot in lots:
        inventory.fabric_inspection_record(
            lot=lot, inspected_metres=lot.received_quantity, width_cm=Decimal("150"),
            defects={"1": 2}, by=by,
        )  # fmt: skip


# --- the running processes ------------------------------------------------------------------
def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_tcp_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningServices:
    """daphne, a Celery worker and an `ingest_mqtt` process on this database, Redis and
    Mosquitto; the merchant's webhook receiver may be on loopback (ORDERS_WEBHOOK_ALLOWED_NETWORKS
    for these processes only)."""

    def __init__(self, *, log_dir: Path, tag: str):
        if connection.vendor != "postgresql" or not settings.REDIS_URL or not settings.MQTT_URL:
            raise ChainError("the chain needs DATABASE_URL (PostgreSQL), REDIS_URL and MQTT_URL")
        self.port = free_tcp_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.mqtt_url = settings.MQTT_URL
        self.tag = tag
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def _start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = (self.log_dir / f"chain-{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, *args], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def __enter__(self) -> "RunningServices":
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "ORDERS_WEBHOOK_ALLOWED_NETWORKS": LOOPBACK,
            "CELERY_TASK_ALWAYS_EAGER": "0",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        client_id = f"chain-ingest-{self.tag}"
        # The ingest's session exists before anything is published (QoS 1 keeps it for it).
        IngestLoop(self.mqtt_url, client_id=client_id, share_group="").prepare_session()
        try:
            self._start(
                "ingest",
                ["manage.py", "ingest_mqtt", "--client-id", client_id, "--share-group", ""]
                + ["--max-wait", "0.05"],
                env,
            )
            self._start(
                "worker",
                ["-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "warning"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
                + ["-n", f"chain-{self.tag}@%h"],
                env,
            )
            web = self._start(
                "web", ["-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)]
                + ["config.asgi:application"], env,
            )  # fmt: skip
            wait_until(lambda: _listening(self.port) or web.poll() is not None, 60)
            if web.poll() is not None or not _listening(self.port):
                raise ChainError(f"daphne did not start (see {self.log_dir}/chain-web.log)")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition, timeout: float, step: float = 0.2):
    """Poll `condition` until it is true or the deadline passes; its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


# --- HTTP as the people and integrations do -------------------------------------------------
class Api:
    """JSON over HTTP with an API key (`Authorization: Bearer`) or a session cookie."""

    def __init__(self, base_url: str, *, key: str = "", cookie: str = ""):
        self.base_url, self.key, self.cookie = base_url, key, cookie

    def request(self, method: str, path: str, body=None, *, expect=(200, 201)):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.key:
            request.add_header("Authorization", f"Bearer {self.key}")
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw = response.status, response.read()
                kind = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
        if status not in expect:
            raise ChainError(f"{method} {path} answered {status}: {raw[:600]!r}")
        return json.loads(raw) if "json" in kind else raw.decode()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, body=None):
        return self.request("POST", path, body or {})

    def all(self, path: str) -> list:
        """Every row of a paginated list."""
        rows, page = [], self.get(path)
        while True:
            rows += page["results"] if isinstance(page, dict) else page
            if not isinstance(page, dict) or not page.get("next"):
                return rows
            following = urllib.parse.urlsplit(page["next"])
            page = self.get(f"{following.path}?{following.query}")


def session_cookie(user: User) -> str:
    """A logged-in browser's cookie for `user` (the session is stored where the server reads)."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


# --- the journey ----------------------------------------------------------------------------
@dataclass
class JourneyResult:
    orders: list[int]
    work_orders: list[int]
    stage_seconds: dict[str, float]
    conversion_seconds: list[float]
    webhooks_expected: int
    webhooks_verified: int
    machine_events: int  # spreader and cutter events published, each naming its lay


class _Stages:
    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        yield
        self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - started, 3)


def grid_for(index: int) -> dict[str, int]:
    """Pieces per size of the `index`-th order (a little different each time)."""
    return {size: 10 + 5 * ((index + n) % 3) for n, size in enumerate(SIZES)}


def journey_run(
    world: ChainWorld,
    *,
    base_url: str,
    mqtt_url: str,
    receiver,
    orders: int = 1,
    timeout: float = 120,
) -> JourneyResult:
    """Run `orders` orders from the merchant's API call to delivery; see the module doc."""
    stages = _Stages()
    merchant = Api(base_url, key=world.keys["merchant"])
    planner = Api(base_url, key=world.keys["planner"])
    qc = Api(base_url, key=world.keys["qc"])
    warehouse = Api(base_url, key=world.keys["warehouse"])
    secret = merchant.post("/api/v1/webhook-endpoints/", {"url": receiver.url})["secret"]
    receiver.secrets = lambda: [secret]
    requested = (factory_today(world.factory) + timedelta(days=30)).isoformat()

    with stages.stage("place"):
        placed = [
            merchant.post(
                "/api/v1/orders/",
                {
                    "factory": world.factory.pk,
                    "version": world.version_id,
                    "quantities": [
                        {"colour": COLOUR, "size": size, "quantity": n}
                        for size, n in grid_for(index).items()
                    ],
                    "requested_date": requested,
                    "ship_to": "杭州市余杭区电商仓",
                    "unit_price": "58.00",
                    "external_ref": f"CHAIN-{index + 1:04d}",
                },
            )
            for index in range(orders)
        ]
    order_ids = [order["id"] for order in placed]
    conversion_seconds, work_orders = [], []
    with stages.stage("accept_convert"):
        for order_id in order_ids:
            started = time.perf_counter()
            planner.post(f"/api/v1/orders/{order_id}/accept/")
            converted = planner.post(f"/api/v1/orders/{order_id}/convert/")
            conversion_seconds.append(time.perf_counter() - started)
            work_orders.append(converted["work_order"])
    with stages.stage("release"):
        for work_order in work_orders:
            released = planner.post(
                "/api/v1/release-overrides/release/", {"work_order": work_order}
            )
            if released["status"] != "cutting" or released["override"] is not None:
                raise ChainError(f"work order {work_order} was not released: {released}")
    with stages.stage("spread_cut"), Publisher(mqtt_url) as publisher:
        cutter, rack = Api(base_url, key=world.keys["cutter"]), rack_of(world)
        machines = {device.kind: device for device in world.cutting_room}

        def machine_events(kind: str, lay: dict) -> int:
            device = machines[kind]
            for step in ("start", "end"):
                publisher.publish(
                    topic_for(world.factory.code, device.code, "events"),
                    {"seq": next(publisher.sequence), "ts": int(time.time() * 1000),
                     "type": f"{kind}.{step}", "lay": lay["id"], "plies": lay["plies"],
                     "metres": float(lay["fabric_length_m"])},
                )  # fmt: skip
            return 2

        machine_events_published = sum(
            cut_work_order(cutter, rack, work_order, machine_events) for work_order in work_orders
        )
    with stages.stage("sew"):
        expected = sew(world, base_url=base_url, mqtt_url=mqtt_url, work_orders=work_orders)
        counted = wait_until(
            lambda: records_of(planner, work_orders) >= expected, timeout, step=0.5
        )
        if records_of(planner, work_orders) != expected or not counted:
            raise ChainError(
                f"{records_of(planner, work_orders)} operation records of {expected} expected"
            )
    with stages.stage("qc_pack_ship"):
        for work_order in work_orders:
            qc_pack_ship(qc, warehouse, work_order)
    with stages.stage("deliver"):
        for order_id in order_ids:
            merchant.post(f"/api/v1/orders/{order_id}/deliver/")
    with stages.stage("webhooks"):
        deliveries = merchant.all("/api/v1/webhook-deliveries/")
        wait_until(lambda: len(receiver.verified) >= len(deliveries), timeout, step=0.2)
    return JourneyResult(
        orders=order_ids,
        work_orders=work_orders,
        stage_seconds=stages.seconds,
        conversion_seconds=conversion_seconds,
        webhooks_expected=len(deliveries),
        webhooks_verified=len(receiver.verified),
        machine_events=machine_events_published,
    )


class Rolls:
    """The rolls on the cutting room's rack: what is left of each (code → metres), used in
    order. `spread(length, plies)` says which rolls a lay takes: whole plies per roll, and
    half a metre of end bits where the roll has it."""

    END_BITS = Decimal("0.50")

    def __init__(self, rolls: dict[str, Decimal]):
        self.left = dict(rolls)

    def spread(self, *, length: Decimal, plies: int, shade_group: str = "A") -> list[dict]:
        per_ply = Decimal(length) / plies
        taken, plies_left = [], plies
        for code, metres in self.left.items():
            if plies_left == 0:
                break
            fits = min(plies_left, int(metres / per_ply))
            if fits == 0:
                continue
            used = (per_ply * fits).quantize(Decimal("0.01"))
            end_bits = min(self.END_BITS, max(Decimal(0), metres - used))
            self.left[code] = metres - used - end_bits
            plies_left -= fits
            taken.append({"lot": code, "plies": fits, "length_m": str(used),
                          "end_bits_m": str(end_bits), "shade_group": shade_group})  # fmt: skip
        if plies_left:
            raise ChainError(f"the rack is out of fabric: {plies_left} plies not spread")
        return taken


def rack_of(world: ChainWorld) -> Rolls:
    """The world's rolls of its main fabric, as received."""
    return Rolls(
        dict(
            Lot.objects.filter(factory=world.factory, material__code=FABRIC)
            .order_by("code")
            .values_list("code", "received_quantity")
        )
    )


def cut_work_order(cutter: Api, rack: Rolls, work_order: int, machines) -> int:
    """The cutting room spreads each lay of the work order's cut plan (roll by roll) and cuts
    the garments its marker plans; the spreader and the cutter report each job by the lay's
    ticket (`machines(kind, lay)` publishes their events). Returns the events published."""
    published = 0
    for plan in CutPlan.objects.filter(work_order_id=work_order).values_list("pk", flat=True):
        for lay in cutter.all(f"/api/v1/lays/?cut_plan={plan}&page_size=100"):
            rolls = rack.spread(length=Decimal(lay["fabric_length_m"]), plies=lay["plies"])
            published += machines("spreader", lay)
            cutter.post(f"/api/v1/lays/{lay['id']}/spread/", {"rolls": rolls})
            published += machines("cutter", lay)
            cut = {row["size"]: row["planned"] for row in lay["sizes"]}
            cutter.post(f"/api/v1/lays/{lay['id']}/cut/", {"cut": cut})
    return published


def bundles_of(work_order: int) -> list[tuple[int, int]]:
    """(bundle id, pieces) of a work order: what its printed tickets say."""
    return list(
        Bundle.objects.filter(work_order_id=work_order)
        .order_by("number")
        .values_list("pk", "quantity")
    )


class Publisher:
    """The floor's devices on the broker: QoS-1 publishes, each acknowledged before the next."""

    def __init__(self, mqtt_url: str):
        address = BrokerAddress.from_url(mqtt_url)
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=f"chain-{time.time_ns()}"
        )
        if address.username:
            self.client.username_pw_set(address.username, address.password)
        self.address = address
        self.sequence = itertools.count(int(time.time() * 1000))

    def __enter__(self) -> "Publisher":
        self.client.connect(self.address.host, self.address.port)
        self.client.loop_start()
        return self

    def publish(self, topic: str, body: dict) -> None:
        self.client.publish(topic, orjson.dumps(body), qos=1).wait_for_publish(30)

    def __exit__(self, *exc) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def sew(world: ChainWorld, *, base_url: str, mqtt_url: str, work_orders: list[int]) -> int:
    """Every operation of every bundle, done by the operator whose turn it is: odd operations
    leave a hanging-line station (an MQTT event of the line's controller), even ones are
    scanned on the operator's phone. Returns the number of records to expect."""
    topic = topic_for(world.factory.code, world.controller.code, "events")
    expected = 0
    with Publisher(mqtt_url) as publisher:
        for work_order in work_orders:
            events = []
            for bundle, _pieces in bundles_of(work_order):
                for index, (code, *_rest) in enumerate(OPERATIONS):
                    worker = world.workers[index % len(world.workers)]
                    expected += 1
                    if index % 2 == 0:
                        events.append(
                            {
                                "seq": next(publisher.sequence),
                                "ts": int(time.time() * 1000),
                                "type": "station.leave",
                                "hanger": f"H{bundle:05d}",
                                "device": world.stations[worker.pk].code,
                                "bundle": bundle,
                                "operation": code,
                                "badge": worker.badge_id,
                                "defect": 0,
                            }
                        )
                        continue
                    Api(base_url, key=world.worker_keys[worker.pk]).post(
                        "/api/v1/operation-records/",
                        # what the worker's phone reads off the ticket's QR code
                        {"bundle": f"SLB:{bundle}", "operation": code, "badge": worker.badge_id},
                    )
            for start in range(0, len(events), 50):
                publisher.publish(topic, {"records": events[start : start + 50]})
    return expected


def records_of(api: Api, work_orders: list[int]) -> int:
    return sum(
        api.get(f"/api/v1/operation-records/?work_order={wo}&page_size=1")["count"]
        for wo in work_orders
    )


def tickets_by_cell(work_order: int) -> dict[tuple[str, str], int]:
    """Pieces per (colour, size) on the work order's bundle tickets: what the line sews."""
    cells: dict[tuple[str, str], int] = {}
    for colour, size, pieces in Bundle.objects.filter(work_order_id=work_order).values_list(
        "colour", "size", "quantity"
    ):
        cells[(colour, size)] = cells.get((colour, size), 0) + pieces
    return cells


def qc_pack_ship(qc: Api, warehouse: Api, work_order: int) -> None:
    """A passing final audit; every finished piece received, packed one carton per size and
    shipped (the over-cut too: the merchant takes it, as garment orders allow)."""
    cells = tickets_by_cell(work_order)
    lot = sum(cells.values())
    audit = qc.post("/api/v1/final-audits/", {"work_order": work_order, "lot_size": lot})
    if audit["result"] != "accepted":
        raise ChainError(f"the final audit of work order {work_order} did not pass: {audit}")
    cartons = []
    for (colour, size), pieces in sorted(cells.items()):
        warehouse.post(
            "/api/v1/finished-goods-receipts/",
            {"work_order": work_order, "colour": colour, "size": size, "quantity": pieces},
        )
        carton = warehouse.post(
            "/api/v1/cartons/",
            {
                "work_order": work_order,
                "lines": [{"colour": colour, "size": size, "quantity": pieces}],
            },
        )
        cartons.append(carton["id"])
    warehouse.post(
        "/api/v1/shipments/",
        {"work_order": work_order, "cartons": cartons, "carrier": "顺丰速运"},
    )


# --- what each owner says afterwards --------------------------------------------------------
def pay_calculate(world: ChainWorld):
    """Payroll's calculation of the pay period the journey's days are in (opened if needed)."""
    today = factory_today(world.factory)
    period = PayPeriod.objects.filter(
        factory=world.factory, starts_on__lte=today, ends_on__gte=today
    ).first() or pay_period_open(factory=world.factory, starts_on=today.replace(day=1), by=None)
    return pay_period_calculate(period=period, by=None)


def chain_figures(world: ChainWorld, result: JourneyResult, *, base_url: str) -> dict:
    """Pieces planned, cut, recorded (finished at every operation), paid and shipped, each
    read from its owner; and each operator's recorded against paid pieces."""
    planner = Api(base_url, key=world.keys["planner"])
    warehouse = Api(base_url, key=world.keys["warehouse"])
    planned = sum(
        CutPlan.objects.filter(work_order_id__in=result.work_orders).values_list(
            "cut_quantity", flat=True
        )
    )
    plans = list(CutPlan.objects.filter(work_order_id__in=result.work_orders))

    def lays() -> list[dict]:
        return [lay for plan in plans for lay in planner.all(f"/api/v1/lays/?cut_plan={plan.pk}")]

    # The machines' events reach their lays through the ingest and the worker: wait for them.
    wait_until(lambda: sum(len(lay["events"]) for lay in lays()) >= result.machine_events, 60)
    cut_lays = lays()
    cut = sum(row["actual"] or 0 for lay in cut_lays for row in lay["sizes"])
    records = [
        row
        for wo in result.work_orders
        for row in planner.all(f"/api/v1/operation-records/?work_order={wo}&page_size=500")
    ]
    recorded_by_operation: dict[int, int] = {}
    recorded_by_worker: dict[int, int] = {}
    for row in records:
        operation, worker = row["operation"], row["worker"]
        recorded_by_operation[operation] = (
            recorded_by_operation.get(operation, 0) + row["good_pieces"]
        )
        recorded_by_worker[worker] = recorded_by_worker.get(worker, 0) + row["good_pieces"]
    period = pay_calculate(world)
    paid_by_operation: dict[int, int] = {}
    for operation, pieces in WageLine.objects.filter(period=period).values_list(
        "operation_id", "good_pieces"
    ):
        paid_by_operation[operation] = paid_by_operation.get(operation, 0) + pieces
    paid_by_worker = dict(
        Payslip.objects.filter(period=period).values_list("worker_id", "good_pieces")
    )
    shipped = sum(
        line["quantity"]
        for carton in warehouse.all("/api/v1/cartons/?page_size=500")
        if carton["shipment"] is not None
        for line in carton["lines"]
    )
    routings: dict[int, list[int]] = {}
    for work_order, operation in WorkOrderOperation.objects.filter(
        work_order_id__in=result.work_orders
    ).values_list("work_order_id", "pk"):
        routings.setdefault(work_order, []).append(operation)

    def garments(by_operation: dict[int, int]) -> int:
        # A garment is recorded (or paid) when every operation of its routing is.
        return sum(min(by_operation.get(op, 0) for op in ops) for ops in routings.values())

    return {
        "pieces_planned": planned,
        "pieces_cut": cut,
        "pieces_recorded": garments(recorded_by_operation),
        "pieces_paid": garments(paid_by_operation),
        "pieces_shipped": shipped,
        "lays": len(cut_lays),
        "lay_events_linked": sum(len(lay["events"]) for lay in cut_lays),
        "recorded_by_worker": recorded_by_worker,
        "paid_by_worker": {w: paid_by_worker.get(w, 0) for w in recorded_by_worker},
    }
