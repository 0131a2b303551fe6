"""`manage.py bench api`: the API under load, from outside, on the web tier as in production.

Setup (once; a second run reuses the worlds): --factories small factories, each built by
`simulation.chain.world_build` (its people, a line of operators, a released tech pack, fabric
received and inspected, a merchant partnering with it), with an order placed, accepted,
converted, released and cut into bundles through the services. Each run gives every client a
new API token (core's `api_token_create`) and signs the screens' people in.

The server tier runs as its own processes (deploy/web: gunicorn workers on config.wsgi, or
--server daphne, the one process it replaced), and this process drives it open-loop at a fixed
rate over keep-alive connections (simulation/bench/http_load.py) with a mix of what the
factories' and merchants' systems do: list orders, operation records, workers and stock;
record operations (each worker's phone, a new bundle and operation each time), issue fabric to
the work order, place merchant orders (a new reference and Idempotency-Key each time); poll the
factory screen's data and the merchant's tracking; read an order's progress. Telemetry flows
meanwhile at --telemetry-rate (simulation/bench/telemetry.py; 0 for none).

Reported: `rps`, `read_p95_ms`, `write_p95_ms` and per request, `errors` (any answer outside
2xx, timeouts), `max_sustainable_rps` (the rate stepped up every --step-seconds until p95 passes
--p95-limit-ms), the server's peak RSS and CPU per request, and its configuration.
"""

import itertools
import os
import random
import time
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import orjson
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from core.models import ApiToken, Organization, User
from core.roles import Role
from core.services import api_token_create
from factories.clock import factory_today
from factories.models import Factory, Worker
from inventory.models import Lot, StockBalance
from orders.models import Order, StyleVersion
from orders.services import order_accept, order_create
from production import services as production
from production.models import Bundle, OperationRecord, WorkOrder, WorkOrderOperation
from production.services.conversion import default_limits
from simulation import chain
from simulation.bench.figures import percentile
from simulation.bench.http_load import Call, run_open_loop
from simulation.bench.telemetry import telemetry_flowing
from simulation.bench.web_tier import Server, settle
from simulation.demo.journey import _cut
from simulation.demo.production import release_with_materials

BASE_DIR = Path(settings.BASE_DIR)
ISSUE_METRES = "0.5"
SIZES = chain.SIZES
# name, share of requests; reads first. Each is built by `Mix._<name>`.
MIX = {
    "orders_list": 18,
    "operation_records_list": 10,
    "workers_list": 8,
    "stock_list": 5,
    "dashboard_data": 12,
    "merchant_tracking": 5,
    "order_progress": 5,
    "merchant_orders_list": 3,
    "operation_record_create": 22,
    "stock_issue": 7,
    "order_create": 5,
}


def add_arguments(parser) -> None:
    parser.add_argument("--factories", type=int, default=50)
    parser.add_argument("--rate", type=float, default=300, help="requests per second")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--telemetry-rate", type=float, default=5000, help="msg/s; 0: none")
    parser.add_argument("--server", choices=["gunicorn", "daphne"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=0, help="0: the config's default")
    parser.add_argument("--threads", type=int, default=0, help="0: the config's default")
    parser.add_argument("--step-seconds", type=float, default=15)
    parser.add_argument("--step-start", type=float, default=50)
    parser.add_argument("--step-by", type=float, default=50)
    parser.add_argument("--step-max", type=float, default=1500)
    parser.add_argument("--p95-limit-ms", type=float, default=100)
    parser.add_argument("--no-steps", action="store_true", help="skip the max_sustainable_rps")
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--world",
        default="bench-api",
        help="the factories' code prefix: a new one builds fresh factories (every bundle to "
        "record again; `record_fallbacks` counts records a used-up factory could not make)",
    )


# --- the worlds -----------------------------------------------------------------------------
@dataclass
class FactoryClients:
    """What one factory's and its merchant's clients need: keys, cookies, ids, work to do."""

    factory_id: int
    version_id: int
    planner: str
    warehouse: str
    merchant: str
    workers: list[tuple[str, str]]  # (API key, badge)
    screen_cookie: str
    tracking_cookie: str
    work_order_ids: list[int]
    order_ids: list[int]
    to_record: deque  # (bundle id, operation code): not yet recorded
    lots: list[tuple[int, int]]  # (lot id, bin id) with stock to issue
    requested_date: str
    worker_turn: itertools.count = field(default_factory=itertools.count)


