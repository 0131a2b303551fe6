"""The web tier under test as processes of its own: gunicorn as deploy/web runs it (or the one
daphne process it replaced), on a free port, this database and Redis; with the CPU time and
resident memory of its whole process tree read from /proc."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

from simulation import chain
from simulation.bench.cpu import process_cpu_seconds

BASE_DIR = Path(settings.BASE_DIR)


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the web tier did not listen on {port}")


def server_command(options, port: int) -> tuple[list[str], dict]:
    # This database (a test's too), Redis and the rest of the environment, as the bench has them.
    env = {**os.environ, "DATABASE_URL": chain.database_url(), "PYTHONUNBUFFERED": "1"}
    if options["server"] == "daphne":
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                "config.asgi:application"], env  # fmt: skip
    env["WEB_BIND"] = f"127.0.0.1:{port}"
    for option, variable in (("workers", "WEB_WORKERS"), ("threads", "WEB_THREADS")):
        if options[option]:
            env[variable] = str(options[option])
    config = str(BASE_DIR / "deploy" / "web" / "gunicorn.conf.py")
    return [sys.executable, "-m", "gunicorn", "-c", config, "config.wsgi:application"], env


def _tree(pid: int) -> list[int]:
    """The process and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _resident_mb(pid: int) -> float:
    """The process's proportional set size (PSS: a page shared by n processes counts 1/n, so
    the workers' pages shared with gunicorn's preloading master are not counted once each)."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _cpu_and_rss(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) and resident MiB (PSS) of the process tree."""
    cpu = rss = 0.0
    for member in _tree(pid):
        with contextlib.suppress(OSError):
            cpu += process_cpu_seconds(member) or 0.0
            rss += _resident_mb(member)
    return cpu, rss


class Server:
    """The web tier as processes; its peak RSS sampled while it runs."""

    def __init__(self, options, log_path: Path):
        self.port = chain.free_tcp_port()
        self.command, env = server_command(options, self.port)
        self.log = open(log_path, "w")  # noqa: SIM115 - the server writes to it until it stops
        self.process = subprocess.Popen(
            self.command, cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.peak_rss_mb = 0.0
        self._stop = threading.Event()
        self.processes = 0

    def __enter__(self) -> "Server":
        wait_for_port(self.port, self.process)
        settle(self, 180)  # the workers boot after the master listens
        self.processes = len(_tree(self.process.pid))
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.peak_rss_mb = max(self.peak_rss_mb, _cpu_and_rss(self.process.pid)[1])

    def cpu_seconds(self) -> float:
        return _cpu_and_rss(self.process.pid)[0]

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def settle(server: Server, seconds: float = 90) -> None:
    """Wait until the server has worked off what an overloaded phase left queued (requests
    whose clients gave up are still served), so the next phase starts from an idle server."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        address = ("127.0.0.1", server.port)
        with contextlib.suppress(OSError), socket.create_connection(address, timeout=5) as probe:
            probe.sendall(b"GET /healthz/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            if probe.recv(64) and time.monotonic() - started < 0.5:
                return
        time.sleep(0.5)
