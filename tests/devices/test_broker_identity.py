"""Device identity on a real Mosquitto with the dynamic-security plugin: the platform manages
clients and roles over $CONTROL/dynamic-security/v1 (no file written, no signal), client ids
are bound to usernames, refused publishes are visible."""

import io
import threading

import paho.mqtt.client as mqtt
import pytest
from django.core.management import call_command

from core.errors import DomainError
from devices.broker import broker_sync, mosquitto_password_check
from devices.ingest import topic_for
from devices.models import Alarm, Device
from devices.services import device_credentials_issue, device_retire
from simulation.local_broker import LocalBroker, free_port
from tests.devices.mqtt_support import INGEST_PASSWORD, INGEST_USER, wait_until
from tests.factories import DeviceFactory, FactoryFactory, OrganizationFactory

pytestmark = [pytest.mark.mqtt, pytest.mark.django_db]

INGEST_CLIENT_ID = "seamline-ingest-host-1"


class Session:
    """One MQTT connection; remembers its CONNACK, PUBACKs and what it received."""

    def __init__(self, port, username, password, client_id, *, protocol=mqtt.MQTTv311, clean=True):
        self.connack = None
        self.session_present = None
        self.pubacks: dict[int, int] = {}
        self.received: list[tuple[str, bytes]] = []
        self._connected = threading.Event()
        self._subscribed = threading.Event()
        options = {"protocol": protocol}
        if protocol == mqtt.MQTTv311:
            options["clean_session"] = clean
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, **options)
        self.client.username_pw_set(username, password)
        self.client.reconnect_delay_set(30, 60)  # a refused login is not retried during a test
        self.client.on_connect = self._on_connect
        self.client.on_publish = self._on_publish
        self.client.on_message = lambda c, u, m: self.received.append((m.topic, m.payload))
        self.client.on_subscribe = lambda *args: self._subscribed.set()
        connect = {"clean_start": clean} if protocol == mqtt.MQTTv5 else {}
        self.client.connect("127.0.0.1", port, **connect)
        self.client.loop_start()
        self._connected.wait(10)

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        self.connack = reason_code.value
        self.session_present = flags.session_present
        self._connected.set()

    def _on_publish(self, client, userdata, mid, reason_code, properties):
        self.pubacks[mid] = reason_code.value

    def publish(self, topic: str, payload: bytes = b'{"seq": 1}') -> int:
        """Publish at QoS 1 and return the PUBACK's reason code (0 under MQTT 3.1.1)."""
        info = self.client.publish(topic, payload, qos=1)
        info.wait_for_publish(10)
        assert wait_until(lambda: info.mid in self.pubacks, timeout=10)
        return self.pubacks[info.mid]

    def subscribe(self, topic: str) -> None:
        self._subscribed.clear()
        self.client.subscribe(topic, qos=1)
        assert self._subscribed.wait(10)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def broker(tmp_path, settings):
    """A private broker with the dynamic-security plugin (its own admin client), the ingest's
    account made by the platform, and two factories."""
    port = free_port()
    local = LocalBroker(tmp_path / "broker", port, log_types=("debug",)).start()
    settings.MQTT_URL = f"mqtt://{INGEST_USER}:{INGEST_PASSWORD}@127.0.0.1:{port}"
    settings.DEVICES = {"BROKER_ADMIN_URL": local.admin_url, "SHARE_GROUP": "seamline-ingest"}
    broker_sync()
    local.plant = FactoryFactory(organization=OrganizationFactory(code="plant"))
    local.other = FactoryFactory(organization=OrganizationFactory(code="other"))
    local.sessions = []
    yield local
    for session in local.sessions:
        session.close()
    local.stop()


def connect(broker, username, password, client_id, **options) -> Session:
    session = Session(broker.port, username, password, client_id, **options)
    broker.sessions.append(session)
    return session


def device_with_credentials(factory, code="sm-1", **fields) -> tuple[Device, str]:
    device = DeviceFactory(factory=factory, code=code, **fields)
    password = device_credentials_issue(device=device)
    device.refresh_from_db()
    return device, password


