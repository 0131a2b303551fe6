"""Start a real Mosquitto from deploy/mosquitto/mosquitto.conf on a port of our choosing.

Used by devices' zero-loss tests and `manage.py bench ingest`: the project's broker configuration
(queue limits, persistence, in-flight window, anonymous off) with only the listener port and
the folders changed.
"""

import getpass
import shutil
import signal
import socket
import subprocess
import time as clock
from pathlib import Path

from django.conf import settings

CONFIG = Path(settings.BASE_DIR) / "deploy" / "mosquitto" / "mosquitto.conf"
REPLACED = ("listener", "password_file", "acl_file", "persistence_location", "log_dest", "user ")


def mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
    )
    if not found:
        raise RuntimeError("mosquitto is not installed (see docs/devices.md)")
    return found


def free_port(start: int = 18830, end: int = 18839) -> int:
    for port in range(start, end + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {start}-{end}")


def render_config(directory: Path, port: int) -> Path:
    directory = Path(directory)
    (directory / "data").mkdir(parents=True, exist_ok=True)
    lines = [
        line for line in CONFIG.read_text().splitlines() if not line.strip().startswith(REPLACED)
    ]
    lines += [
        f"listener {port} 127.0.0.1",
        f"password_file {directory / 'passwd'}",
        f"acl_file {directory / 'acl'}",
        f"persistence_location {directory / 'data'}/",
        f"log_dest file {directory / 'mosquitto.log'}",
        # Run as whoever started it, so it can read the files this process wrote.
        f"user {getpass.getuser()}",
    ]
    path = directory / "mosquitto.conf"
    path.write_text("\n".join(lines) + "\n")
    return path


class LocalBroker:
    """A Mosquitto process; `directory` must hold (or receive) `passwd` and `acl`."""

    def __init__(self, directory: Path, port: int):
        self.directory = Path(directory)
        self.port = port
        self.config = render_config(self.directory, port)
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self) -> "LocalBroker":
        self.process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = clock.monotonic() + 10
        while clock.monotonic() < deadline:
            if self.process.poll() is not None:
                log_file = self.directory / "mosquitto.log"
                log = log_file.read_text(errors="replace") if log_file.exists() else ""
                raise RuntimeError(f"mosquitto exited: {log[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                clock.sleep(0.05)
        raise RuntimeError("mosquitto did not open its port")

    def reload(self) -> None:
        self.process.send_signal(signal.SIGHUP)
        clock.sleep(0.3)

    def stop(self) -> None:
        """Graceful stop: Mosquitto saves its persistence file on SIGTERM."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def url(self, username: str, password: str) -> str:
        return f"mqtt://{username}:{password}@127.0.0.1:{self.port}"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
