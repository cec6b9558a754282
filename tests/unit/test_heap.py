"""A worker hands back the heap memory its start-up freed."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI

from berth import heap

glibc_only = pytest.mark.skipif(sys.platform != "linux", reason="malloc_trim is glibc's")
CHUNK = 4096  # below glibc's mmap threshold: these live on the heap


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@glibc_only
def test_free_pages_between_live_allocations_go_back_to_the_system() -> None:
    chunks = [bytes(CHUNK) for _ in range(50_000)]  # ~200 MiB
    _survivors = chunks[::64]  # keep the heap from shrinking from its top alone
    del chunks
    before = _rss_mib()

    released = heap.release_free_memory()

    assert released
    assert before - _rss_mib() > 100


def test_memory_is_released_once_start_up_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        events.append("started")
        yield
        events.append("stopped")

    def release() -> bool:
        events.append("released")
        return True

    app = FastAPI(lifespan=lifespan)
    monkeypatch.setattr(heap, "release_free_memory", release)
    heap.release_after_startup(app)

    async def run() -> None:
        async with app.router.lifespan_context(app):
            events.append("serving")

    asyncio.run(run())

    assert events == ["started", "released", "serving", "stopped"]
