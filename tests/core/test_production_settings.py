"""config.settings_production refuses to start with a default or weak SECRET_KEY or with DEBUG
on; docker-compose.yml has no default secret. Each import runs in a fresh interpreter, as a
deployment would."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(50)
# The personal fields' keys production requires (docs/privacy.md): valid throwaway ones.
FIELD_KEYS = {
    "FIELD_ENCRYPTION_KEYS": "cw_0x689RpI-jtRR7oB-5CMFqRe-HvF3Dc_S6rLqYOM=",
    "FIELD_HASH_KEY": secrets.token_urlsafe(32),
}


def import_production_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", *FIELD_KEYS}
    }
    environment.update(FIELD_KEYS)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings_production as s; print('DEBUG', s.DEBUG)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def refusal(result: subprocess.CompletedProcess) -> str:
    """The ImproperlyConfigured line the failed import ended with."""
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


def test_a_strong_key_with_debug_off_starts():
    result = import_production_settings(SECRET_KEY=STRONG_KEY)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False"


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("dev-only-insecure-key-change-me-in-production-0123456789", id="dev default"),
        pytest.param("change-me-in-.env", id="old compose default"),
        pytest.param("django-insecure-" + "x1y2z3" * 10, id="startproject key"),
    ],
)
def test_a_default_secret_key_is_refused(key):
    line = refusal(import_production_settings(SECRET_KEY=key))

    assert line.startswith("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is a default")


@pytest.mark.parametrize("missing", sorted(FIELD_KEYS))
def test_production_refuses_to_start_without_the_personal_field_keys(missing):
    line = refusal(import_production_settings(SECRET_KEY=STRONG_KEY, **{missing: ""}))

    assert line.startswith(
        "django.core.exceptions.ImproperlyConfigured: FIELD_ENCRYPTION_KEYS (Fernet keys, newest "
        "first, comma-separated) and FIELD_HASH_KEY must be set"
    )


@pytest.mark.parametrize("key", ["short-but-random-Q7x", "a" * 80, ""])
def test_a_weak_or_missing_secret_key_is_refused(key):
    line = refusal(import_production_settings(SECRET_KEY=key))

    assert line.startswith(
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is too short or too simple"
    )


@pytest.mark.parametrize("value", ["true", "1", "on"])
def test_debug_on_is_refused(value):
    line = refusal(import_production_settings(SECRET_KEY=STRONG_KEY, DEBUG=value))

    assert line.startswith("django.core.exceptions.ImproperlyConfigured: DEBUG is on")


def compose_config(**env: str) -> subprocess.CompletedProcess:
    import compose

    binary = Path(compose.__file__).parent / "docker-compose"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "POSTGRES_PASSWORD", *FIELD_KEYS}
    }
    environment.update(env)
    return subprocess.run(
        [str(binary), "--env-file", os.devnull, "config", "-q"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


BROKER_SECRETS = {
    "MQTT_INGEST_PASSWORD": "ingest-pw",
    "MQTT_ADMIN_PASSWORD": "admin-pw",
    **FIELD_KEYS,
}


def test_compose_refuses_to_run_without_a_secret_key():
    result = compose_config(POSTGRES_PASSWORD="pw", **BROKER_SECRETS)

    assert result.returncode != 0
    assert "required variable SECRET_KEY is missing a value" in result.stderr


def test_compose_refuses_to_run_without_a_database_password():
    result = compose_config(SECRET_KEY=STRONG_KEY, **BROKER_SECRETS)

    assert result.returncode != 0
    assert "required variable POSTGRES_PASSWORD is missing a value" in result.stderr


@pytest.mark.parametrize("missing", sorted(BROKER_SECRETS))
def test_compose_refuses_to_run_without_a_broker_password(missing):
    given = {name: value for name, value in BROKER_SECRETS.items() if name != missing}
    result = compose_config(SECRET_KEY=STRONG_KEY, POSTGRES_PASSWORD="pw", **given)

    assert result.returncode != 0
    assert f"required variable {missing} is missing a value" in result.stderr


def test_compose_accepts_the_file_once_the_secrets_are_set():
    result = compose_config(SECRET_KEY=STRONG_KEY, POSTGRES_PASSWORD="pw", **BROKER_SECRETS)

    assert result.returncode == 0, result.stderr


def test_production_refuses_to_let_webhooks_reach_loopback():
    result = import_production_settings(
        SECRET_KEY=STRONG_KEY, ORDERS_WEBHOOK_ALLOWED_NETWORKS="10.8.0.0/16,127.0.0.1/32"
    )

    assert refusal(result) == (
        "django.core.exceptions.ImproperlyConfigured: ORDERS_WEBHOOK_ALLOWED_NETWORKS names "
        "loopback, which only the demo's receiver may use."
    )


def test_production_lets_webhooks_reach_a_named_lan():
    result = import_production_settings(
        SECRET_KEY=STRONG_KEY, ORDERS_WEBHOOK_ALLOWED_NETWORKS="10.8.0.0/16"
    )

    assert result.returncode == 0, result.stderr