def test_a_device_cannot_take_over_the_ingests_session(broker):
    # given the ingest's persistent session, offline, with a device's message queued for it
    ingest = connect(broker, INGEST_USER, INGEST_PASSWORD, INGEST_CLIENT_ID, clean=False)
    ingest.subscribe("$share/seamline-ingest/factories/+/devices/+/+")
    ingest.close()
    device, password = device_with_credentials(broker.plant)
    sender = connect(broker, device.mqtt_username, password, device.mqtt_username)
    assert sender.publish(topic_for("plant", "sm-1", "telemetry")) == 0
    sender.close()
    # when the device logs in with valid credentials under the ingest's client id
    intruder = connect(broker, device.mqtt_username, password, INGEST_CLIENT_ID, clean=True)
    # then it is refused (not authorised), and the ingest's session still holds the message
    assert intruder.connack == 135
    ingest = connect(broker, INGEST_USER, INGEST_PASSWORD, INGEST_CLIENT_ID, clean=False)
    assert ingest.session_present is True
    assert wait_until(lambda: ingest.received, timeout=10)
    assert ingest.received == [(topic_for("plant", "sm-1", "telemetry"), b'{"seq": 1}')]


def test_a_device_can_only_use_its_own_client_id(broker):
    device, password = device_with_credentials(broker.plant)
    other, _password = device_with_credentials(broker.plant, code="sm-2")
    assert connect(broker, device.mqtt_username, password, other.mqtt_username).connack == 135
    assert connect(broker, device.mqtt_username, password, device.mqtt_username).connack == 0


def test_a_device_publishes_to_its_own_topic_and_the_ingest_receives_it(broker):
    ingest = connect(broker, INGEST_USER, INGEST_PASSWORD, INGEST_CLIENT_ID)
    ingest.subscribe("$share/seamline-ingest/factories/+/devices/+/+")
    device, password = device_with_credentials(broker.plant)
    sender = connect(broker, device.mqtt_username, password, device.mqtt_username)
    assert sender.publish(topic_for("plant", "sm-1", "telemetry")) == 0
    assert wait_until(lambda: ingest.received, timeout=10)
    assert ingest.received == [(topic_for("plant", "sm-1", "telemetry"), b'{"seq": 1}')]


def test_an_mqtt5_device_is_told_not_authorised_for_another_factorys_topic(broker):
    # given the ingest listening to every device topic
    ingest = connect(broker, INGEST_USER, INGEST_PASSWORD, INGEST_CLIENT_ID)
    ingest.subscribe("factories/+/devices/+/+")
    device, password = device_with_credentials(broker.plant)
    sender = connect(
        broker, device.mqtt_username, password, device.mqtt_username, protocol=mqtt.MQTTv5
    )
    # when it publishes to another factory's device topic, then to its own (a sentinel)
    refused = sender.publish(topic_for("other", "sm-1", "telemetry"))
    accepted = sender.publish(topic_for("plant", "sm-1", "status"))
    # then the broker answers 0x87 (not authorised) and delivers only the sentinel
    assert (refused, accepted) == (0x87, 0)
    assert wait_until(lambda: ingest.received, timeout=10)
    assert [topic for topic, _payload in ingest.received] == [topic_for("plant", "sm-1", "status")]


def test_rotating_credentials_locks_the_old_password_out(broker):
    device, old_password = device_with_credentials(broker.plant)
    new_password = device_credentials_issue(device=device)
    assert connect(broker, device.mqtt_username, old_password, device.mqtt_username).connack == 135
    assert connect(broker, device.mqtt_username, new_password, device.mqtt_username).connack == 0


def test_retiring_a_device_locks_it_out(broker, django_capture_on_commit_callbacks):
    device, password = device_with_credentials(broker.plant)
    with django_capture_on_commit_callbacks(execute=True):
        device_retire(device=device)
    assert connect(broker, device.mqtt_username, password, device.mqtt_username).connack == 135


