"""Simulated Modbus TCP sewing machines (pymodbus server), so the poller has a real peer.

Each machine runs a deterministic cycle (sewing, idle, stopped) and keeps running totals in
its registers, as real controllers do; `REGISTER_MAP` is the data a factory enters for this
model (vendor "Seamline", model "SIM-SM1").
"""

import asyncio
import threading
import time as clock

from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

VENDOR, MODEL = "Seamline", "SIM-SM1"
REGISTER_MAP = [
    {"metric": "state", "address": 0, "type": "uint16", "table": "holding"},
    {"metric": "stitches_total", "address": 1, "type": "uint32", "table": "holding"},
    {"metric": "run_s_total", "address": 3, "type": "uint32", "table": "holding"},
    {"metric": "idle_s_total", "address": 5, "type": "uint32", "table": "holding"},
    {"metric": "stop_s_total", "address": 7, "type": "uint32", "table": "holding"},
    {"metric": "trims_total", "address": 9, "type": "uint32", "table": "holding"},
]
REGISTER_COUNT = 11
CYCLE = 120  # seconds: sewing, then idle, then stopped
RUNNING, IDLE, STOPPED = 80, 25, 15
STITCHES_PER_SECOND = 45
SECONDS_PER_TRIM = 20


def machine_totals(elapsed: float) -> dict:
    """The registers of a machine `elapsed` seconds into its life."""
    cycles, into = divmod(int(elapsed), CYCLE)
    run = cycles * RUNNING + min(into, RUNNING)
    idle = cycles * IDLE + min(max(into - RUNNING, 0), IDLE)
    stop = cycles * STOPPED + max(into - RUNNING - IDLE, 0)
    state = 1 if into < RUNNING else (0 if into < RUNNING + IDLE else 2)
    return {
        "state": state,
        "stitches_total": run * STITCHES_PER_SECOND,
        "run_s_total": run,
        "idle_s_total": idle,
        "stop_s_total": stop,
        "trims_total": run // SECONDS_PER_TRIM,
    }


def _words(value: int) -> list[int]:
    value &= 0xFFFFFFFF
    return [value >> 16, value & 0xFFFF]


def registers_at(elapsed: float) -> list[int]:
    totals = machine_totals(elapsed)
    registers = [totals["state"]]
    for name in ("stitches_total", "run_s_total", "idle_s_total", "stop_s_total", "trims_total"):
        registers += _words(totals[name])
    return registers


def simulated_machine(offset: float) -> SimDevice:
    born = clock.monotonic() - offset

    async def refresh(function_code, start_address, address, count, current, set_values):
        values = registers_at(clock.monotonic() - born)
        for index, value in enumerate(values):
            if 0 <= index - start_address < len(current):
                current[index - start_address] = value
        return None

    return SimDevice(
        id=1,
        simdata=[SimData(address=0, count=REGISTER_COUNT, values=0, datatype=DataType.REGISTERS)],
        action=refresh,
    )


async def serve_machines(ports: list[int], host: str = "127.0.0.1") -> list[ModbusTcpServer]:
    """Start one simulated machine per port (in the background); returns the servers."""
    servers = []
    for index, port in enumerate(ports):
        server = ModbusTcpServer(simulated_machine(offset=index * 17.0), address=(host, port))
        await server.serve_forever(background=True)
        servers.append(server)
    return servers


async def stop_machines(servers) -> None:
    await asyncio.gather(*(server.shutdown() for server in servers))


class MachinesInBackground:
    """Simulated machines served from a thread of their own (for tests, bench and simulate)."""

    def __init__(self, ports: list[int], host: str = "127.0.0.1"):
        self.ports, self.host = ports, host
        self.loop = asyncio.new_event_loop()
        self.servers = []
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.servers = self.loop.run_until_complete(serve_machines(self.ports, self.host))
        self.ready.set()
        self.loop.run_forever()

    def start(self) -> "MachinesInBackground":
        self.thread.start()
        self.ready.wait(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(stop_machines(self.servers), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
