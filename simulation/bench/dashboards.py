"""`manage.py bench dashboard`: the factory screen as its viewers feel it.

The world (simulation.bench.dashboard_world): 90 days of raw operation records and machine
telemetry for a factory of 300 machines and 120 operators, and the rollups the owners' own code
builds from them (kept between runs; `--fresh` generates it again). Then:

* window reads: the screen's data endpoint (`/dashboards/data/`, full middleware) per window
  (12 h, week, month), cold (the screen's cache invalidated before every call) and warm,
  p50 / p95 ms; and a bare SQL query over the same rollups, timed in the same run
  (`bare_sql_p95_ms`);
* freshness (simulation.bench.dashboard_live): `--clients` WebSockets on the factory screen
  through daphne and channels-redis; each hanger event (`station.leave` at the routing's last
  operation) is published over MQTT, stored by the ingest, handed off by a Celery worker to
  production's record, rolled up, pushed — and timed until each client receives a push whose
  `kpi.output` carries the new garments. `freshness_p50_ms` / `freshness_p95_ms` over all
  clients × events, while `--telemetry-rate` messages/s flow on the same broker.

The last line printed is one JSON object.
"""

import time

from django.conf import settings
from django.db import connection
from django.test import Client

from core import rls
from dashboards import selectors, services
from dashboards.models import FactoryDay, LineDay, MachineHour, OutputHour
from simulation.bench.dashboard_live import measure_freshness
from simulation.bench.dashboard_world import world_ready
from simulation.bench.figures import percentile


def add_arguments(parser) -> None:
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--machines", type=int, default=300)
    parser.add_argument("--operators", type=int, default=120)
    parser.add_argument(
        "--sample-seconds", type=int, default=60, help="a machine's sample interval"
    )
    parser.add_argument("--fresh", action="store_true", help="generate the world again")
    parser.add_argument("--requests", type=int, default=40, help="calls per window")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--events", type=int, default=20, help="hanger events published")
    parser.add_argument("--event-gap", type=float, default=1.0, help="seconds between events")
    parser.add_argument(
        "--event-timeout", type=float, default=60, help="seconds a screen may take to show it"
    )
    parser.add_argument(
        "--telemetry-rate", type=int, default=5000, help="telemetry msg/s flowing meanwhile"
    )
    parser.add_argument("--no-push", action="store_true", help="measure the window reads only")


def measure_windows(world, requests: int, *, cold: bool) -> tuple[dict, dict]:
    """p50 and p95 ms per window through the endpoint; `cold` invalidates the screen's cache
    before every call (as a change does), else calls after the first are served from it."""
    client = Client()
    client.force_login(world.manager)
    p50, p95 = {}, {}
    for window in selectors.WINDOWS:
        client.get("/dashboards/data/", {"window": window})  # warm the code paths
        timings = []
        for _ in range(requests):
            if cold:
                services.data_changed(factory_id=world.factory.pk)
            started = time.perf_counter()
            response = client.get("/dashboards/data/", {"window": window})
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"the data endpoint answered {response.status_code}")
        p50[window], p95[window] = percentile(timings, 0.5), percentile(timings, 0.95)
    return p50, p95


def _bare_sql(factory, window) -> list:
    """What the window reads from the rollups, as one bare query per table."""
    with connection.cursor() as cursor:
        if window.hours:
            hours = list(window.hours)
            cursor.execute(
                f"SELECT hour, line_id, SUM(finished), SUM(good), SUM(defective) "
                f"FROM {OutputHour._meta.db_table} WHERE factory_id = %s AND hour = ANY(%s) "
                "GROUP BY hour, line_id",
                [factory.pk, hours],
            )
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT SUM(running_seconds), SUM(idle_seconds), SUM(stopped_seconds) "
                f"FROM {MachineHour._meta.db_table} WHERE factory_id = %s AND hour = ANY(%s)",
                [factory.pk, hours],
            )
            return rows + cursor.fetchall()
        bounds = [factory.pk, window.first_day, window.last_day]
        cursor.execute(
            f"SELECT * FROM {FactoryDay._meta.db_table} "
            "WHERE factory_id = %s AND day BETWEEN %s AND %s",
            bounds,
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT line_id, SUM(finished), SUM(good), SUM(defective), SUM(inspected), "
            f"SUM(passed), SUM(defects) FROM {LineDay._meta.db_table} "
            "WHERE factory_id = %s AND day BETWEEN %s AND %s GROUP BY line_id",
            bounds,
        )
        return rows + cursor.fetchall()


def measure_bare_sql(world, requests: int) -> dict:
    p95 = {}
    with rls.scope(rls.for_factory(world.factory.pk)):
        for name in selectors.WINDOWS:
            window = selectors.window_for(world.factory, name)
            _bare_sql(world.factory, window)
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                _bare_sql(world.factory, window)
                timings.append((time.perf_counter() - started) * 1000)
            p95[name] = percentile(timings, 0.95)
    return p95


def run(options, stdout) -> dict:
    world = world_ready(options, stdout)
    requests = options["requests"]
    cold_p50, cold_p95 = measure_windows(world, requests, cold=True)
    warm_p50, warm_p95 = measure_windows(world, requests, cold=False)
    bare = measure_bare_sql(world, requests)
    stdout.write(f"window p95 cold {cold_p95} warm {warm_p95}; bare SQL {bare}")
    result = {
        "database": connection.vendor,
        "days": options["days"],
        "machines": world.machines,
        "operators": options["operators"],
        "window_p50_ms": {"cold": cold_p50, "warm": warm_p50},
        "window_p95_ms": {"cold": cold_p95, "warm": warm_p95},
        "bare_sql_p95_ms": bare,
        "freshness_p50_ms": None,
        "freshness_p95_ms": None,
        "clients": 0,
        "telemetry_rate": options["telemetry_rate"],
    }
    if options["no_push"]:
        return result
    missing = [
        name
        for name, present in (
            ("DATABASE_URL (PostgreSQL)", connection.vendor == "postgresql"),
            ("REDIS_URL", bool(settings.REDIS_URL)),
        )
        if not present
    ]
    if missing:
        result["failure"] = f"freshness runs on the real services; set {', '.join(missing)}"
        return result
    result.update(measure_freshness(world, options, stdout))
    return result
