"""`manage.py bench tenants --factories 2000`: every list of the API and every main page, timed
for one factory's manager on a platform of that one factory and again on a platform of 2,000.

The platform is generated with COPY (simulation/tenant_platform.py; its VOLUMES are printed):
first the measured factory alone, whose lists and pages are timed (`p95_ms_at_1`), then the
other factories, after which the same requests are timed again (`p95_ms_at_<n>`). `ratio` is the
worst endpoint's p95 at n ÷ its p95 at 1; the target is ≤ 1.5 everywhere, which holds only
while every list is scoped by an index whose first column is factory_id.

The platform is kept (factories named bench-tenants-…) so a second run only measures at n; the
figures at 1 factory of the generating run are kept beside it (var/bench/). `--fresh`
generates it again. Requests go through the whole Django stack in-process (django.test.Client):
pages with a session login, the API with a token, the rate limit lifted for the run.
"""

import json
import logging
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core import rls
from core.audit import acting_as
from core.models import Membership, Organization, User
from core.roles import ROLES_BY_KIND, OrgKind, Role
from core.services import api_token_create
from factories.clock import factory_today
from factories.models import Factory
from simulation import tenant_platform
from simulation.bench.bulk_load import skip_foreign_key_triggers
from simulation.bench.figures import percentile

PREFIX = "bench-tenants-"
HOME = f"{PREFIX}home"
MERCHANT = f"{PREFIX}merchant"
TARGET_RATIO = 1.5
# The manager's main pages: the lists of every app, the dashboard screen and its data.
PAGES = [
    "orders:list", "orders:styles", "orders:shipments", "orders:quotations",
    "production_orders:sales", "production:work-orders", "production:records",
    "production:wip", "production:schedule", "production:cutting", "production:quality",
    "factories:workers", "factories:lines", "factories:stations", "factories:shifts",
    "factories:partnerships", "inventory:stock", "inventory:materials",
    "inventory:purchase-orders", "inventory:shortages", "inventory:counts", "payroll:periods",
    "payroll:attendance", "payroll:disputes", "devices:list", "devices:alarms", "core:audit",
    "core:people", "dashboards:factory", "dashboards:factory-data", "dashboards:profile",
]  # fmt: skip