def test_credentials_are_not_changed_when_the_broker_cannot_be_told(broker, settings):
    # given a device with working credentials
    device, password = device_with_credentials(broker.plant)
    issued_at = device.credentials_issued_at
    # when the broker is down while new ones are issued
    broker.stop()
    with pytest.raises(DomainError) as refused:
        device_credentials_issue(device=device)
    # then the request fails and the device keeps its password, on the platform and the broker
    assert refused.value.code == "broker_unavailable"
    device.refresh_from_db()
    assert device.credentials_issued_at == issued_at
    assert mosquitto_password_check(password, device.mqtt_password_hash)
    broker.start()
    assert connect(broker, device.mqtt_username, password, device.mqtt_username).connack == 0


def test_simulate_issues_credentials_only_to_simulated_devices(broker):
    # given a real device and a device the simulator made, both with credentials
    real, real_password = device_with_credentials(broker.plant, code="real-1")
    device_with_credentials(broker.plant, code="sim-1", simulated=True)
    real_hash, real_issued = real.mqtt_password_hash, real.credentials_issued_at
    # when the simulator runs over MQTT
    call_command("simulate", factory="plant", seconds=1, url=broker.url("x", "y"), no_modbus=True)
    # then the real device's credentials are untouched, here and on the broker
    real.refresh_from_db()
    assert (real.mqtt_password_hash, real.credentials_issued_at) == (real_hash, real_issued)
    assert connect(broker, real.mqtt_username, real_password, real.mqtt_username).connack == 0
    simulated = Device.objects.get(code="sim-1")
    assert simulated.credentials_issued_at > real_issued


def test_a_refused_mqtt311_publish_becomes_an_alarm_on_the_device(broker):
    # given an MQTT 3.1.1 device, to which the broker acknowledges even a refused publish
    device, password = device_with_credentials(broker.plant)
    sender = connect(broker, device.mqtt_username, password, device.mqtt_username)
    assert sender.publish(topic_for("other", "sm-1", "telemetry")) == 0
    assert sender.publish(topic_for("plant", "sm-1", "telemetry")) == 0  # allowed: no alarm
    assert wait_until(lambda: "Denied PUBLISH" in broker.log_file.read_text(), timeout=10)
    # when the platform reads the broker's log
    call_command("broker_refusals", str(broker.log_file))
    # then the device has one open alarm naming the refused topic
    alarm = Alarm.objects.get(device=device)
    assert (alarm.kind, alarm.state, alarm.value) == ("publish_refused", "open", 1)
    assert (
        alarm.message == "The broker refused 1 publish, to factories/other/devices/sm-1/telemetry"
    )


def test_mqtt_auth_disables_a_retired_device_the_broker_was_not_told_about(broker):
    # given a retired device whose lock-out never reached the broker (its task was lost:
    # on-commit callbacks do not run in this test's transaction)
    device, password = device_with_credentials(broker.plant)
    device_retire(device=device)
    assert connect(broker, device.mqtt_username, password, device.mqtt_username).connack == 0
    # when the registry and the broker are synced
    call_command("mqtt_auth", stdout=io.StringIO())
    # then the device is locked out
    assert connect(broker, device.mqtt_username, password, device.mqtt_username).connack == 135


def test_mqtt_auth_lists_devices_the_broker_does_not_know(broker, settings):
    # given a device whose credentials were issued while no broker was configured
    settings.DEVICES = {**settings.DEVICES, "BROKER_ADMIN_URL": ""}
    device, _password = device_with_credentials(broker.plant)
    settings.DEVICES = {**settings.DEVICES, "BROKER_ADMIN_URL": broker.admin_url}
    # when the registry and the broker are synced
    out = io.StringIO()
    call_command("mqtt_auth", stdout=out)
    # then it is listed as needing new credentials
    assert out.getvalue().splitlines() == [
        "ingest account: seamline-ingest; 0 devices in line, 0 disabled",
        "plant.sm-1: unknown to the broker, issue new credentials",
    ]
