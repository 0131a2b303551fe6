"""`manage.py bench api` with tiny sizes: the web tier as in production (gunicorn's workers on
config.wsgi) serves the whole mix from another process, on PostgreSQL under row-level security
and Redis, and every request of the mix succeeds. No timing is asserted."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from orders.models import Order
from production.models import OperationRecord

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    # Every app listed: the flush after the test then TRUNCATEs with CASCADE, as PostgreSQL needs.
    pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS)),
]


def test_bench_api_serves_the_mix_without_an_error_and_prints_its_figures():
    # given two small factories built by the bench, and a two-worker gunicorn
    out = StringIO()
    call_command(
        "bench", "api", "--factories", "2", "--rate", "20", "--seconds", "4",
        "--telemetry-rate", "0", "--workers", "2", "--threads", "2",
        "--step-start", "20", "--step-by", "20", "--step-max", "40", "--step-seconds", "2",
        stdout=out,
    )  # fmt: skip
    # then the last line is its JSON with every figure, and nothing failed
    result = json.loads(out.getvalue().splitlines()[-1])
    for key in ("rps", "read_p95_ms", "write_p95_ms", "errors", "max_sustainable_rps",
                "peak_rss_mb", "server_peak_rss_mb", "server", "steps"):  # fmt: skip
        assert key in result, key
    assert result["bench"] == "api"
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] == 80
    assert result["server"]["kind"] == "gunicorn"
    assert (result["server"]["workers"], result["server"]["threads"]) == (2, 2)
    assert result["server"]["processes"] == 3  # the master and its two workers
    assert result["steps"] and result["steps"][0]["rate"] == 20
    # and the writes really happened: orders placed and operations recorded over the API
    assert Order.objects.filter(external_ref__startswith="API-").exists()
    assert OperationRecord.objects.exists()