def add_arguments(parser):
    parser.add_argument("--factories", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per endpoint")
    parser.add_argument("--batch", type=int, default=100, help="factories per COPY")
    parser.add_argument("--fresh", action="store_true", help="generate the platform again")


def run(options, stdout) -> dict:
    if connection.vendor != "postgresql":
        return {"failure": "bench tenants runs on PostgreSQL; set DATABASE_URL"}
    n, requests = options["factories"], options["requests"]
    at_1_file = (
        Path(settings.VAR_DIR) / "bench" / f"tenants-{connection.settings_dict['NAME']}.json"
    )
    with acting_as():
        with rls.owner():
            kept = _kept(n, at_1_file) if not options["fresh"] else None
        generated_seconds = None
        if kept is None:
            with rls.owner():
                _drop(stdout)
                started = time.perf_counter()
                home, merchant_id = _home()
                generated_seconds = time.perf_counter() - started
            principals = _principals(home)
            at_1 = _measure(principals, requests)
            at_1_file.parent.mkdir(parents=True, exist_ok=True)
            at_1_file.write_text(json.dumps({"factories": n, "p95_ms": at_1}))
            started = time.perf_counter()
            with rls.owner():
                _others(n, merchant_id, options["batch"], stdout)
            # The generation alone (COPY and ANALYZE), not the drop nor the timing at 1.
            generated_seconds = round(generated_seconds + time.perf_counter() - started, 1)
        else:
            home, at_1 = kept
            principals = _principals(home)
        at_n = _measure(principals, requests)
    return _result(n, at_1, at_n, generated_seconds)


def _result(n, at_1, at_n, generated_seconds) -> dict:
    refused = sorted(name for name, p95 in at_n.items() if p95 is None)
    at_1 = {name: p95 for name, p95 in at_1.items() if p95 is not None}
    at_n = {name: p95 for name, p95 in at_n.items() if p95 is not None}
    ratios = {name: round(at_n[name] / at_1[name], 2) if at_1.get(name) else None for name in at_n}
    worst = max((name for name in ratios if ratios[name] is not None), key=ratios.get)
    over = sorted(name for name, ratio in ratios.items() if ratio and ratio > TARGET_RATIO)
    return {
        "factories": n,
        "volumes_per_factory": tenant_platform.VOLUMES,
        "rows_per_factory": tenant_platform.ROWS_PER_FACTORY,
        "generated_seconds": generated_seconds,
        "endpoints": len(at_n),
        "worst_endpoint": worst,
        "ratio": ratios[worst],
        "worst_p95_ms_at_1": at_1.get(worst),
        f"worst_p95_ms_at_{n}": at_n[worst],
        "over_target": over,
        "refused": refused,
        "p95_ms_at_1": at_1,
        f"p95_ms_at_{n}": at_n,
        "database": connection.vendor,
    }


def _kept(n: int, at_1_file: Path):
    """The home factory and its figures at 1 factory, if the platform of n factories is there."""
    home = Factory.objects.filter(organization__code=HOME).first()
    count = Organization.objects.filter(kind=OrgKind.FACTORY, code__startswith=PREFIX).count()
    if home is None or count != n or not at_1_file.exists():
        return None
    saved = json.loads(at_1_file.read_text())
    return (home, saved["p95_ms"]) if saved.get("factories") == n else None


def _drop(stdout) -> None:
    """Remove a previous platform: every row pointing at its organizations, then them."""
    ids = list(Organization.objects.filter(code__startswith=PREFIX).values_list("pk", flat=True))
    if not ids:
        return
    started = time.perf_counter()
    with transaction.atomic():
        skip_foreign_key_triggers()
        with connection.cursor() as cursor:
            for table, column in _columns_pointing_at_organizations():
                cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" = ANY(%s)', [ids])
        User.objects.filter(username__startswith=PREFIX)._raw_delete(connection.alias)
    stdout.write(f"dropped the previous platform in {time.perf_counter() - started:.1f} s")


def _columns_pointing_at_organizations():
    """(table, column) of every foreign key to an organization or a factory, the factories'
    own table and the organizations' last."""
    found = []
    for model in rls.factory_owned_models():
        found.append((model._meta.db_table, "factory_id"))
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            entry = (model._meta.db_table, field.column)
            if target in (Organization, Factory) and model is not Factory and entry not in found:
                found.append(entry)
    found.append((Factory._meta.db_table, "organization_id"))
    found.append((Organization._meta.db_table, "id"))
    return found


def _home() -> tuple[Factory, int]:
    """The merchant every order is for, and the measured factory alone on the platform."""
    today = factory_today(Factory(time_zone=tenant_platform.DEFAULT_TIME_ZONE))
    with transaction.atomic():
        skip_foreign_key_triggers()
        merchant = Organization.objects.create(kind=OrgKind.MERCHANT, code=MERCHANT, name=MERCHANT)
        (home_id,) = tenant_platform.generate([HOME], merchant.pk, today)
    _analyze()
    return Factory.objects.get(pk=home_id), merchant.pk


def _others(n: int, merchant_id: int, batch: int, stdout) -> None:
    today = factory_today(Factory(time_zone=tenant_platform.DEFAULT_TIME_ZONE))
    codes = [f"{PREFIX}{k:05d}" for k in range(1, n)]
    started = time.perf_counter()
    for first in range(0, len(codes), batch):
        with transaction.atomic():
            skip_foreign_key_triggers()
            tenant_platform.generate(codes[first : first + batch], merchant_id, today)
        done = min(first + batch, len(codes)) + 1
        stdout.write(f"{done} factories, {time.perf_counter() - started:.0f} s")
    _analyze()


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _principals(home: Factory) -> dict:
    """A session per factory role (the manager's opens the pages) and the manager's API token."""
    org = home.organization
    sessions = {}
    with rls.scope(rls.for_factory(home.pk)):
        for role in sorted(ROLES_BY_KIND[OrgKind.FACTORY]):
            user, created = User.objects.get_or_create(
                username=f"{PREFIX}{role}", defaults={"password": make_password(None)}
            )
            if created:
                Membership.objects.create(user=user, organization=org, role=role)
            client = Client()
            client.force_login(user)
            sessions[role] = client
        manager = User.objects.get(username=f"{PREFIX}{Role.FACTORY_MANAGER}")
        _token, key = api_token_create(organization=org, name="bench", scope="read", by=manager)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return {"sessions": sessions, "api": api}


def _requests(principals: dict) -> list[tuple[str, Client, str]]:
    """(label, client, path): every API list, each role's home and the manager's pages."""
    found = [("api " + path, principals["api"], path) for path in api_list_paths()]
    for role, client in sorted(principals["sessions"].items()):
        found.append((f"home {role}", client, reverse("core:home")))
    manager = principals["sessions"][Role.FACTORY_MANAGER]
    found += [(f"page {name}", manager, reverse(name)) for name in PAGES]
    return found


def api_list_paths() -> list[str]:
    """Every list endpoint of the API, found by walking the URL configuration."""
    paths = []
    for route, name, entry in _walk(get_resolver().url_patterns):
        actions = getattr(entry.callback, "actions", None) or {}
        listed = route.startswith("api/v1/") and actions.get("get") == "list"
        if listed and not entry.pattern.regex.groupindex and "format" not in route:
            paths.append(reverse(name))
    return sorted(set(paths))


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(x for x in (namespace, entry.namespace) if x) or None
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield prefix + str(entry.pattern), name, entry


def _measure(principals: dict, requests: int) -> dict[str, float | None]:
    """p95 in ms per endpoint over `requests` timed requests, after two untimed ones; None for
    an endpoint the principal is refused (403). The timed requests go round the endpoints, one
    each per round, so that a moment of load on the shared machine falls on one request of many
    endpoints instead of on every request of one."""
    scopes = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    unlimited = dict.fromkeys(scopes, "1000000/min")
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": unlimited}
    refusals = logging.getLogger("django.request")
    level, refusals.level = refusals.level, logging.ERROR + 10  # the 403s are expected here
    timings: dict[str, list[float] | None] = {}
    try:
        with override_settings(REST_FRAMEWORK=rest):
            endpoints = _requests(principals)
            for label, client, path in endpoints:
                for _ in range(2):
                    response = client.get(path, follow=True)
                if response.status_code == 403:  # not the manager's: not measured, listed
                    timings[label] = None
                elif response.status_code != 200:
                    raise RuntimeError(f"{label}: {path} answered {response.status_code}")
                else:
                    timings[label] = []
            for _ in range(requests):
                for label, client, path in endpoints:
                    if timings[label] is not None:
                        started = time.perf_counter()
                        client.get(path, follow=True)
                        timings[label].append((time.perf_counter() - started) * 1000)
    finally:
        refusals.level = level
    return {
        label: None if values is None else percentile(values, 0.95)
        for label, values in timings.items()
    }
