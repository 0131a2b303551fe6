"""Test-suite wiring: service markers, fail-fast service checks, shared fixtures.

Tests that need PostgreSQL, Redis, Mosquitto or Chromium carry a marker. Without the service in
the environment they are deselected (and counted); with it, every one runs, and a service named
in the environment that cannot be reached fails the run instead of skipping anything.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

# The browser tests' daphne, Chromium and page fixtures (tests/browser/harness.py).
pytest_plugins = ["tests.browser.harness"]

SERVICE_MARKERS = {
    "postgres": lambda: os.environ.get("DATABASE_URL", "").startswith("postgres"),
    "redis": lambda: bool(os.environ.get("REDIS_URL")),
    "mqtt": lambda: bool(os.environ.get("MQTT_URL")),
    "browser": lambda: bool(os.environ.get("CHROMIUM_PATH")),
    # A slow suite that needs no service runs once, in the run with the services (.ci/run's
    # first), not again in the embedded run.
    "slow": lambda: os.environ.get("DATABASE_URL", "").startswith("postgres"),
}


def pytest_collection_modifyitems(config, items):
    available = {name: check() for name, check in SERVICE_MARKERS.items()}
    selected, deselected = [], []
    for item in items:
        missing = [m for m, ok in available.items() if not ok and item.get_closest_marker(m)]
        (deselected if missing else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
    counts = {m: sum(1 for i in deselected if i.get_closest_marker(m)) for m in SERVICE_MARKERS}
    config._seamline_deselected = (len(deselected), counts)


def pytest_report_header(config):
    names = [name for name, check in SERVICE_MARKERS.items() if check()]
    return f"seamline services in the environment: {', '.join(names) or 'none (embedded defaults)'}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    total, counts = getattr(config, "_seamline_deselected", (0, {}))
    detail = ", ".join(f"{name}: {count}" for name, count in counts.items() if count)
    terminalreporter.write_line(
        f"seamline: {total} service tests deselected (no service in the environment)"
        + (f" — {detail}" if detail else "")
    )


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=3
        ):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    """A service named in the environment must answer: failing beats skipping."""
    checks = [
        ("DATABASE_URL", 5432, lambda v: v.startswith("postgres")),
        ("REDIS_URL", 6379, bool),
        ("MQTT_URL", 1883, bool),
    ]
    for variable, port, applies in checks:
        value = os.environ.get(variable, "")
        if applies(value) and not _reachable(value, port):
            pytest.exit(f"{variable}={value} is set but cannot be reached", returncode=3)
    chromium = os.environ.get("CHROMIUM_PATH")
    if chromium and not shutil.which(chromium):
        pytest.exit(f"CHROMIUM_PATH={chromium} is set but not executable", returncode=3)


@pytest.fixture(autouse=True)
def _test_defaults(settings):
    """English unless a test asks otherwise; rate limits out of the way unless a test sets one."""
    settings.LANGUAGE_CODE = "en"
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"organization": "1000000/min"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """django-auditlog's first migration creates its own `auditlog_logentry` although
    `core.AuditEntry` replaces the model (AUDITLOG_LOGENTRY_MODEL). Nothing uses that table,
    but its foreign keys make a transactional test's TRUNCATE fail on PostgreSQL, so the test
    database goes without it."""
    from django.db import connection

    from core import rls

    with django_db_blocker.unblock(), rls.owner(), connection.cursor() as cursor:
        cascade = " CASCADE" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TABLE IF EXISTS auditlog_logentry{cascade}")


@pytest.fixture(scope="session", autouse=True)
def _platform_scope():
    """A test builds its worlds and checks its results for the platform (every tenant's rows);
    each request, task and consumer it runs sets its own row-level-security scope on top of
    that (core/rls.py), so under PostgreSQL the suite runs the app under the policies. Session
    wide, so that module-scoped worlds are built for the platform too."""
    from core import rls

    with rls.platform():
        yield


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process in tests, with or without REDIS_URL: a test that exercises the real
    broker and worker path (marked `redis`) turns this off and starts `celery -A config worker`
    itself (see tests/orders/test_webhook_worker.py, tests/core/test_services_wiring.py)."""
    from config.celery_app import app

    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """A transactional test's flush re-creates content types with new ids; a stale cache would
    point audit entries at rows that no longer exist."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()
