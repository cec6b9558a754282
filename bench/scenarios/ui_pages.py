"""``ui-pages``: the calls MLflow's web UI makes for the runs table and the run page
(``ui_calls``), on one experiment of ``ui_runs`` runs shaped like a sweep (5 params, 5
metrics, 3 tags each).

The pages: the runs table, its "Load more" (the next 100 runs, following the first page's
token), and the run page's overview, "Model metrics" (one sampled history per metric) and
"Artifacts" tabs. The run page opens one of ``OPENED_RUNS`` runs made through the API as a
training run makes them: 5 metrics of ``HISTORY_STEPS`` steps each and a few artifact files;
the rest of the experiment is written in SQL (``bulk_runs``), as it only has to be there.

A page's figure is the wall time of its calls sent as the UI sends them (a wave's calls
together, the waves in turn); each call's figure pools its samples over the pages that make
it. Every answer is checked for the data the page shows (``ui_calls.check``), so a server
that answers fast but wrongly fails the scenario instead of winning it.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from bench.load import Client
from bench.scenarios.artifacts import ARTIFACTS
from bench.scenarios.bulk_runs import grow_runs
from bench.scenarios.common import (
    Context,
    Measurement,
    create_experiment,
    create_run,
    latency_values,
    now_ms,
    seeded_run_data,
)
from bench.scenarios.ui_calls import (
    TABLE_PAGE,
    Call,
    Page,
    check,
    next_table_page,
    run_artifacts,
    run_metrics,
    run_overview,
    runs_table,
)
from bench.servers import vacuum_analyze

OPENED_RUNS = 5
HISTORY_STEPS = 1_000
METRIC_KEYS = tuple(f"m{k}" for k in range(1, 6))
ARTIFACT_FILES = ("metrics.json", "model/MLmodel", "model/model.pkl")
BATCH = 1_000  # metrics per runs/log-batch, MLflow's limit

Send = Callable[[Call], Awaitable[Any]]


async def load_page(send: Send, page: Page) -> tuple[float, dict[str, Any]]:
    """Seconds from the first call of ``page`` to the last answer, each wave sent together
    after the one before has come back; and the last answer under each call's label."""
    answers: dict[str, Any] = {}
    started = time.perf_counter()
    for wave in page.waves:
        for call, answer in zip(wave, await asyncio.gather(*(send(c) for c in wave)), strict=True):
            answers[call.label] = answer
    return time.perf_counter() - started, answers


def sender(client: Client) -> Send:
    """Sends a call with ``client``, recording its latency under the call's label, and checks
    the answer."""

    async def send(call: Call) -> Any:
        params = list(call.params) or None
        answer = await client.call(
            call.method, call.path, call.body, params, label=call.label, prefix=call.prefix
        )
        check(call, answer)
        return answer

    return send


def _history(index: int) -> list[dict[str, Any]]:
    stamp = now_ms()
    return [
        {"key": key, "value": (index + k) / (1 + step), "timestamp": stamp + step, "step": step}
        for k, key in enumerate(METRIC_KEYS)
        for step in range(HISTORY_STEPS)
    ]


async def _opened_run(ctx: Context, client: Client, experiment: str, index: int) -> str:
    """A finished run as a training script leaves it: params, tags, a history per metric, and
    artifact files under the server's proxied artifact root."""
    data = seeded_run_data(index, random.Random(index))
    run_id = await create_run(client, experiment, data["tags"])
    params = {"run_id": run_id, "params": data["params"]}
    await client.call("POST", "runs/log-batch", params, label="seed")
    points = _history(index)
    for first in range(0, len(points), BATCH):
        body = {"run_id": run_id, "metrics": points[first : first + BATCH]}
        await client.call("POST", "runs/log-batch", body, label="seed")
    finished = {"run_id": run_id, "status": "FINISHED", "end_time": now_ms()}
    info = (await client.call("POST", "runs/update", finished, label="seed"))["run_info"]
    root = info["artifact_uri"].removeprefix("mlflow-artifacts:")
    for name in ARTIFACT_FILES:
        url = f"{ctx.server.url}{ARTIFACTS}{root}/{name}"
        async with client.session.put(url, data=f"{name} of run {index}\n".encode()) as response:
            response.raise_for_status()
    return run_id


async def _seed(ctx: Context, client: Client) -> tuple[str, list[str]]:
    experiment = await create_experiment(client, "ui")
    opened = [await _opened_run(ctx, client, experiment, i) for i in range(OPENED_RUNS)]
    seconds = await grow_runs(ctx.server, experiment, OPENED_RUNS, ctx.sizes.ui_runs)
    ctx.log(f"  wrote runs {OPENED_RUNS}..{ctx.sizes.ui_runs} in SQL in {seconds:.0f} s")
    await vacuum_analyze(ctx.server.database)
    return experiment, opened


async def _browse(send: Send, experiment: str, run_id: str, pages: dict[str, list[float]]) -> None:
    """Each page once, in the order a user meets them: the table, more of it, then a run."""
    seconds, answers = await load_page(send, runs_table(experiment))
    pages["runs table"].append(seconds)
    token = answers["runs/search 100 (page 1)"].get("next_page_token")
    if not token:
        raise RuntimeError("the runs table's first page has no next_page_token")
    for page in (
        next_table_page(experiment, token),
        run_overview(experiment, run_id),
        run_metrics(experiment, run_id, METRIC_KEYS),
        run_artifacts(experiment, run_id),
    ):
        seconds, _ = await load_page(send, page)
        pages[page.name].append(seconds)


async def ui_pages(ctx: Context) -> AsyncGenerator[list[Measurement], None]:
    size = ctx.sizes.ui_runs
    if size < 2 * TABLE_PAGE:
        raise ValueError(f"ui-pages loads two full table pages: --ui-runs {size} is too few")
    async with ctx.client() as client:
        experiment, opened = await _seed(ctx, client)
        yield []
        send = sender(client)
        for repeat in range(ctx.sizes.repeats):
            client.reset()
            pages: dict[str, list[float]] = defaultdict(list)
            for load in range(ctx.sizes.ui_loads):
                await _browse(send, experiment, opened[load % len(opened)], pages)
            yield [
                Measurement("ui-pages", f"page: {name} @{size}", repeat, latency_values(samples))
                for name, samples in pages.items()
            ] + [
                Measurement("ui-pages", f"call: {label} @{size}", repeat, latency_values(samples))
                for label, samples in client.recorder.latencies.items()
            ]
