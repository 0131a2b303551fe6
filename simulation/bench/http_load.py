"""An open-loop HTTP/1.1 load generator on asyncio streams (no client library): requests start
at a fixed arrival rate whatever the server answers, over a pool of keep-alive connections.

Latency is timed from the moment a request was due, not from when a connection was free, so a
server that falls behind shows it in the figures (no coordinated omission). A request that
takes longer than `timeout` counts as an error, as does any answer outside 2xx.
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Call:
    """One request of the mix: its name (for the figures), whether it writes, and the wire."""

    name: str
    write: bool
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Outcome:
    name: str
    write: bool
    ms: float
    status: int  # 0: timed out or the connection failed
    detail: str = ""


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    def close(self) -> None:
        self.writer.close()


class Pool:
    """Keep-alive connections to one host; at most `size` open at once."""

    def __init__(self, host: str, port: int, size: int):
        self.host, self.port = host, port
        self.idle: list[_Connection] = []
        self.slots = asyncio.Semaphore(size)

    async def _open(self) -> _Connection:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return _Connection(reader, writer)

    async def request(self, call: Call) -> tuple[int, bytes]:
        async with self.slots:
            reused = bool(self.idle)
            connection = self.idle.pop() if reused else await self._open()
            try:
                status, body, keep = await self._exchange(connection, call)
            except (ConnectionError, asyncio.IncompleteReadError):
                connection.close()
                if not reused:
                    raise
                # The server closed an idle keep-alive connection: once more on a fresh one.
                connection = await self._open()
                status, body, keep = await self._exchange(connection, call)
            except BaseException:
                connection.close()
                raise
            if keep:
                self.idle.append(connection)
            else:
                connection.close()
            return status, body

    async def _exchange(self, connection: _Connection, call: Call) -> tuple[int, bytes, bool]:
        lines = [f"{call.method} {call.path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in call.headers.items()]
        lines.append(f"Content-Length: {len(call.body)}")
        connection.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + call.body)
        await connection.writer.drain()
        head = await connection.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = await _chunked(connection.reader)
        else:
            body = await connection.reader.readexactly(int(headers.get("content-length", 0)))
        keep = headers.get("connection", "").lower() != "close"
        return status, body, keep


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def _one(pool: Pool, call: Call, due: float, timeout: float, outcomes: list) -> None:
    try:
        status, body = await asyncio.wait_for(pool.request(call), timeout)
        detail = "" if 200 <= status < 300 else body[:300].decode("utf-8", "replace")
    except TimeoutError:
        status, detail = 0, "timed out"
    except (OSError, asyncio.IncompleteReadError, ValueError) as error:
        status, detail = 0, f"{type(error).__name__}: {error}"
    ms = (time.perf_counter() - due) * 1000
    outcomes.append(Outcome(call.name, call.write, ms, status, detail))


async def _run(
    host: str, port: int, next_call: Callable[[], Call], rate: float, seconds: float,
    connections: int, timeout: float,
) -> tuple[list[Outcome], float]:  # fmt: skip
    pool = Pool(host, port, connections)
    outcomes: list[Outcome] = []
    tasks = set()
    start = time.perf_counter() + 0.05
    for index in range(int(rate * seconds)):
        due = start + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(_one(pool, next_call(), due, timeout, outcomes))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)
    elapsed = time.perf_counter() - start
    for connection in pool.idle:
        connection.close()
    return outcomes, elapsed


def run_open_loop(
    host: str, port: int, next_call: Callable[[], Call], *, rate: float, seconds: float,
    connections: int = 256, timeout: float = 10.0,
) -> tuple[list[Outcome], float]:  # fmt: skip
    """Send `rate` requests per second for `seconds`; every outcome, and the seconds it took
    until the last answer."""
    return asyncio.run(_run(host, port, next_call, rate, seconds, connections, timeout))
