"""An independent publisher process for the ingest tests (no Django, only paho).

    python tests/devices/stream_publisher.py SPEC.json

SPEC: {"port": 1883, "devices": [[factory, device, username, password], ...],
       "per_device": 1000, "interval": 0.002, "first": 1}   a stream of sequenced samples
  or  {"port": 1883, "devices": [...], "messages": [[device index, channel, payload b64], ...]}
Prints one JSON line: {"acked": N} — how many QoS-1 publishes the broker acknowledged.
"""

import base64
import json
import sys
import threading
import time

import paho.mqtt.client as mqtt


class Device:
    def __init__(self, port: int, factory: str, code: str, username: str, password: str):
        self.prefix = f"factories/{factory}/devices/{code}/"
        self.acked = 0
        self.lock = threading.Lock()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=username, protocol=mqtt.MQTTv311
        )
        self.client.username_pw_set(username, password)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.client.on_publish = self._on_publish
        self.connected = threading.Event()
        self.client.on_connect = lambda *args: self.connected.set()
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        if not self.connected.wait(10):
            raise SystemExit(f"{username} could not connect")
        self.published = 0

    def _on_publish(self, client, userdata, mid, reason_code, properties):
        with self.lock:
            self.acked += 1

    def publish(self, channel: str, payload: bytes) -> None:
        self.client.publish(self.prefix + channel, payload, qos=1)
        self.published += 1

    def wait(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.acked < self.published and time.monotonic() < deadline:
            time.sleep(0.02)
        self.client.disconnect()
        self.client.loop_stop()


def main(spec: dict) -> int:
    devices = [Device(spec["port"], *login) for login in spec["devices"]]
    if "messages" in spec:
        for index, channel, payload in spec["messages"]:
            devices[index].publish(channel, base64.b64decode(payload))
    else:
        ts = int(time.time() * 1000)
        first = spec.get("first", 1)
        for n in range(first, first + spec["per_device"]):
            for device in devices:
                body = {"seq": n, "ts": ts + n, "type": "sewing.sample", "run_s": 1}
                device.publish("telemetry", json.dumps(body).encode())
            time.sleep(spec.get("interval", 0))
    for device in devices:
        device.wait()
    return sum(device.acked for device in devices)


if __name__ == "__main__":
    with open(sys.argv[1]) as spec_file:
        print(json.dumps({"acked": main(json.load(spec_file))}), flush=True)
