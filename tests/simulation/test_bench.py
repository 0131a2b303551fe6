"""`manage.py bench <name>`: the registry, and one quick benchmark end to end."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import Organization
from production.models import WorkOrder
from simulation.bench import BENCHMARKS

pytestmark = pytest.mark.django_db


def test_the_registry_names_every_benchmark():
    assert sorted(BENCHMARKS) == [
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
