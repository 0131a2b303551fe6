"""The broker's view of the platform: device passwords (Mosquitto's format) and the ACL.

Mosquitto reads a password file and an ACL file; the platform writes both from the device
registry (atomically, then SIGHUP to reload). Only password hashes are stored, in Mosquitto's
own `$7$` PBKDF2-SHA512 format, so the files can be rewritten at any time. The registry's
services queue `broker_files_refresh` after a change; it lives here, next to what it runs.
"""

import base64
import hashlib
import os
import secrets
import signal
from pathlib import Path

from celery import shared_task
from django.conf import settings

from devices import conf
from devices.models import Device
from devices.mqtt import BrokerAddress

ITERATIONS = 101  # what mosquitto_passwd 2.0 uses
CHANNELS_WRITE = ("telemetry", "events", "status")


def mosquitto_password_hash(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, ITERATIONS, 64)
    return f"$7${ITERATIONS}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def mosquitto_password_check(password: str, hashed: str) -> bool:
    try:
        _empty, _seven, iterations, salt, digest = hashed.split("$")
        computed = hashlib.pbkdf2_hmac(
            "sha512", password.encode(), base64.b64decode(salt), int(iterations), 64
        )
    except ValueError:
        return False
    return secrets.compare_digest(base64.b64encode(computed).decode(), digest)


def service_account() -> tuple[str, str] | None:
    """The ingest's own username and password, taken from MQTT_URL."""
    url = getattr(settings, "MQTT_URL", "")
    if not url:
        return None
    address = BrokerAddress.from_url(url)
    return (address.username, address.password) if address.username else None


def device_topic_root(factory_code: str, device_code: str) -> str:
    return f"factories/{factory_code}/devices/{device_code}"


def acl_text(devices, ingest_username: str | None) -> str:
    lines = ["# Written by Seamline (devices.broker); edits are overwritten.", ""]
    if ingest_username:
        lines += [
            f"user {ingest_username}",
            "topic read factories/+/devices/+/+",
            "topic write factories/+/devices/+/commands",
            "",
        ]
    for username, factory_code, device_code in devices:
        root = device_topic_root(factory_code, device_code)
        lines.append(f"user {username}")
        lines += [f"topic write {root}/{channel}" for channel in CHANNELS_WRITE]
        lines += [f"topic read {root}/commands", ""]
    return "\n".join(lines) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text)
    # Readable by the broker's own user (another container in docker-compose); it holds
    # only PBKDF2 hashes.
    os.chmod(temporary, 0o644)
    temporary.replace(path)


def broker_files_write(
    directory: str | Path | None = None, *, extra_users=(), service=None
) -> tuple[Path, Path]:
    """Write `passwd` and `acl` for every active MQTT device with credentials.

    `extra_users` adds (username, password, acl lines) for tools such as the benchmark;
    `service` = (username, password) overrides the ingest account taken from MQTT_URL.
    """
    directory = Path(directory or conf.get("MOSQUITTO_DIR"))
    rows = (
        Device.objects.filter(is_active=True, protocol="mqtt")
        .exclude(mqtt_password_hash="")
        .order_by("mqtt_username")
        .values_list("mqtt_username", "mqtt_password_hash", "factory__organization__code", "code")
    )
    passwords = [f"{username}:{hashed}" for username, hashed, _f, _d in rows]
    account = service or service_account()
    if account:
        passwords.insert(0, f"{account[0]}:{mosquitto_password_hash(account[1])}")
    extra_acl = []
    for username, password, acl_lines in extra_users:
        passwords.append(f"{username}:{mosquitto_password_hash(password)}")
        extra_acl += [f"user {username}", *acl_lines, ""]
    acl = acl_text([(u, f, d) for u, _h, f, d in rows], account[0] if account else None)
    if extra_acl:
        acl += "\n".join(extra_acl) + "\n"
    passwd_path, acl_path = directory / "passwd", directory / "acl"
    _write_atomically(passwd_path, "\n".join(passwords) + "\n")
    _write_atomically(acl_path, acl)
    return passwd_path, acl_path


def broker_reload(pid: int | None = None) -> bool:
    """Ask Mosquitto to re-read its password file and ACL (SIGHUP), if we know its pid."""
    if pid is None:
        pid_file = conf.get("MOSQUITTO_PID_FILE")
        if not pid_file or not Path(pid_file).exists():
            return False
        pid = int(Path(pid_file).read_text().strip() or 0)
    if not pid:
        return False
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        return False
    return True


# Registered under the name it had in devices.tasks, so queued messages still run.
@shared_task(name="devices.tasks.broker_files_refresh", **conf.TASK_OPTIONS, rls="platform")
def broker_files_refresh() -> bool:
    """Rewrite Mosquitto's password file and ACL from the registry, then reload it."""
    broker_files_write()
    return broker_reload()
