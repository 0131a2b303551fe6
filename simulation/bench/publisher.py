"""The benchmarks' device publisher: an independent process, with a client (gmqtt, asyncio)
that shares nothing with the ingest's paho-mqtt.

Run as a script (not with `-m`: the package simulation.bench loads Django), never imported by
the process it measures; it needs neither Django nor the project's modules:

    python simulation/bench/publisher.py --logins FILE (--count N | --rate R [--seconds S])

FILE is JSON: one object per device, `{"username", "password", "topic"}` (the parent issues
the credentials and names the topic with devices.ingest.topic_for). Each device connects with
its own credentials (client id = username, MQTT 3.1.1), publishes QoS 1 and keeps at most
`--window` messages awaiting their PUBACK. Payloads are docs/devices.md's `sewing.sample`,
`ts` = time.time() at publish (epoch seconds), `seq` from `--first-sequence` per device; with
`--records R` each message is the batched gateway form of R records.

Once every device is connected it prints `connected <devices>`, then publishes. Modes:
`--count N` publishes N messages as fast as the acknowledgements allow (the devices take
turns); `--rate R` holds R messages/s over the whole publisher (a token bucket) for
`--seconds S`, or until SIGTERM/SIGINT when S is 0. Either way it then waits for every PUBACK
and prints one JSON line: published, acked, seconds (first publish to last PUBACK),
achieved_rate (published / publishing seconds), cpu_seconds, first_publish_at and last_ack_at
(wall clock), peak_rss_mb.
"""

import argparse
import asyncio
import contextlib
import json
import resource
import signal
import sys
import time as clock

import orjson
from gmqtt import Client
from gmqtt.mqtt.constants import MQTTv311
from gmqtt.storage import PersistentStorage

READY = "connected"  # the line printed once every device is connected
TICK_SECONDS = 0.005
BUCKET_SECONDS = 0.05  # at most this much of the rate may be sent at once after a stall


class Acknowledgements(PersistentStorage):
    """gmqtt's store of unacknowledged publishes, counting PUBACKs and freeing window slots."""

    def __init__(self, window: int):
        super().__init__()
        self.window = asyncio.Semaphore(window)
        self.acked = 0
        self.last_ack_at = 0.0

    def remove_message_by_mid(self, mid):
        if mid in self._messages:
            self.acked += 1
            self.last_ack_at = clock.time()
            self.window.release()
        super().remove_message_by_mid(mid)

    def clear(self):  # the broker lost the session: those publishes will never be acknowledged
        for _ in range(len(self._messages)):
            self.window.release()
        super().clear()


class Device:
    def __init__(self, login: dict, window: int, records: int, first_sequence: int):
        self.topic = login["topic"]
        self.acks = Acknowledgements(window)
        self.client = Client(login["username"], clean_session=True, persistent_storage=self.acks)
        self.client.set_auth_credentials(login["username"], login["password"])
        self.records = records
        self.sequence = first_sequence
        self.published = 0

    async def connect(self, host: str, port: int) -> None:
        await self.client.connect(host, port, keepalive=60, version=MQTTv311)

    def _payload(self) -> bytes:
        ts = clock.time()
        if self.records == 1:
            body = {"seq": self.sequence, "ts": ts, "type": "sewing.sample", "run_s": 1}
        else:
            first = self.sequence * self.records
            body = {
                "records": [
                    {"seq": first + n, "ts": ts, "type": "sewing.sample", "run_s": 1}
                    for n in range(self.records)
                ]
            }
        self.sequence += 1
        return orjson.dumps(body)

    async def publish(self) -> None:
        await self.acks.window.acquire()
        self.client.publish(self.topic, self._payload(), qos=1)
        self.published += 1


async def _burst(devices: list[Device], count: int) -> None:
    async def one(device: Device, quota: int):
        for _ in range(quota):
            await device.publish()

    share, extra = divmod(count, len(devices))
    await asyncio.gather(*(one(d, share + (i < extra)) for i, d in enumerate(devices)))


async def _paced(devices: list[Device], rate: float, seconds: float, stop: asyncio.Event):
    """A token bucket over the whole publisher, refilled at `rate` per second."""
    capacity = max(1.0, rate * BUCKET_SECONDS)
    tokens, turn = 0.0, 0
    begin = last = clock.monotonic()
    while not stop.is_set() and (not seconds or last - begin < seconds):
        await asyncio.sleep(TICK_SECONDS)
        now = clock.monotonic()
        tokens = min(capacity, tokens + rate * (now - last))
        last = now
        while tokens >= 1:
            await devices[turn % len(devices)].publish()
            turn += 1
            tokens -= 1


async def run(options) -> dict:
    with open(options.logins) as file:
        logins = json.load(file)
    devices = [
        Device(login, options.window, options.records, options.first_sequence) for login in logins
    ]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await asyncio.gather(*(device.connect(options.host, options.port) for device in devices))
    sys.stdout.write(f"{READY} {len(devices)}\n")  # the parent may start measuring now
    sys.stdout.flush()
    cpu_before = clock.process_time()
    first_publish_at = clock.time()
    begin = clock.monotonic()
    if options.count:
        await _burst(devices, options.count)
    else:
        await _paced(devices, options.rate, options.seconds, stop)
    publishing = clock.monotonic() - begin
    for device in devices:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(device.acks.wait_empty(), options.ack_timeout)
    cpu = clock.process_time() - cpu_before
    await asyncio.gather(*(device.client.disconnect() for device in devices))
    published = sum(device.published for device in devices)
    last_ack_at = max((device.acks.last_ack_at for device in devices), default=0.0)
    return {
        "published": published,
        "acked": sum(device.acks.acked for device in devices),
        "records_per_message": options.records,
        "seconds": round(max(last_ack_at - first_publish_at, 0.0), 3),
        "achieved_rate": round(published / publishing) if publishing else 0,
        "cpu_seconds": round(cpu, 3),
        "first_publish_at": first_publish_at,
        "last_ack_at": last_ack_at,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--logins", required=True, help="JSON file: username, password, topic")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--count", type=int, help="messages, unthrottled")
    mode.add_argument("--rate", type=float, help="messages per second over all devices")
    parser.add_argument("--seconds", type=float, default=0, help="with --rate; 0: until SIGTERM")
    parser.add_argument("--records", type=int, default=1, help="records per message")
    parser.add_argument("--first-sequence", type=int, default=1)
    parser.add_argument("--window", type=int, default=100, help="unacknowledged per device")
    parser.add_argument("--ack-timeout", type=float, default=120)
    return parser


def main(argv=None) -> None:
    options = parser().parse_args(argv)
    result = asyncio.run(run(options))
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
