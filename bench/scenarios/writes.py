"""Write throughput: ``log-batch`` (1000 metrics a call) and ``log-metric`` (one a call), each
with ``writers`` concurrent clients for ``duration_s``, keep-alive and connection-per-request."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator

from bench.load import Client, drive
from bench.scenarios.common import (
    CONNECTION_MODES,
    Context,
    Measurement,
    create_experiment,
    create_run,
    latency_values,
    now_ms,
)

BATCH = 1000


async def _writer_runs(ctx: Context, name: str) -> list[str]:
    async with ctx.client() as client:
        experiment = await create_experiment(client, name)
        return [await create_run(client, experiment, []) for _ in range(ctx.sizes.writers)]


async def log_batch(ctx: Context) -> AsyncGenerator[list[Measurement], None]:
    runs = await _writer_runs(ctx, "log-batch")
    steps = itertools.count()
    for repeat in range(ctx.sizes.repeats):
        for variant, keep_alive in CONNECTION_MODES.items():
            async with ctx.client(keep_alive) as client:

                async def one(worker: int, client: Client = client) -> bool:
                    base = next(steps) * BATCH
                    stamp = now_ms()
                    metrics = [
                        {"key": f"k{i % 10}", "value": i / 2, "timestamp": stamp, "step": base + i}
                        for i in range(BATCH)
                    ]
                    body = {"run_id": runs[worker], "metrics": metrics}
                    await client.call("POST", "runs/log-batch", body)
                    return True

                took = await drive(one, ctx.sizes.writers, ctx.sizes.duration_s)
                values = {
                    "points_per_s": round(took.operations * BATCH / took.wall_s, 1),
                    **latency_values(client.recorder.all()),
                    **took.client_facts(),
                }
            yield [Measurement("log-batch", variant, repeat, values)]


async def log_metric(ctx: Context) -> AsyncGenerator[list[Measurement], None]:
    runs = await _writer_runs(ctx, "log-metric")
    steps = itertools.count()
    for repeat in range(ctx.sizes.repeats):
        for variant, keep_alive in CONNECTION_MODES.items():
            async with ctx.client(keep_alive) as client:

                async def one(worker: int, client: Client = client) -> bool:
                    body = {
                        "run_id": runs[worker],
                        "key": "loss",
                        "value": 0.5,
                        "timestamp": now_ms(),
                        "step": next(steps),
                    }
                    await client.call("POST", "runs/log-metric", body)
                    return True

                took = await drive(one, ctx.sizes.writers, ctx.sizes.duration_s)
                values = {
                    "req_per_s": round(took.operations / took.wall_s, 1),
                    **latency_values(client.recorder.all()),
                    **took.client_facts(),
                }
            yield [Measurement("log-metric", variant, repeat, values)]


async def nodelay_probe(ctx: Context) -> AsyncGenerator[list[Measurement], None]:
    """One client, one request at a time (``experiments/get``, a small answer): with keep-alive
    a server whose accepted sockets lack TCP_NODELAY answers in ~40 ms instead of ~1 ms."""
    async with ctx.client() as client:
        experiment = await create_experiment(client, "probe")
    for repeat in range(ctx.sizes.repeats):
        for variant, keep_alive in CONNECTION_MODES.items():
            async with ctx.client(keep_alive) as client:

                async def one(_worker: int, client: Client = client) -> bool:
                    params = {"experiment_id": experiment}
                    await client.call("GET", "experiments/get", params=params)
                    return True

                took = await drive(one, 1, ctx.sizes.probe_s)
                values = {**latency_values(client.recorder.all()), **took.client_facts()}
            yield [Measurement("nodelay-probe", variant, repeat, values)]
