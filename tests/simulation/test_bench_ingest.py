"""`bench ingest` and `telemetry_flowing`, tiny: real Mosquitto, real ingest processes, the
independent publisher process, PostgreSQL. Figures are not checked, only that every message
the broker acknowledged was stored exactly once and that nothing is left running."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from core import rls
from devices.models import TelemetryRecord
from simulation.bench.telemetry import telemetry_flowing
from simulation.device_publisher import publish_samples
from tests.factories import DeviceFactory, FactoryFactory, OrganizationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.mqtt, pytest.mark.django_db(transaction=True)]

FIGURES = {
    "live_msgs_per_s",
    "live_publisher_msgs_per_s",
    "drain_msgs_per_s",
    "broker_msgs_per_s",
    "p50_publish_to_commit_ms",
    "p99_publish_to_commit_ms",
    "steady_publisher_msgs_per_s",
    "ingest_cpu_us_per_msg",
    "broker_cpu_us_per_msg",
    "batched_records_per_s",
    "peak_rss_mb",
}
RUNS = ("live", "drain", "steady", "batched")


def test_bench_ingest_stores_every_acknowledged_message_once_in_every_run():
    out = StringIO()
    # when bench ingest runs tiny: a live burst, a drained backlog, a steady rate, batched
    call_command(
        "bench", "ingest", "--messages", "2000", "--devices", "10", "--rate", "500",
        "--seconds", "5", "--batched-messages", "100", "--records", "20", stdout=out,
    )  # fmt: skip
    result = json.loads(out.getvalue().splitlines()[-1])

    # then every figure is there, and every run stored each message exactly once
    assert set(result) >= FIGURES
    assert all(result[f"{run}_lost"] == 0 for run in RUNS)
    assert all(result[f"{run}_duplicates"] == 0 for run in RUNS)
    assert (result["lost"], result["duplicates"]) == (0, 0)
    assert result["messages"] == 2000
    assert result["batched_records"] == 100 * 20
    # every stored record of the steady run has its publish-to-commit time
    assert result["latency_samples"] == result["steady_messages"] > 0
    assert result["p50_publish_to_commit_ms"] <= result["p99_publish_to_commit_ms"]
    # and the benchmark's rows are gone
    assert not TelemetryRecord.objects.filter(factory__organization__code="bench-ingest").exists()


def test_telemetry_flows_beside_a_callers_own_device_and_stops_with_the_block():
    with rls.platform():
        own = DeviceFactory(factory=FactoryFactory(organization=OrganizationFactory(code="own")))
        # given telemetry flowing at 200 msg/s
        with telemetry_flowing(200, devices=3, processes=1, factory_code="t-flow") as telemetry:
            broker = telemetry.broker
            assert broker.process.poll() is None
            # when the caller publishes with its own device's credentials on the same broker
            login = telemetry.login_for(own)
            acked = publish_samples("127.0.0.1", broker.port, [login], 5)

        # then the flow stopped, its broker too, and every acknowledged message was stored once
        assert broker.process.poll() is not None
        assert all(process.poll() is not None for process in telemetry.processes)
        assert telemetry.published == telemetry.acked > 0
        assert telemetry.stored == telemetry.acked
        assert (telemetry.lost, telemetry.duplicates) == (0, 0)
        # and so was the caller's message, by the same ingest
        assert acked == 5
        assert TelemetryRecord.objects.filter(device=own).count() == 5


def test_no_telemetry_at_rate_zero_and_a_failing_block_still_stops_everything():
    with telemetry_flowing(0) as telemetry:
        assert telemetry.broker is None
    assert telemetry.published == 0

    with (
        rls.platform(),
        pytest.raises(ValueError, match="boom"),
        telemetry_flowing(100, devices=2, processes=1, factory_code="t-fail") as telemetry,
    ):
        broker = telemetry.broker
        raise ValueError("boom")
    assert broker.process.poll() is not None
    assert telemetry.processes
    assert all(process.poll() is not None for process in telemetry.processes)
