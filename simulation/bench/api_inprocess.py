"""`manage.py bench api_inprocess --calls 200`: the CPU one API request costs, in process.

Runs on the demo world (`manage.py seed_demo` first): the demo factory's manager, its warehouse
keeper and a partner merchant each get an API token, and django.test.Client calls the endpoints
of an integrator's mix through the whole Django and DRF path (middleware, token, throttle,
scoping, row-level security, serialization, rendering) --calls times each. For every endpoint
it prints the p50 of the request's CPU time (time.process_time, so other processes on the
machine count less) and of its queries. No network and no ASGI server: this is the part of a
request the web process spends on its own CPU; `bench api` measures the whole tier from
outside.

Everything runs in one transaction that is rolled back at the end (the created orders,
records, stock issues and tokens are gone). The rate limit is lifted for the run.
"""

import resource
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from core import rls
from core.audit import acting_as
from core.models import Membership, Organization
from core.roles import Role
from core.services import api_token_create
from factories.clock import factory_today
from factories.models import Factory, Worker
from inventory.models import Reservation, StockBalance
from orders.models import StyleVersion
from production.models import Bundle, OperationRecord, WorkOrder, WorkOrderOperation
from production.models.holds import Hold

JSON = "application/json"
READS = {
    "orders_list": ("manager", "/api/v1/orders/"),
    "operation_records_list": ("manager", "/api/v1/operation-records/"),
    "workers_list": ("manager", "/api/v1/workers/"),
    "stock_list": ("manager", "/api/v1/stock/"),
    "stock_moves_list": ("manager", "/api/v1/stock-moves/"),
    "merchant_orders_list": ("merchant", "/api/v1/orders/"),
}


class _Rollback(Exception):
    pass


def add_arguments(parser):
    parser.add_argument("--calls", type=int, default=200, help="calls of each endpoint")
    parser.add_argument("--factory", default="zz-lusong", help="the demo factory's code")
    parser.add_argument("--merchant", default="m-curve", help="a partner merchant's code")


def run(options, stdout) -> dict:
    result = {}
    try:
        with rls.platform(), transaction.atomic():
            result = _measure(options)
            raise _Rollback
    except _Rollback:
        pass
    cache.clear()
    return {
        "bench": "api_inprocess",
        "calls": options["calls"],
        **result,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _measure(options) -> dict:
    factory = Factory.objects.filter(organization__code=options["factory"]).first()
    merchant = Organization.objects.filter(code=options["merchant"]).first()
    if factory is None or merchant is None:
        raise CommandError("Seed the demo world first: manage.py seed_demo")
    clients = {
        "manager": _client(factory.organization, Role.FACTORY_MANAGER),
        "warehouse": _client(factory.organization, Role.WAREHOUSE_CLERK),
        "merchant": _client(merchant, None),
    }
    calls = options["calls"]
    rest = {**settings.REST_FRAMEWORK}
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "organization": None}
    endpoints = {}
    with override_settings(REST_FRAMEWORK=rest):
        for name, (who, path) in READS.items():
            endpoints[name] = _time(calls, lambda c=clients[who], p=path: c.get(p), 200)
        progress = f"/api/v1/orders/{_an_order_id(clients['merchant'])}/progress/"
        endpoints["order_progress"] = _time(calls, lambda: clients["merchant"].get(progress), 200)
        orders = _order_bodies(factory, merchant)
        endpoints["order_create"] = _time(
            calls, lambda: clients["merchant"].post("/api/v1/orders/", next(orders), JSON), 201
        )
        records = _record_bodies(factory, calls)
        endpoints["operation_record_create"] = _time(
            calls,
            lambda: clients["manager"].post("/api/v1/operation-records/", next(records), JSON),
            201,
        )
        issues = _issue_bodies(factory)
        endpoints["stock_issue"] = _time(
            calls,
            lambda: clients["warehouse"].post("/api/v1/stock-moves/issue/", next(issues), JSON),
            201,
        )
    return {
        "endpoints": endpoints,
        "cpu_ms_p50_sum": round(sum(e["cpu_ms_p50"] for e in endpoints.values()), 2),
    }


