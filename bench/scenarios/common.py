"""What every scenario shares: its context, its measurements, and ways to make test data."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.config import Sizes
from bench.load import Client, Drive, drive
from bench.servers import RunningServer, S3Endpoint
from bench.stats import latency_summary

KEEP_ALIVE = "keep-alive"
PER_REQUEST = "conn-per-request"
CONNECTION_MODES = {KEEP_ALIVE: True, PER_REQUEST: False}


@dataclass(frozen=True)
class Measurement:
    """One repeat of one scenario variant on one server."""

    scenario: str
    variant: str
    repeat: int
    values: dict[str, float]


@dataclass
class Context:
    server: RunningServer
    s3: S3Endpoint
    sizes: Sizes
    scenarios: frozenset[str]
    log: Callable[[str], None] = print
    profile: bool = False
    profile_filter: str = ""
    state: dict[str, Any] = field(default_factory=dict)

    def client(self, keep_alive: bool = True) -> Client:
        return Client(self.server.url, keep_alive=keep_alive, limit=self.sizes.writers * 2)


def now_ms() -> int:
    return int(time.time() * 1000)


async def create_experiment(client: Client, prefix: str) -> str:
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    answer = await client.call("POST", "experiments/create", {"name": name}, label="setup")
    return str(answer["experiment_id"])


async def create_run(client: Client, experiment_id: str, tags: list[dict[str, str]]) -> str:
    body = {"experiment_id": experiment_id, "start_time": now_ms(), "tags": tags}
    answer = await client.call("POST", "runs/create", body, label="runs/create")
    return str(answer["run"]["info"]["run_id"])


def seeded_run_data(index: int, rng: random.Random) -> dict[str, Any]:
    """5 params, 5 metrics, 3 tags: ``p1`` cycles through x/y/z/w, ``m1``..``m5`` uniform."""
    timestamp = now_ms()
    return {
        "params": [{"key": "p1", "value": "xyzw"[index % 4]}]
        + [{"key": f"p{k}", "value": str(index % (10 * k))} for k in range(2, 6)],
        "metrics": [
            {"key": f"m{k}", "value": rng.random(), "timestamp": timestamp, "step": 0}
            for k in range(1, 6)
        ],
        "tags": [{"key": f"t{k}", "value": f"tag-{index % (k + 2)}"} for k in range(1, 4)],
    }


async def seed_runs(
    client: Client, experiment_id: str, count: int, concurrency: int, start: int = 0
) -> tuple[Drive, list[str]]:
    """``count`` runs in the experiment, each made as the mlflow client does: ``runs/create``
    with its tags, then one ``runs/log-batch`` with its params and metrics."""
    rng = random.Random(start)
    next_index = start
    run_ids: list[str] = []

    async def one(_worker: int) -> bool:
        nonlocal next_index
        if next_index >= start + count:
            return False
        index, next_index = next_index, next_index + 1
        data = seeded_run_data(index, rng)
        run_id = await create_run(client, experiment_id, data.pop("tags"))
        await client.call("POST", "runs/log-batch", {"run_id": run_id, **data}, label="seed")
        run_ids.append(run_id)
        return True

    return await drive(one, concurrency), run_ids


def latency_values(samples: list[float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in latency_summary(samples).items()}
