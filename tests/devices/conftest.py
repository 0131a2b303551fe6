import time as clock

import orjson
import pytest

from devices.ingest import Incoming, directory, topic_for
from tests.factories import DeviceFactory, FactoryFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def _fresh_directory():
    directory.clear()
    yield
    directory.clear()


@pytest.fixture
def plant(db):
    """A factory "plant-a" with a station device and a sewing machine."""
    factory = FactoryFactory(organization=OrganizationFactory(code="plant-a"))
    station = DeviceFactory(factory=factory, code="st-1", kind="hanging_station")
    machine = DeviceFactory(factory=factory, code="sm-1", kind="sewing_machine")
    return factory, station, machine


def now_ms() -> int:
    return int(clock.time() * 1000)


def message(device, channel="telemetry", **record) -> Incoming:
    body = {"seq": 1, "ts": now_ms(), "type": "sewing.sample", "run_s": 10, **record}
    return Incoming(topic_for(device.factory.code, device.code, channel), orjson.dumps(body))


@pytest.fixture
def truncatable_database(django_db_blocker):
    """Transactional tests end with TRUNCATE of every model's table; on PostgreSQL that fails
    while a table no installed model owns (auditlog's own `auditlog_logentry`, unused since
    core.AuditEntry replaces it) still holds a foreign key to one of them. Drop such keys in
    the test database only."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            yield
            return
        known = set(connection.introspection.django_table_names(include_views=False))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c "
                "WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s)",
                [list(known)],
            )
            for table, name in cursor.fetchall():
                if table not in known:
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    yield
