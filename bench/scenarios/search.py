"""``seeding`` and ``search``: one experiment grown in stages to each of ``search_sizes`` runs
(5 params, 5 metrics, 3 tags each); the rate of the runs made through the API (up to
``api_seed_max``; the rest are written in SQL, see ``bulk_runs``) is the ``seeding`` figure,
and at each size three queries are timed ``search_calls`` times per repeat:

- ``no-filter``: the first 100 runs, default order;
- ``filter+order``: ``metrics.m1 > 0.5 and params.p1 = 'x'`` ordered by ``metrics.m2 DESC``,
  100 results;
- ``page-1000``: 10 pages of 100 following ``next_page_token`` (one sample = all 10 pages).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from bench.load import Client
from bench.scenarios.bulk_runs import grow_runs
from bench.scenarios.common import (
    Context,
    Measurement,
    create_experiment,
    latency_values,
    seed_runs,
)
from bench.servers import vacuum_analyze

FILTER = "metrics.m1 > 0.5 and params.p1 = 'x'"
ORDER = ["metrics.m2 DESC"]
PAGE = 100


async def _page_through(client: Client, experiment: str, pages: int) -> int:
    token, seen = None, 0
    for _ in range(pages):
        body: dict[str, Any] = {"experiment_ids": [experiment], "max_results": PAGE}
        if token:
            body["page_token"] = token
        answer = await client.call("POST", "runs/search", body, label="page")
        seen += len(answer.get("runs", []))
        token = answer.get("next_page_token")
        if not token:
            break
    return seen


async def _time_queries(ctx: Context, client: Client, experiment: str, size: int) -> None:
    queries: dict[str, dict[str, Any]] = {
        "no-filter": {"max_results": PAGE},
        "filter+order": {"filter": FILTER, "order_by": ORDER, "max_results": PAGE},
    }
    for name, query in queries.items():
        body = {"experiment_ids": [experiment], **query}
        for _ in range(ctx.sizes.search_calls):
            await client.call("POST", "runs/search", body, label=name)
    pages = min(10, size // PAGE)
    for _ in range(ctx.sizes.search_calls):
        started = client.recorder.latencies["page"][:]
        seen = await _page_through(client, experiment, pages)
        if seen != pages * PAGE:
            raise RuntimeError(f"paging saw {seen} runs, expected {pages * PAGE}")
        walk = sum(client.recorder.latencies["page"][len(started) :])
        client.recorder.latencies["page-1000"].append(walk)


async def _seed(
    ctx: Context, client: Client, experiment: str, seeded: int, size: int
) -> list[Measurement]:
    """Grow the experiment from ``seeded`` to ``size`` runs: through the API up to
    ``api_seed_max`` (timed: the ``seeding`` figure), in SQL past it; then VACUUM ANALYZE."""
    found: list[Measurement] = []
    through_api = max(0, min(size, ctx.sizes.api_seed_max) - seeded)
    if through_api:
        ctx.log(f"  seeding {through_api} runs through the API (to {seeded + through_api})")
        took, _ = await seed_runs(client, experiment, through_api, ctx.sizes.writers, seeded)
        values = {
            "runs_per_s": round(took.operations / took.wall_s, 1),
            "runs": float(through_api),
            "seconds": round(took.wall_s, 1),
            **took.client_facts(),
        }
        found.append(Measurement("seeding", f"{seeded}->{seeded + through_api} runs", 0, values))
    if seeded + through_api < size:
        seconds = await grow_runs(ctx.server, experiment, seeded + through_api, size)
        ctx.log(f"  wrote runs {seeded + through_api}..{size} in SQL in {seconds:.0f} s")
    await vacuum_analyze(ctx.server.database)
    return found


async def search(ctx: Context) -> AsyncGenerator[list[Measurement], None]:
    measure_queries = "search" in ctx.scenarios
    async with ctx.client() as client:
        experiment = await create_experiment(client, "search")
        seeded = 0
        for size in ctx.sizes.search_sizes:
            yield await _seed(ctx, client, experiment, seeded, size)
            seeded = size
            if not measure_queries:
                continue
            for repeat in range(ctx.sizes.repeats):
                client.reset()
                await _time_queries(ctx, client, experiment, size)
                yield [
                    Measurement(
                        "search",
                        f"{query} @{size}",
                        repeat,
                        latency_values(client.recorder.latencies[query]),
                    )
                    for query in ("no-filter", "filter+order", "page-1000")
                ]