def _build(tag: str, operators: int, per_size: int) -> None:
    world = chain.world_build(tag=tag, operators=operators, rolls=8)
    planner = User.objects.get(username=f"{tag}-planner")
    cutter = User.objects.get(username=f"{tag}-cutter")
    order = order_create(
        merchant=world.merchant, factory=world.factory,
        version=StyleVersion.objects.get(pk=world.version_id),
        quantities=[{"colour": chain.COLOUR, "size": s, "quantity": per_size} for s in chain.SIZES],
        requested_date=factory_today(world.factory) + timedelta(days=30), ship_to="杭州电商仓",
        unit_price="50.00", external_ref=f"{tag}-seed", by=world.buyer,
    )  # fmt: skip
    acting = world.factory.organization
    order_accept(order=order, by=planner, acting=acting)
    limits = replace(default_limits(), bundle_size=10)  # many bundles to scan, as on a line
    converted = production.order_convert(order=order, by=planner, acting=acting, limits=limits)
    work_order = WorkOrder.objects.get(pk=converted.work_order_id)
    release_with_materials(work_order, by=planner, colour=chain.COLOUR)
    _cut(world.factory, work_order, chain.COLOUR, cutter)


def _key(org: Organization, username: str, role: str) -> str:
    user = User.objects.get(username=username)
    token = api_token_create(organization=org, name="bench api", scope="write", by=user, role=role)
    return token[1]


def _clients(tag: str) -> FactoryClients:
    factory = Factory.objects.select_related("organization").get(organization__code=tag)
    org, merchant = factory.organization, Organization.objects.get(code=f"{tag}-m")
    ApiToken.objects.filter(organization__in=[org, merchant], name="bench api").delete()
    workers = [
        (_key(org, w.user.username, Role.WORKER), w.badge_id)
        for w in Worker.objects.filter(factory=factory, user__isnull=False).select_related("user")
    ]
    recorded = set(
        OperationRecord.objects.filter(factory=factory, is_rework=False).values_list(
            "bundle_id", "operation_id"
        )
    )
    operations: dict[int, list] = {}
    for operation in WorkOrderOperation.objects.filter(factory=factory).order_by("sequence"):
        operations.setdefault(operation.work_order_id, []).append(operation)
    to_record = deque(
        (bundle.pk, operation.code)
        for bundle in Bundle.objects.filter(factory=factory).order_by("pk")
        for operation in operations.get(bundle.work_order_id, [])
        if (bundle.pk, operation.pk) not in recorded
    )
    lots = list(
        StockBalance.objects.filter(
            factory=factory, quantity__gt=5, lot__inspection=Lot.Inspection.PASSED
        ).values_list("lot_id", "bin_id")
    )
    work_orders = list(WorkOrder.objects.filter(factory=factory).values_list("pk", flat=True))
    return FactoryClients(
        factory_id=factory.pk,
        version_id=StyleVersion.objects.filter(factory=factory).latest("pk").pk,
        planner=_key(org, f"{tag}-planner", Role.PLANNER),
        warehouse=_key(org, f"{tag}-warehouse", Role.WAREHOUSE_CLERK),
        merchant=_key(merchant, f"{tag}-buyer", Role.MERCHANT_BUYER),
        workers=workers,
        screen_cookie=chain.session_cookie(User.objects.get(username=f"{tag}-owner")),
        tracking_cookie=chain.session_cookie(User.objects.get(username=f"{tag}-buyer")),
        work_order_ids=work_orders,
        order_ids=list(Order.objects.filter(factory=factory).values_list("pk", flat=True)),
        to_record=to_record,
        lots=lots,
        requested_date=(factory_today(factory) + timedelta(days=45)).isoformat(),
    )


def worlds(count: int, stdout, *, prefix: str, operators: int = 6, per_size: int = 100) -> list:
    clients = []
    for n in range(count):
        tag = f"{prefix}-{n:03d}"
        if not Organization.objects.filter(code=tag).exists():
            _build(tag, operators, per_size)
        clients.append(_clients(tag))
        if n % 10 == 9:
            stdout.write(f"bench api: {n + 1} factories ready")
    return clients


