"""`manage.py bench dashboard`, tiny: a world from raw records through the owners' rollup code,
then a hanger event over MQTT until the connected screens show the new figure (real PostgreSQL,
Redis, Mosquitto, a Celery worker and daphne). Checks the JSON line and that the pushed figure
changed; never a time."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from dashboards.models import FactoryDay, MachineHour, OutputHour
from devices.models import MinuteRollup, TelemetryRecord
from production.models import OperationRecord

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.mqtt,
    # Every app listed: the flush after the test then TRUNCATEs with CASCADE, as PostgreSQL needs.
    pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS)),
]

TINY = ["--days", "2", "--machines", "3", "--operators", "10", "--sample-seconds", "900"]
KEYS = {
    "window_p50_ms",
    "window_p95_ms",
    "bare_sql_p95_ms",
    "freshness_p50_ms",
    "freshness_p95_ms",
    "freshness_samples",
    "freshness_missed",
    "peak_rss_mb",
}


def bench(*arguments) -> dict:
    out = StringIO()
    call_command("bench", "dashboard", *TINY, "--requests", "2", *arguments, stdout=out)
    return json.loads(out.getvalue().splitlines()[-1])


def test_the_screen_shows_the_new_figure_pushed_after_a_hanger_event():
    # when the benchmark builds its world and publishes two hanger events to two screens
    result = bench("--clients", "2", "--events", "2", "--event-gap", "0.3", "--telemetry-rate", "0")

    # then its line has every figure, for every window, cold and warm
    assert set(result) >= KEYS, KEYS - set(result)
    for temperature in ("cold", "warm"):
        assert set(result["window_p95_ms"][temperature]) == {"12h", "week", "month"}
    assert set(result["bare_sql_p95_ms"]) == {"12h", "week", "month"}
    # and every screen received a push whose output carried each event's new garments
    assert result["freshness_missed"] == 0
    assert result["freshness_samples"] == 2 * 2
    assert "failure" not in result

    # and the rollups were built from raw rows, by the owners' code
    assert OperationRecord.objects.exists() and TelemetryRecord.objects.exists()
    assert MinuteRollup.objects.exists() and MachineHour.objects.exists()
    assert OutputHour.objects.exists() and FactoryDay.objects.count() >= 2


def test_a_second_run_reuses_the_world():
    # given a world generated once
    bench("--no-push")
    records = OperationRecord.objects.count()

    # when the benchmark runs again, then with --fresh
    bench("--no-push")
    reused = OperationRecord.objects.count()
    bench("--no-push", "--fresh")

    # then the second run wrote no raw record, and --fresh generated the same world again
    assert reused == records
    assert OperationRecord.objects.count() == records
