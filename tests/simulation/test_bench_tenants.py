"""`bench tenants` at a tiny size: the platform it generates, and the figures it prints."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from core.models import Organization
from core.roles import OrgKind
from dashboards.models import FactoryDay, LineDay, OutputHour
from factories.models import SewingLine, Worker
from orders.models import Order
from production.models import Bundle, OperationRecord, WorkOrder, WorkOrderOperation
from simulation import tenant_platform
from simulation.bench.tenants import HOME, PREFIX, api_list_paths

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

COUNTED = {
    "lines": SewingLine,
    "workers": Worker,
    "orders": Order,
    "work_orders": WorkOrder,
    "work_order_operations": WorkOrderOperation,
    "bundles": Bundle,
    "operation_records": OperationRecord,
    "factory_days": FactoryDay,
    "line_days": LineDay,
    "output_hours": OutputHour,
}


def _bench(*args) -> dict:
    out = StringIO()
    call_command("bench", "tenants", "--factories", "4", "--requests", "1", *args, stdout=out)
    return json.loads(out.getvalue().splitlines()[-1])


def test_bench_tenants_generates_the_platform_and_times_every_list_at_1_and_at_n(
    settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    # when the benchmark runs on a platform of 4 factories
    result = _bench("--fresh")

    # then every factory holds the stated volumes, each row its own factory's
    assert Organization.objects.filter(kind=OrgKind.FACTORY, code__startswith=PREFIX).count() == 4
    home = Organization.objects.get(code=HOME)
    for name, model in COUNTED.items():
        assert model.objects.filter(factory_id=home.pk).count() == tenant_platform.VOLUMES[name]
        assert model.objects.filter(factory__organization__code__startswith=PREFIX).count() == (
            4 * tenant_platform.VOLUMES[name]
        )
    foreign = OperationRecord.objects.filter(factory_id=home.pk).exclude(bundle__factory_id=home.pk)
    assert not foreign.exists()

    # and every API list, each role's home and the manager's pages were timed at 1 and at 4
    assert result["bench"] == "tenants"
    assert result["factories"] == 4
    assert result["volumes_per_factory"] == tenant_platform.VOLUMES
    at_1, at_4 = result["p95_ms_at_1"], result["p95_ms_at_4"]
    assert set(at_1) == set(at_4)
    assert result["endpoints"] == len(at_4)
    measured_api = {name for name in at_4 if name.startswith("api ")}
    refused_api = {name for name in result["refused"] if name.startswith("api ")}
    assert measured_api | refused_api == {f"api {path}" for path in api_list_paths()}
    assert "page dashboards:factory" in at_4 and "page dashboards:factory-data" in at_4
    assert "home factory_manager" in at_4
    assert result["worst_endpoint"] in at_4
    assert result["ratio"] == round(
        at_4[result["worst_endpoint"]] / at_1[result["worst_endpoint"]], 2
    )
    assert set(result["over_target"]) <= set(at_4)
    assert result["generated_seconds"] > 0
    assert result["peak_rss_mb"] > 0

    # and a second run keeps the platform and its figures at 1
    again = _bench()
    assert again["generated_seconds"] is None
    assert again["p95_ms_at_1"] == at_1
    assert Organization.objects.filter(kind=OrgKind.FACTORY, code__startswith=PREFIX).count() == 4