# --- the mix --------------------------------------------------------------------------------
class Mix:
    """Draws the next request: a factory at random, a request kind by its share."""

    def __init__(self, clients: list[FactoryClients], seed: int):
        self.clients = clients
        self.random = random.Random(seed)
        self.names = list(MIX)
        self.weights = list(MIX.values())
        self.serial = itertools.count(1)
        self.run = f"{int(time.time()):x}"
        self.fallbacks = 0

    def __call__(self) -> Call:
        client = self.random.choice(self.clients)
        name = self.random.choices(self.names, self.weights)[0]
        return getattr(self, f"_{name}")(client)

    @staticmethod
    def _token(key: str) -> dict:
        return {"Authorization": f"Token {key}", "Accept": "application/json"}

    def _post(self, name: str, key: str, path: str, body: dict, extra=None) -> Call:
        headers = {**self._token(key), "Content-Type": "application/json", **(extra or {})}
        return Call(name, True, "POST", path, headers, orjson.dumps(body))

    def _get(self, name: str, key: str, path: str) -> Call:
        return Call(name, False, "GET", path, self._token(key))

    def _orders_list(self, c):
        return self._get("orders_list", c.planner, "/api/v1/orders/")

    def _operation_records_list(self, c):
        work_order = self.random.choice(c.work_order_ids)
        path = f"/api/v1/operation-records/?work_order={work_order}"
        return self._get("operation_records_list", c.planner, path)

    def _workers_list(self, c):
        return self._get("workers_list", c.planner, "/api/v1/workers/")

    def _stock_list(self, c):
        return self._get("stock_list", c.warehouse, "/api/v1/stock/")

    def _merchant_orders_list(self, c):
        return self._get("merchant_orders_list", c.merchant, "/api/v1/orders/")

    def _order_progress(self, c):
        order = self.random.choice(c.order_ids)
        return self._get("order_progress", c.merchant, f"/api/v1/orders/{order}/progress/")

    def _dashboard_data(self, c):
        headers = {"Cookie": c.screen_cookie, "Accept": "application/json"}
        return Call("dashboard_data", False, "GET", "/dashboards/data/?window=12h", headers)

    def _merchant_tracking(self, c):
        headers = {"Cookie": c.tracking_cookie, "HX-Request": "true"}
        return Call("merchant_tracking", False, "GET", "/dashboards/tracking/", headers)

    def _operation_record_create(self, c):
        if not c.to_record:  # every bundle of this factory is sewn: issue fabric instead
            self.fallbacks += 1
            return self._stock_issue(c)
        bundle, operation = c.to_record.popleft()
        key, badge = c.workers[next(c.worker_turn) % len(c.workers)]
        body = {"bundle": bundle, "operation": operation, "badge": badge, "source": "scan"}
        return self._post("operation_record_create", key, "/api/v1/operation-records/", body)

    def _stock_issue(self, c):
        lot, bin_id = self.random.choice(c.lots)
        body = {"lot": lot, "bin": bin_id, "work_order": c.work_order_ids[0]}
        body |= {"quantity": ISSUE_METRES, "note": "bench api"}
        return self._post("stock_issue", c.warehouse, "/api/v1/stock-moves/issue/", body)

    def _order_create(self, c):
        reference = f"API-{self.run}-{next(self.serial):06d}"
        body = {
            "factory": c.factory_id,
            "version": c.version_id,
            "quantities": [{"colour": chain.COLOUR, "size": s, "quantity": 30} for s in SIZES],
            "requested_date": c.requested_date,
            "ship_to": "杭州电商仓",
            "unit_price": "50.00",
            "external_ref": reference,
        }
        extra = {"Idempotency-Key": reference}
        return self._post("order_create", c.merchant, "/api/v1/orders/", body, extra)


