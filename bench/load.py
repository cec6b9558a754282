"""The one load generator: asyncio + aiohttp over raw HTTP, against either server.

A :class:`Client` sends MLflow REST calls and records each call's latency under a label.
:func:`drive` runs ``concurrency`` workers of an operation until a deadline or until the
operation says it has no more work, and measures the generator's own CPU time, so a report
can show whether the client, not the server, was the bottleneck.

``keep_alive=False`` opens a new TCP connection for every request (connection-per-request);
comparing it with keep-alive shows per-request stalls such as a missing ``TCP_NODELAY`` on the
server's accepted sockets (Nagle + delayed ACK: ~40 ms a request).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp

API = "/api/2.0/mlflow"


class LoadError(RuntimeError):
    """A call answered with an error status."""


@dataclass
class Recorder:
    """Latencies (seconds) by label, and errors."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0
    first_error: str = ""

    def all(self) -> list[float]:
        return [s for samples in self.latencies.values() for s in samples]


class Client:
    """An HTTP client for one server; ``keep_alive`` picks pooled connections or a new
    connection per request."""

    def __init__(self, base_url: str, *, keep_alive: bool = True, limit: int = 64) -> None:
        self.base_url = base_url.rstrip("/")
        self.keep_alive = keep_alive
        self.limit = limit
        self.recorder = Recorder()
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Client:
        connector = aiohttp.TCPConnector(limit=self.limit, force_close=not self.keep_alive)
        timeout = aiohttp.ClientTimeout(total=1800)
        self._session = aiohttp.ClientSession(connector=connector, timeout=timeout)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("Client used outside 'async with'")
        return self._session

    def reset(self) -> Recorder:
        """Start a new recording; return the previous one."""
        previous, self.recorder = self.recorder, Recorder()
        return previous

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: Mapping[str, str | int] | list[tuple[str, str]] | None = None,
        label: str = "",
        prefix: str = API,
    ) -> Any:
        """One MLflow REST call (``path`` under ``prefix``, by default ``/api/2.0/mlflow/``); its
        decoded JSON answer. The latency covers sending, the server's work and reading the whole
        body."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else None
        url = f"{self.base_url}{prefix}/{path}"
        started = time.perf_counter()
        async with self.session.request(
            method, url, data=data, params=params, headers=headers
        ) as response:
            payload = await response.read()
        elapsed = time.perf_counter() - started
        if response.status >= 400:
            self.recorder.errors += 1
            message = f"{method} {path}: {response.status} {payload[:300]!r}"
            self.recorder.first_error = self.recorder.first_error or message
            raise LoadError(message)
        self.recorder.latencies[label or path].append(elapsed)
        return json.loads(payload) if payload else {}


@dataclass(frozen=True)
class Drive:
    """What one :func:`drive` took: wall time and the load generator's CPU time."""

    wall_s: float
    cpu_s: float
    operations: int

    @property
    def client_utilisation(self) -> float:
        """The generator's CPU time over wall time (1.0 = one core busy)."""
        return self.cpu_s / self.wall_s if self.wall_s else 0.0

    def client_facts(self) -> dict[str, float]:
        return {
            "client_cpu_s": round(self.cpu_s, 2),
            "client_util": round(self.client_utilisation, 2),
        }


Operation = Callable[[int], Awaitable[bool]]


async def drive(operation: Operation, concurrency: int, duration_s: float | None = None) -> Drive:
    """Run ``concurrency`` workers, each calling ``operation(worker)`` in a loop until it
    returns False or ``duration_s`` has passed. An error stops the drive with its message."""
    deadline = None if duration_s is None else time.perf_counter() + duration_s
    done = 0

    async def worker(index: int) -> None:
        nonlocal done
        while deadline is None or time.perf_counter() < deadline:
            if not await operation(index):
                return
            done += 1

    cpu_started, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return Drive(time.perf_counter() - started, time.process_time() - cpu_started, done)
