"""Handing back to the operating system the memory a worker's start-up freed.

Start-up imports the frameworks, parses the S3 client's models and opens the first
connections; what it frees on the way, glibc's allocator keeps for reuse, and a worker that
then idles holds it for its whole life (~2 MiB each). Once the app has started, the worker
asks glibc to return the free pages it can (``malloc_trim``). On a C library without that
call it does nothing.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from berth.wire import lifespan

_MALLOC_TRIM: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)


def release_free_memory() -> bool:
    """Collect garbage, then return free heap pages to the system (False where the C library
    cannot)."""
    gc.collect()
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True


def release_after_startup(app: FastAPI) -> None:
    """Release free memory once ``app``'s start-up (every lifespan step added so far) is done."""
    lifespan.run_after_startup(app, _released)


@asynccontextmanager
async def _released() -> AsyncIterator[None]:
    release_free_memory()
    yield
