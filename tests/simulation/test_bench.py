"""`manage.py bench <name>`: the registry, and one quick benchmark end to end."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import Organization
from orders.models import Order
from production.models import WorkOrder
from simulation.bench import BENCHMARKS

pytestmark = pytest.mark.django_db


def test_the_registry_names_every_benchmark():
    assert sorted(BENCHMARKS) == [
        "api",
        "api_inprocess",
        "chain",
        "convert",
        "dashboard",
        "demo_load",
        "ingest",
        "modbus",
        "mrp",
        "payroll",
        "schedule",
        "tenants",
    ]
    assert all(callable(add) and callable(run) for add, run in BENCHMARKS.values())


def test_bench_schedule_prints_its_figures_as_the_last_json_line_and_keeps_nothing():
    # given an empty database
    organizations = Organization.objects.count()
    out = StringIO()
    # when the schedule benchmark plans three work orders on one line
    call_command("bench", "schedule", "--orders", "3", "--lines", "1", stdout=out)
    # then the last line is its JSON, and its throw-away factory was rolled back
    result = json.loads(out.getvalue().splitlines()[-1])
    assert (result["bench"], result["orders"], result["lines"]) == ("schedule", 3, 1)
    assert result["late_orders"] + result["unplaced"] <= 3
    assert Organization.objects.count() == organizations
    assert WorkOrder.objects.count() == 0


def test_an_unknown_benchmark_is_refused():
    with pytest.raises(CommandError, match="nope"):
        call_command("bench", "nope", stdout=StringIO())


def test_bench_chain_refuses_to_run_without_the_real_services(settings):
    # given the embedded defaults: SQLite, no Redis, no broker
    settings.REDIS_URL, settings.MQTT_URL = "", ""
    organizations = Organization.objects.count()
    out = StringIO()

    # when the chain benchmark is asked for
    with pytest.raises(CommandError) as refused:
        call_command("bench", "chain", "--orders", "1", stdout=out)

    # then it says which services to set, in its JSON line too, and built nothing
    message = "bench chain runs on the real services; set REDIS_URL, MQTT_URL"
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        message = message.replace("set ", "set DATABASE_URL (PostgreSQL), ")
    assert str(refused.value) == message
    assert json.loads(out.getvalue().strip().splitlines()[-1])["failure"] == message
    assert Organization.objects.count() == organizations


@pytest.mark.django_db(transaction=True, available_apps=list(django_settings.INSTALLED_APPS))
def test_bench_convert_commits_its_orders_and_leaves_nothing_behind():
    # given a database without the bench's organizations
    organizations = Organization.objects.count()
    out = StringIO()

    # when three orders of two styles are converted, committed, after-commit work included
    call_command("bench", "convert", "--orders", "3", "--styles", "2", "--chunk", "2", stdout=out)

    # then every order became a work order in production, each announced to the merchant's
    # webhook once, and the bench's organizations and rows are gone again
    result = json.loads(out.getvalue().splitlines()[-1])
    assert (result["bench"], result["orders"]) == ("convert", 3)
    assert result["converted"] == result["work_orders"] == result["webhook_deliveries"] == 3
    assert result["bundles"] > 0 and result["rows_written"] > result["bundles"]
    assert {"seconds", "cpu_seconds", "database_cpu_seconds", "tasks_enqueued"} <= set(result)
    assert result["target_seconds"] == 3.0 and result["peak_rss_mb"] > 0
    assert Organization.objects.count() == organizations
    assert WorkOrder.objects.count() == 0


def test_bench_payroll_calculates_exactly_the_groups_of_its_bare_aggregate():
    out = StringIO()

    # when a tiny month (4 operators, 2 days) is generated and its period calculated
    call_command(
        "bench", "payroll", "--workers", "4", "--days", "2", "--records", "4000", stdout=out
    )

    # then the calculation stored one wage line per group of the limit query, over its records
    result = json.loads(out.getvalue().splitlines()[-1])
    assert (result["bench"], result["workers"], result["days"]) == ("payroll", 4, 2)
    assert result["records"] == result["limit_records"] > 0
    assert result["wage_lines"] == result["groups"] > 0
    assert Decimal(result["gross_total"]) > 0
    assert {"seconds", "limit_seconds", "ratio", "cpu_seconds", "peak_rss_mb"} <= set(result)
    assert (result["target_seconds"], result["target_ratio"]) == (1.0, 1.2)


@pytest.mark.slow
def test_bench_api_inprocess_times_every_endpoint_of_the_mix_and_keeps_nothing():
    # given the demo world
    call_command("seed_demo", stdout=StringIO())
    organizations, orders = Organization.objects.count(), Order.objects.count()
    out = StringIO()
    # when the in-process API benchmark calls each endpoint twice
    call_command("bench", "api_inprocess", "--calls", "2", stdout=out)
    # then every endpoint answered as expected (it raises otherwise), with its CPU and queries
    result = json.loads(out.getvalue().splitlines()[-1])
    assert result["bench"] == "api_inprocess"
    assert {"orders_list", "operation_records_list", "workers_list", "order_create"} <= set(
        result["endpoints"]
    )
    for figures in result["endpoints"].values():
        assert figures["cpu_ms_p50"] > 0 and figures["queries"] >= 1 and figures["bytes"] > 0
    # and the orders it created and its tokens were rolled back
    assert (Organization.objects.count(), Order.objects.count()) == (organizations, orders)
