"""Start a real Mosquitto from deploy/mosquitto/mosquitto.conf on a port of our choosing.

Used by devices' zero-loss tests and `manage.py bench ingest`: the project's broker configuration
(queue limits, persistence, in-flight window, anonymous off) with only the listener port and
the folders changed.
"""

import getpass
import shutil
import socket
import subprocess
import time as clock
from pathlib import Path

from django.conf import settings

CONFIG = Path(settings.BASE_DIR) / "deploy" / "mosquitto" / "mosquitto.conf"
REPLACED = (
    "listener",
    "plugin",
    "persistence_location",
    "log_dest",
    "user ",
)
PLUGIN_PLACES = (
    "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
    "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so",
    "/usr/lib/mosquitto_dynamic_security.so",
)
ADMIN = ("seamline-admin", "seamline-admin-secret")


def mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
    )
    if not found:
        raise RuntimeError("mosquitto is not installed (see docs/devices.md)")
    return found


def dynsec_plugin() -> str:
    for place in PLUGIN_PLACES:
        if Path(place).exists():
            return place
    raise RuntimeError("mosquitto_dynamic_security.so not found (package mosquitto)")


def dynsec_init(path: Path, username: str, password: str) -> None:
    """The plugin's first file, with only the admin client (`mosquitto_ctrl dynsec init`)."""
    ctrl = shutil.which("mosquitto_ctrl") or "/usr/bin/mosquitto_ctrl"
    subprocess.run(
        [ctrl, "dynsec", "init", str(path), username, password], check=True, capture_output=True
    )


def free_port(start: int = 18830, end: int = 18839) -> int:
    """A free port, from the range if one is, else any the system gives (brokers of parallel
    runs share the machine)."""
    for port in [*range(start, end + 1), 0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in {start}-{end}")


def render_config(directory: Path, port: int, log_types: tuple[str, ...] = ()) -> Path:
    directory = Path(directory)
    (directory / "data").mkdir(parents=True, exist_ok=True)
    lines = [
        line for line in CONFIG.read_text().splitlines() if not line.strip().startswith(REPLACED)
    ]
    lines += [
        f"listener {port} 127.0.0.1",
        f"plugin {dynsec_plugin()}",
        f"plugin_opt_config_file {directory / 'dynamic-security.json'}",
        f"persistence_location {directory / 'data'}/",
        f"log_dest file {directory / 'mosquitto.log'}",
        # Run as whoever started it, so it can read the files this process wrote.
        f"user {getpass.getuser()}",
        *(f"log_type {kind}" for kind in log_types),
    ]
    path = directory / "mosquitto.conf"
    path.write_text("\n".join(lines) + "\n")
    return path


class LocalBroker:
    """A Mosquitto process with the dynamic-security plugin; its file (in `directory`) is made
    on the first start with the admin client `admin` = (username, password). The platform then
    manages it over MQTT: `admin_url` is what DEVICES_BROKER_ADMIN_URL would be."""

    def __init__(self, directory: Path, port: int, *, admin=ADMIN, log_types: tuple[str, ...] = ()):
        self.directory = Path(directory)
        self.port = port
        self.admin = admin
        self.config = render_config(self.directory, port, log_types)
        self.process: subprocess.Popen | None = None

    @property
    def admin_url(self) -> str:
        return self.url(*self.admin)

    @property
    def log_file(self) -> Path:
        return self.directory / "mosquitto.log"

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self) -> "LocalBroker":
        dynsec_file = self.directory / "dynamic-security.json"
        if not dynsec_file.exists():
            dynsec_init(dynsec_file, *self.admin)
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
                    pass
            except OSError:
                clock.sleep(0.05)
                continue
            # Still alive a moment later: the port is ours, not another run's broker that took
            # it meanwhile (ours would have exited with "Address already in use").
            clock.sleep(0.2)
            if self.process.poll() is None:
                return self
        raise RuntimeError("mosquitto did not open its port")

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