# --- measuring ------------------------------------------------------------------------------
def measure(server: Server, mix: Mix, rate: float, seconds: float, options) -> dict:
    cpu_before = server.cpu_seconds()
    outcomes, elapsed = run_open_loop(
        "127.0.0.1", server.port, mix, rate=rate, seconds=seconds,
        connections=options["connections"], timeout=options["timeout"],
    )  # fmt: skip
    cpu = server.cpu_seconds() - cpu_before
    reads = [o.ms for o in outcomes if not o.write]
    writes = [o.ms for o in outcomes if o.write]
    failed = [o for o in outcomes if not 200 <= o.status < 300]
    by_name: dict[str, list[float]] = {}
    for outcome in outcomes:
        by_name.setdefault(outcome.name, []).append(outcome.ms)
    return {
        "rate": rate,
        "requests": len(outcomes),
        "rps": round(len(outcomes) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": percentile([o.ms for o in outcomes], 0.5),
        "p95_ms": percentile([o.ms for o in outcomes], 0.95),
        "read_p50_ms": percentile(reads, 0.5),
        "read_p95_ms": percentile(reads, 0.95),
        "write_p50_ms": percentile(writes, 0.5),
        "write_p95_ms": percentile(writes, 0.95),
        "p95_ms_by_request": {name: percentile(ms, 0.95) for name, ms in sorted(by_name.items())},
        "errors": len(failed),
        "error_statuses": dict(Counter(str(o.status) for o in failed)),
        "error_samples": sorted({f"{o.name} {o.status} {o.detail[:160]}" for o in failed})[:8],
        "server_cpu_ms_per_request": round(cpu * 1000 / len(outcomes), 2) if outcomes else None,
    }


def max_sustainable(server: Server, mix: Mix, options, stdout) -> tuple[float, list]:
    """Step the rate up until p95 passes the limit (or requests fail); the last rate that held."""
    best, steps, rate = 0.0, [], options["step_start"]
    while rate <= options["step_max"]:
        settle(server)
        step = measure(server, mix, rate, options["step_seconds"], options)
        steps.append({k: step[k] for k in ("rate", "rps", "p95_ms", "errors")})
        stdout.write(
            f"bench api: step {rate:g} rps → p95 {step['p95_ms']} ms, {step['errors']} errors"
        )
        if step["p95_ms"] is None or step["p95_ms"] > options["p95_limit_ms"] or step["errors"]:
            break
        best = rate
        rate += options["step_by"]
    return best, steps


def _setting(given: int, variable: str, default: int) -> int:
    """What deploy/web/gunicorn.conf.py runs with (the option, else its variable or default)."""
    return given or int(os.environ.get(variable, default))


def run(options, stdout) -> dict:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        raise CommandError("bench api needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    started = time.monotonic()
    clients = worlds(options["factories"], stdout, prefix=options["world"])
    setup_seconds = round(time.monotonic() - started, 1)
    mix = Mix(clients, options["seed"])
    log_dir = BASE_DIR / "var"
    log_dir.mkdir(exist_ok=True)
    with (
        Server(options, log_dir / "bench-api-server.log") as server,
        telemetry_flowing(int(options["telemetry_rate"])) as telemetry,
    ):
        measure(server, mix, min(options["rate"], 50), 3, options)  # warm the workers up
        main = measure(server, mix, options["rate"], options["seconds"], options)
        best, steps = (
            (None, []) if options["no_steps"] else max_sustainable(server, mix, options, stdout)
        )
        processes = server.processes
        peak = server.peak_rss_mb
    gunicorn = options["server"] == "gunicorn"
    result = {
        "factories": len(clients),
        "setup_seconds": setup_seconds,
        "target_rps": options["rate"],
        "seconds": options["seconds"],
        "telemetry_rate": options["telemetry_rate"],
        **{k: v for k, v in main.items() if k != "rate"},
        "max_sustainable_rps": best,
        "steps": steps,
        "record_fallbacks": mix.fallbacks,
        "server": {
            "kind": options["server"],
            "command": " ".join(Path(a).name if a.startswith("/") else a for a in server.command),
            "processes": processes,
            "workers": _setting(options["workers"], "WEB_WORKERS", 2 * (os.cpu_count() or 1))
            if gunicorn
            else 1,
            "threads": _setting(options["threads"], "WEB_THREADS", 4) if gunicorn else 1,
        },
        "server_peak_rss_mb": round(peak, 1),
        "telemetry": {
            "published": telemetry.published,
            "stored": telemetry.stored,
            "lost": telemetry.lost,
            "duplicates": telemetry.duplicates,
        },
    }
    if result["errors"]:
        result["failure"] = f"bench api: {result['errors']} requests failed"
    return result
