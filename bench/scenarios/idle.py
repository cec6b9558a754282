"""``idle``: resident memory of each process of the server, right after start-up."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from bench.memory import tree_memory
from bench.scenarios.common import Context, Measurement


async def idle(ctx: Context) -> AsyncGenerator[list[Measurement], None]:
    memory = tree_memory(ctx.server.pid)
    for pid, command in memory.commands.items():
        ctx.log(f"  pid {pid}: {memory.per_process[pid]:.1f} MiB  {command}")
    yield [Measurement("idle-rss", "after start", 0, memory.facts("rss"))]
