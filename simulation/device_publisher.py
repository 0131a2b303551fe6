"""A device-side publisher for tests, benchmarks and the simulator: sequenced QoS-1 messages
with each device's own credentials, reporting only what the broker acknowledged (PUBACK).

(`mosquitto_pub -l` exits without waiting for acknowledgements; this never does.)
"""

import threading
import time as clock
from dataclasses import dataclass

import orjson
import paho.mqtt.client as mqtt

from devices.ingest import topic_for


@dataclass(frozen=True)
class DeviceLogin:
    factory_code: str
    device_code: str
    username: str
    password: str


def sample(sequence: int, ts_ms: int, **extra) -> dict:
    return {"seq": sequence, "ts": ts_ms, "type": "sewing.sample", "run_s": 1, **extra}


class DevicePublisher:
    """One device's MQTT connection; publishes and counts acknowledgements."""

    def __init__(self, host: str, port: int, login: DeviceLogin, *, inflight: int = 1000):
        self.login = login
        self.acked = 0
        self.published = 0
        self.refused = False
        self._done = threading.Condition()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            # The broker binds each device's client id to its username (dynamic security).
            client_id=login.username,
            clean_session=False,
            protocol=mqtt.MQTTv311,
        )
        self.client.username_pw_set(login.username, login.password)
        self.client.max_inflight_messages_set(inflight)
        self.client.reconnect_delay_set(0.1, 1)
        self.client.on_publish = self._on_publish
        self.client.on_connect = self._on_connect
        self.connected = threading.Event()
        self.host, self.port = host, port

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            self.refused = True
        self.connected.set()

    def _on_publish(self, client, userdata, mid, reason_code, properties):
        with self._done:
            self.acked += 1
            self._done.notify_all()

    def start(self) -> "DevicePublisher":
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        self.connected.wait(10)
        return self

    def publish(self, channel: str, body: dict | bytes, *, topic: str | None = None) -> None:
        payload = body if isinstance(body, bytes) else orjson.dumps(body)
        topic = topic or topic_for(self.login.factory_code, self.login.device_code, channel)
        self.client.publish(topic, payload, qos=1)
        self.published += 1

    def wait_acked(self, timeout: float = 120) -> bool:
        deadline = clock.monotonic() + timeout
        with self._done:
            while self.acked < self.published:
                remaining = deadline - clock.monotonic()
                if remaining <= 0:
                    return False
                self._done.wait(min(remaining, 0.5))
        return True

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def publish_samples(
    host: str,
    port: int,
    logins: list[DeviceLogin],
    per_device: int,
    *,
    records_per_message: int = 1,
    first_sequence: int = 1,
    pause_every: int = 0,
    interval: float = 0.0,
    on_progress=None,
) -> int:
    """Publish `per_device` sequenced messages from every device, round-robin; return how many
    the broker acknowledged."""
    publishers = [DevicePublisher(host, port, login).start() for login in logins]
    ts = int(clock.time() * 1000)
    sequence = first_sequence
    try:
        for index in range(per_device):
            for publisher in publishers:
                if records_per_message == 1:
                    body = sample(sequence, ts + index)
                else:
                    body = {
                        "records": [
                            sample(sequence * records_per_message + n, ts + index)
                            for n in range(records_per_message)
                        ]
                    }
                publisher.publish("telemetry", body)
            sequence += 1
            if interval:
                clock.sleep(interval)
            if on_progress is not None:
                on_progress(index + 1)
            if pause_every and (index + 1) % pause_every == 0:
                for publisher in publishers:
                    publisher.wait_acked()
        for publisher in publishers:
            publisher.wait_acked()
        return sum(publisher.acked for publisher in publishers)
    finally:
        for publisher in publishers:
            publisher.stop()
