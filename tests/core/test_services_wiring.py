"""The real services: migrations on SQLite and PostgreSQL, Redis-backed rate limits, Celery."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from core.roles import OrgKind, Role
from tests.factories import FactoryFactory, MembershipFactory, OrganizationFactory, UserFactory

BASE_DIR = Path(settings.BASE_DIR)


def migrate_into(database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_migrations_apply_on_a_fresh_sqlite_database(tmp_path):
    result = migrate_into(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.postgres
def test_migrations_apply_on_a_fresh_postgresql_database():
    import psycopg

    base = settings.DATABASES["default"]
    name = f"seamline_migrate_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=base["HOST"],
        port=base["PORT"] or 5432,
        user=base["USER"],
        password=base["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        auth = base["USER"] + (f":{base['PASSWORD']}" if base["PASSWORD"] else "")
        result = migrate_into(f"postgres://{auth}@{base['HOST']}:{base['PORT'] or 5432}/{name}")
        assert result.returncode == 0, result.stderr[-2000:]
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.redis
@pytest.mark.django_db
def test_api_rate_limits_are_counted_in_redis(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"organization": "3/min"},
    }
    cache.clear()
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="rl"))
    user = UserFactory(username="ratelimited")
    MembershipFactory(user=user, organization=factory.organization, role=Role.FACTORY_OWNER)
    client = APIClient()
    client.force_login(user)
    try:
        statuses = [client.get("/api/v1/lines/").status_code for _ in range(4)]
        key = f"throttle_organization_user:{user.pk}"
        window = int(time.time() // 60)
        counted = cache.get_many([f"{key}:{window}", f"{key}:{window - 1}"])
        assert statuses == [200, 200, 200, 429]
        assert sum(counted.values()) == 3
    finally:
        cache.clear()


@pytest.mark.redis
def test_celery_runs_tasks_on_a_real_worker_through_redis():
    """A real worker process takes a task from the Redis broker and returns its result."""
    from config.celery_app import app

    assert not settings.CELERY_TASK_ALWAYS_EAGER
    env = {**os.environ}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "-Q",
            "seamline-ping",
            "-n",
            f"ping-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        result = app.send_task("core.tasks.ping", args=["hello"], queue="seamline-ping")
        assert result.get(timeout=60) == "pong: hello"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
