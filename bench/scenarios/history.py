"""``history``: one run whose metric ``loss`` has each of ``history_sizes`` steps, fetched
whole as the mlflow 3.x client's ``get_metric_history`` does it: ``GET metrics/get-history``
with ``max_results=25000``, following ``next_page_token`` until there is none. Also timed: the
UI's ``metrics/get-history-bulk-interval`` (one call, at most 2,500 sampled points)."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator

from bench.load import Client, drive
from bench.scenarios.common import Context, Measurement, create_experiment, create_run, now_ms
from bench.stats import median

CLIENT_PAGE = 25_000  # mlflow.store.tracking.GET_METRIC_HISTORY_MAX_RESULTS
BATCH = 1000


async def _seed_history(client: Client, run_id: str, size: int, writers: int) -> None:
    next_step = 0

    async def one(_worker: int) -> bool:
        nonlocal next_step
        if next_step >= size:
            return False
        first, next_step = next_step, min(size, next_step + BATCH)
        stamp = now_ms()
        metrics = [
            {"key": "loss", "value": 1 / (1 + s), "timestamp": stamp, "step": s}
            for s in range(first, next_step)
        ]
        await client.call("POST", "runs/log-batch", {"run_id": run_id, "metrics": metrics})
        return True

    await drive(one, writers)


async def fetch_all(client: Client, run_id: str) -> int:
    """Every point of ``loss``, page by page, as the mlflow client fetches them."""
    token, points = None, 0
    while True:
        params: dict[str, str | int] = {
            "run_id": run_id,
            "metric_key": "loss",
            "max_results": CLIENT_PAGE,
        }
        if token:
            params["page_token"] = token
        answer = await client.call("GET", "metrics/get-history", params=params)
        points += len(answer.get("metrics", []))
        token = answer.get("next_page_token")
        if not token:
            return points


async def history(ctx: Context) -> AsyncGenerator[list[Measurement], None]:
    async with ctx.client() as client:
        experiment = await create_experiment(client, "history")
        for size in ctx.sizes.history_sizes:
            run_id = await create_run(client, experiment, [])
            ctx.log(f"  logging {size} steps")
            await _seed_history(client, run_id, size, ctx.sizes.writers)
            for repeat in range(ctx.sizes.repeats):
                fetches: list[float] = []
                for _ in range(ctx.sizes.history_fetches):
                    started = time.perf_counter()
                    points = await fetch_all(client, run_id)
                    fetches.append(time.perf_counter() - started)
                    if points != size:
                        raise RuntimeError(f"get-history returned {points} of {size} points")
                started = time.perf_counter()
                params: dict[str, str | int] = {
                    "run_ids": run_id,
                    "metric_key": "loss",
                    "max_results": 2500,
                }
                await client.call("GET", "metrics/get-history-bulk-interval", params=params)
                interval = time.perf_counter() - started
                fetch_s = median(fetches)
                values = {
                    "fetch_s": round(fetch_s, 3),
                    "points_per_s": round(size / fetch_s, 1),
                    "bulk_interval_ms": round(interval * 1000, 1),
                }
                yield [Measurement("history", f"{size} steps", repeat, values)]
