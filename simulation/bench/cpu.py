"""CPU seconds of the processes a benchmark drives, read from /proc (Linux, same machine).

On a shared machine wall time mostly measures the neighbours; CPU time does not.
"""

import os
import time

from django.db import connection

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process, or None when /proc does not show it (another host)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def database_backend_pid() -> int | None:
    """The PostgreSQL backend serving this connection (None on other databases)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


class CpuClock:
    """CPU seconds of this process and of its database backend between start and stop."""

    def start(self) -> "CpuClock":
        self.backend = database_backend_pid()
        self.backend_started = self._backend()
        self.own_started, self.wall_started = time.process_time(), time.perf_counter()
        return self

    def stop(self) -> dict:
        wall = time.perf_counter() - self.wall_started
        own = time.process_time() - self.own_started
        backend = self._backend()
        database = None
        if backend is not None and self.backend_started is not None:
            database = round(backend - self.backend_started, 2)
        return {"seconds": wall, "cpu_seconds": round(own, 2), "database_cpu_seconds": database}

    def _backend(self) -> float | None:
        return process_cpu_seconds(self.backend) if self.backend else None
