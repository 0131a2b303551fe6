"""The broker's view of the platform, kept in Mosquitto's dynamic-security plugin.

Mosquitto holds every identity and ACL itself (`plugin_opt_config_file`, written by the plugin
only); the platform manages them over MQTT, on `$CONTROL/dynamic-security/v1`, as the broker's
admin client. No app process writes a broker file or signals the broker, so the broker and the
platform may live on different hosts.

- A device is a dynsec client: username `<factory>.<device>`, the password issued by the
  platform, its client id bound to its username (it cannot connect under any other client id,
  so it can never take over the ingest's session or another device's), and one role of its own
  that lets it publish only to its own topics and subscribe only to its own commands.
- The ingest is the client of `MQTT_URL` (`service_account()`) with the role `seamline-ingest`:
  it reads every device's topics (shared subscription or plain) and writes commands. Its client
  ids are free (one per process), but no device can use them: devices are bound to their own.
- The admin client (`DEVICES_BROKER_ADMIN_URL`) is made once with `mosquitto_ctrl dynsec init`
  (docs/operations.md).

Passwords go to the broker once, when they are issued (the broker hashes them); only a hash is
kept on the Device, to show that credentials exist.
"""

import base64
import hashlib
import logging
import re
import secrets
import threading
import uuid
from collections import Counter
from collections.abc import Iterable

import orjson
import paho.mqtt.client as mqtt
from celery import shared_task
from django.conf import settings

from devices import conf
from devices.models import Device
from devices.mqtt import BrokerAddress

logger = logging.getLogger(__name__)

CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"
RESPONSE_TOPIC = f"{CONTROL_TOPIC}/response"
ITERATIONS = 101  # what mosquitto_passwd 2.0 and the dynsec plugin use
CHANNELS_WRITE = ("telemetry", "events", "status")
INGEST_ROLE = "seamline-ingest"
DEVICE_TOPICS = "factories/+/devices/+/+"
# The plugin's error texts we expect (Mosquitto 2.0).
NOT_FOUND = "Client not found"
ROLE_EXISTS = "Role already exists"
ACL_EXISTS = "ACL with this topic already exists"


class BrokerError(RuntimeError):
    """The broker refused a dynamic-security command, or could not be reached."""


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
    """The ingest's own username and password, taken from MQTT_URL. This is the identity the
    ingest connects with, under any client id it likes; `broker_sync` gives it the ingest
    role."""
    url = getattr(settings, "MQTT_URL", "")
    if not url:
        return None
    address = BrokerAddress.from_url(url)
    return (address.username, address.password) if address.username else None


def device_topic_root(factory_code: str, device_code: str) -> str:
    return f"factories/{factory_code}/devices/{device_code}"


def device_role_name(username: str) -> str:
    return f"device:{username}"


def _acl(acltype: str, topic: str, allow: bool = True) -> dict:
    return {"acltype": acltype, "topic": topic, "allow": allow}


def device_acls(factory_code: str, device_code: str) -> list[dict]:
    """Publish to its own channels, read its own commands; everything else is the plugin's
    default (publish and subscribe denied)."""
    root = device_topic_root(factory_code, device_code)
    return [
        *(_acl("publishClientSend", f"{root}/{channel}") for channel in CHANNELS_WRITE),
        _acl("subscribeLiteral", f"{root}/commands"),
        _acl("publishClientReceive", f"{root}/commands"),
    ]


def ingest_acls(share_group: str | None = None) -> list[dict]:
    """Read every device topic (in the shared group, or plainly), write commands."""
    group = conf.get("SHARE_GROUP") if share_group is None else share_group
    acls = [
        _acl("subscribePattern", DEVICE_TOPICS),
        _acl("publishClientReceive", DEVICE_TOPICS),
        _acl("publishClientSend", "factories/+/devices/+/commands"),
    ]
    if group:
        acls.insert(0, _acl("subscribePattern", f"$share/{group}/{DEVICE_TOPICS}"))
    return acls