def _client(organization, role) -> Client:
    member = (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    with acting_as(user=member.user, organization=organization):
        _token, key = api_token_create(
            organization=organization, name="bench", scope="write", by=member.user, role=role
        )
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="zh-hans")


def _time(calls: int, call, expected: int) -> dict:
    cpu, queries = [], []
    for _ in range(calls):
        connection.queries_log.clear()  # the log keeps 9,000 queries: a full one counts none
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            response = call()
            cpu.append(time.process_time() - started)
        if response.status_code != expected:
            raise CommandError(f"{response.status_code}: {response.content[:500]!r}")
        queries.append(len(captured))
    return {
        "cpu_ms_p50": round(statistics.median(cpu) * 1000, 2),
        "cpu_ms_p90": round(statistics.quantiles(cpu, n=10)[-1] * 1000, 2) if calls > 1 else None,
        "queries": round(statistics.median(queries)),
        "bytes": len(response.content),
    }


def _an_order_id(client) -> int:
    return client.get("/api/v1/orders/").json()["results"][0]["id"]


def _order_bodies(factory, merchant):
    version = (
        StyleVersion.objects.filter(factory=factory, status="released", style__merchant=merchant)
        .order_by("pk")
        .first()
    ) or StyleVersion.objects.filter(factory=factory, status="released").order_by("pk").first()
    requested = (factory_today(factory) + timedelta(days=60)).isoformat()
    number = 0
    while True:
        number += 1
        yield {
            "factory": factory.pk,
            "version": version.pk,
            "quantities": [
                {"colour": colour, "size": size, "quantity": 30}
                for colour in version.colours[:2]
                for size in version.sizes
            ],
            "requested_date": requested,
            "ship_to": "长沙市仓库",
            "unit_price": "42.50",
            "external_ref": f"BENCH-{number}",
        }


def _record_bodies(factory, calls: int):
    """Bundle and operation pairs nobody recorded yet, in released work orders."""
    done = set(
        OperationRecord.objects.filter(factory=factory, is_rework=False).values_list(
            "bundle_id", "operation_id"
        )
    )
    operations = {}
    for op in WorkOrderOperation.objects.filter(factory=factory).values("id", "work_order_id"):
        operations.setdefault(op["work_order_id"], []).append(op["id"])
    bundles = (
        Bundle.objects.filter(factory=factory, hold=Hold.FREE)
        .exclude(work_order__status__in=[WorkOrder.Status.CANCELLED, WorkOrder.Status.PLANNED])
        .values("id", "work_order_id")
    )
    badges = list(
        Worker.objects.filter(factory=factory, is_active=True)
        .order_by("pk")
        .values_list("badge_id", flat=True)
    )
    pairs = [
        (bundle["id"], op)
        for bundle in bundles
        for op in operations.get(bundle["work_order_id"], [])
        if (bundle["id"], op) not in done
    ]
    if len(pairs) < calls:
        raise CommandError(f"The demo world has {len(pairs)} unrecorded bundle operations.")
    for index, (bundle, operation) in enumerate(pairs):
        yield {
            "bundle": bundle,
            "operation": str(operation),
            "badge": badges[index % len(badges)],
            "good_pieces": 1,
            "reason": "bench",
        }


def _issue_bodies(factory):
    """A lot in a bin, issued a little at a time to the work order it is reserved for (or to
    any work order when nobody reserved it)."""
    balance = (
        StockBalance.objects.filter(factory=factory, quantity__gt=10).order_by("-quantity").first()
    )
    if balance is None:
        raise CommandError("The demo world has no stock to issue.")
    reserved_for = Reservation.objects.filter(
        lot_id=balance.lot_id, status=Reservation.Status.ACTIVE
    ).values_list("work_order_id", flat=True)
    work_order = (
        next(iter(reserved_for), None)
        or (WorkOrder.objects.filter(factory=factory).values_list("pk", flat=True)[0])
    )
    while True:
        yield {
            "lot": balance.lot_id,
            "bin": balance.bin_id,
            "work_order": work_order,
            "quantity": str(Decimal("0.01")),
        }
