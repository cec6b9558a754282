"""Adding a step to an app's lifespan, after everything it already starts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI


def run_after_startup(app: FastAPI, step: Callable[[], AbstractAsyncContextManager[Any]]) -> None:
    """Enter ``step()`` once ``app``'s start-up so far is done; leave it before that start-up
    is undone."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[Any]:
        async with inner(running) as state, step():
            yield state

    app.router.lifespan_context = lifespan