class DynamicSecurity:
    """A small admin client of the dynamic-security plugin (paho-mqtt 2, MQTT 5).

    `run(*commands)` publishes one batch to `$CONTROL/dynamic-security/v1`, waits for the
    answer to every command (matched by its correlationData) and raises BrokerError on the
    first error, unless the error text is in `tolerate`.
    """

    def __init__(self, url: str, *, timeout: float = 10.0):
        self.address = BrokerAddress.from_url(url)
        self.timeout = timeout
        self._answers: dict[str, dict] = {}
        self._arrived = threading.Condition()
        self._connected = threading.Event()
        self._connect_failure = None
        self._subscribed = threading.Event()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=f"seamline-dynsec-{uuid.uuid4().hex[:12]}",
            protocol=mqtt.MQTTv5,
        )
        self.client.username_pw_set(self.address.username, self.address.password)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *args: self._subscribed.set()

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            self._connect_failure = reason_code
        self._connected.set()

    def _on_message(self, client, userdata, message):
        try:
            answers = orjson.loads(message.payload).get("responses", [])
        except (orjson.JSONDecodeError, AttributeError):
            return
        with self._arrived:
            for answer in answers:
                if isinstance(answer, dict) and answer.get("correlationData"):
                    self._answers[answer["correlationData"]] = answer
            self._arrived.notify_all()

    def open(self) -> "DynamicSecurity":
        try:
            self.client.connect(self.address.host, self.address.port, keepalive=30)
        except OSError as error:
            raise BrokerError(f"broker unreachable: {error}") from error
        self.client.loop_start()
        if not self._connected.wait(self.timeout) or self._connect_failure is not None:
            self.close()
            raise BrokerError(f"admin login refused: {self._connect_failure or 'timeout'}")
        self.client.subscribe(RESPONSE_TOPIC, qos=1)
        if not self._subscribed.wait(self.timeout):
            self.close()
            raise BrokerError("no answer to the subscription to the dynsec responses")
        return self

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def __enter__(self) -> "DynamicSecurity":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def run(self, *commands: dict, tolerate: Iterable[str] = ()) -> list[dict]:
        tolerated = set(tolerate)
        batch = [{**command, "correlationData": uuid.uuid4().hex} for command in commands]
        keys = [command["correlationData"] for command in batch]
        self.client.publish(CONTROL_TOPIC, orjson.dumps({"commands": batch}), qos=1)
        with self._arrived:
            if not self._arrived.wait_for(
                lambda: all(key in self._answers for key in keys), self.timeout
            ):
                raise BrokerError(f"no answer from the dynsec plugin to {batch[0]['command']}")
            answers = [self._answers.pop(key) for key in keys]
        for command, answer in zip(batch, answers, strict=True):
            error = answer.get("error")
            if error and error not in tolerated:
                raise BrokerError(f"{command['command']}: {error}")
        return answers

    # --- what the platform does with it --------------------------------------------------
    def client_get(self, username: str) -> dict | None:
        (answer,) = self.run({"command": "getClient", "username": username}, tolerate={NOT_FOUND})
        return None if answer.get("error") else answer.get("data", {}).get("client", {})

    def role_ensure(self, rolename: str, acls: list[dict]) -> None:
        """The role exists and holds `acls`. Added to, never emptied first: a connected device
        keeps its rights throughout (a refused publish under MQTT 3.1.1 is silently lost)."""
        self.run({"command": "createRole", "rolename": rolename}, tolerate={ROLE_EXISTS})
        self.run(
            *({"command": "addRoleACL", "rolename": rolename, **acl} for acl in acls),
            tolerate={ACL_EXISTS},
        )

    def client_put(
        self, username: str, password: str | None, rolename: str, clientid: str | None
    ) -> None:
        """Create or update a client: its password (if given), its client-id binding (none if
        `clientid` is None), its role, enabled."""
        existing = self.client_get(username)
        if existing is None:
            command = {"command": "createClient", "username": username}
            command |= {"roles": [{"rolename": rolename}]}
            if password is not None:
                command["password"] = password
            if clientid:
                command["clientid"] = clientid
            self.run(command)
            return
        commands = [{"command": "setClientId", "username": username, "clientid": clientid or ""}]
        if password is not None:
            commands.append(
                {"command": "setClientPassword", "username": username, "password": password}
            )
        # Mosquitto 2.0 answers "Internal error" to a role the client already has.
        if rolename not in {role.get("rolename") for role in existing.get("roles", [])}:
            commands.append(
                {"command": "addClientRole", "username": username, "rolename": rolename}
            )
        commands.append({"command": "enableClient", "username": username})
        self.run(*commands)

    def client_disable(self, username: str) -> bool:
        """Lock a client out (the plugin also disconnects it); False if it does not exist."""
        (answer,) = self.run(
            {"command": "disableClient", "username": username}, tolerate={NOT_FOUND}
        )
        return not answer.get("error")


