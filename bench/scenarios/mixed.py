"""``mixed``: 70% small log-batch (10 metrics), 20% search (filter + order, 100 results) and
10% get-run, from ``writers`` concurrent clients over an experiment of ``mixed_runs`` runs.

The database is ``VACUUM ANALYZE``d after the runs are made, as autovacuum does within a minute of
such a bulk write: without it both servers were measured on a planner that knew none of the
fresh database's rows (Berth's search p50 under this load was 540 ms with it off, 60 ms on)."""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncGenerator
from typing import Any

from bench.load import Client, drive
from bench.scenarios.common import (
    CONNECTION_MODES,
    Context,
    Measurement,
    create_experiment,
    latency_values,
    now_ms,
    seed_runs,
)
from bench.servers import vacuum_analyze

SEARCH: dict[str, Any] = {
    "filter": "metrics.m1 > 0.5 and params.p1 = 'x'",
    "order_by": ["metrics.m2 DESC"],
    "max_results": 100,
}


async def mixed(ctx: Context) -> AsyncGenerator[list[Measurement], None]:
    async with ctx.client() as client:
        experiment = await create_experiment(client, "mixed")
        _, run_ids = await seed_runs(client, experiment, ctx.sizes.mixed_runs, ctx.sizes.writers)
    await vacuum_analyze(ctx.server.database)
    rng = random.Random(7)
    steps = itertools.count()
    for repeat in range(ctx.sizes.repeats):
        for variant, keep_alive in CONNECTION_MODES.items():
            async with ctx.client(keep_alive) as client:

                async def one(worker: int, client: Client = client) -> bool:
                    draw = rng.random()
                    if draw < 0.7:
                        stamp, step = now_ms(), next(steps)
                        metrics = [
                            {"key": f"w{i}", "value": i, "timestamp": stamp, "step": step}
                            for i in range(10)
                        ]
                        body = {"run_id": run_ids[worker], "metrics": metrics}
                        await client.call("POST", "runs/log-batch", body, label="log-batch")
                    elif draw < 0.9:
                        body = {"experiment_ids": [experiment], **SEARCH}
                        await client.call("POST", "runs/search", body, label="search")
                    else:
                        params = {"run_id": rng.choice(run_ids)}
                        await client.call("GET", "runs/get", params=params, label="get-run")
                    return True

                took = await drive(one, ctx.sizes.writers, ctx.sizes.duration_s)
                recorded = client.recorder.latencies
                values = {
                    "req_per_s": round(took.operations / took.wall_s, 1),
                    **latency_values(client.recorder.all()),
                    "search_p50_ms": latency_values(recorded["search"])["p50_ms"],
                    **took.client_facts(),
                }
            yield [Measurement("mixed", variant, repeat, values)]
