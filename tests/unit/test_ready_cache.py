"""/ready reuses its last look at the artifact store for a short while."""

from __future__ import annotations

import asyncio

from berth.app import CachedCheck


async def test_a_cached_check_asks_once_within_its_ttl_and_again_after() -> None:
    calls: list[int] = []

    async def check() -> str | None:
        calls.append(1)
        return f"problem {len(calls)}"

    cached = CachedCheck(check, ttl=0.2)
    first, second = await cached(), await cached()
    await asyncio.sleep(0.25)
    third = await cached()

    assert (first, second, third) == ("problem 1", "problem 1", "problem 2")