def admin_url() -> str:
    return conf.get("BROKER_ADMIN_URL")


def broker_admin() -> DynamicSecurity | None:
    """The admin client (opened by `with`), or None when no broker is configured (the
    embedded demo)."""
    url = admin_url()
    if not url:
        if getattr(settings, "MQTT_URL", ""):
            logger.warning(
                "MQTT_URL is set but DEVICES_BROKER_ADMIN_URL is not: "
                "the broker does not learn about credential changes"
            )
        return None
    return DynamicSecurity(url)


def device_put(admin: DynamicSecurity, device: Device, password: str | None) -> None:
    """The device's own role, and its client bound to its username (password if given)."""
    username = device.mqtt_username
    role = device_role_name(username)
    admin.role_ensure(role, device_acls(device.factory.code, device.code))
    admin.client_put(username, password, role, clientid=username)


def device_credentials_push(device: Device, password: str) -> bool:
    """Give the broker a device's new password (its client, client-id binding and role made
    or renewed). False when there is no broker to tell."""
    admin = broker_admin()
    if admin is None:
        return False
    with admin:
        device_put(admin, device, password)
    return True


@shared_task(
    name="devices.tasks.broker_client_disable",
    **{**conf.TASK_OPTIONS, "autoretry_for": (*conf.TASK_OPTIONS["autoretry_for"], BrokerError)},
    rls="platform",
)
def broker_client_disable(username: str) -> bool:
    """Lock a retired device out of the broker (queued after the retirement commits)."""
    if not username:
        return False
    admin = broker_admin()
    if admin is None:
        return False
    with admin:
        return admin.client_disable(username)


def broker_sync() -> dict:
    """Bring the broker in line with the registry: the ingest's account and role, each active
    MQTT device's role and client-id binding, retired devices disabled. Passwords are not
    known here (only hashes are kept): a device whose client the broker has lost (a new
    dynsec file) is reported in `missing` and needs new credentials."""
    report = {"ingest": None, "devices": 0, "disabled": 0, "missing": []}
    admin = broker_admin()
    if admin is None:
        return report
    with admin:
        account = service_account()
        if account:
            admin.role_ensure(INGEST_ROLE, ingest_acls())
            admin.client_put(account[0], account[1], INGEST_ROLE, clientid=None)
            report["ingest"] = account[0]
        rows = (
            Device.objects.filter(protocol="mqtt")
            .exclude(mqtt_username="")
            .select_related("factory__organization")
            .order_by("mqtt_username")
        )
        for device in rows:
            if not (device.is_active and device.mqtt_password_hash):
                report["disabled"] += admin.client_disable(device.mqtt_username)
            elif admin.client_get(device.mqtt_username) is not None:
                device_put(admin, device, None)
                report["devices"] += 1
            else:
                report["missing"].append(device.mqtt_username)
    return report


# --- refused publishes (MQTT 3.1.1 devices) -------------------------------------------------
# Mosquitto logs a refused publish at the `debug` log type only:
#   1796068745: Denied PUBLISH from plant.sm-1 (d0, q1, r0, m2, 'factories/x/devices/y/z', ...
# The client id is the device's username (bound by dynsec), so the line names the device.
DENIED = re.compile(r"Denied PUBLISH from (?P<client>\S+) \(d\d, q\d, r\d, m\d+, '(?P<topic>.*)',")


def refused_publishes(lines: Iterable[str]) -> Counter:
    """(client id, topic) → how many times the broker refused it, from broker log lines."""
    found: Counter = Counter()
    for line in lines:
        match = DENIED.search(line)
        if match:
            found[(match["client"], match["topic"])] += 1
    return found
