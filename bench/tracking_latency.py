"""Tracking latency of Berth against mlflow server, on servers you started yourself.

Start both on the same machine and the same kind of database, then:

    uv run python bench/tracking_latency.py http://127.0.0.1:5100 http://127.0.0.1:5101

The first URL is the reference (mlflow server), the second Berth. Each scenario runs against
both in turn; the report gives mean milliseconds per call and Berth's speed-up as a ratio.
This is a quick comparison until the benchmark issue brings the full harness.
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests

API = "/api/2.0/mlflow"
ROUNDS = 20


class Server:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, f"{self.url}{API}/{path}", timeout=60, **kwargs)
        response.raise_for_status()
        return response.json()

    def new_run(self, experiment_id: str, start_time: int) -> str:
        body = {"experiment_id": experiment_id, "start_time": start_time}
        return str(self.call("POST", "runs/create", json=body)["run"]["info"]["run_id"])


def _prepare(server: Server) -> tuple[str, str]:
    """An experiment with 200 runs (a metric and a param each) and one run for history."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    experiment = str(
        server.call("POST", "experiments/create", json={"name": name})["experiment_id"]
    )
    for i in range(200):
        batch = {
            "run_id": server.new_run(experiment, i),
            "metrics": [{"key": "acc", "value": i / 200, "timestamp": 1, "step": 0}],
            "params": [{"key": "lr", "value": str(i % 5)}],
        }
        server.call("POST", "runs/log-batch", json=batch)
    return experiment, server.new_run(experiment, 1)


def _mean_ms(action: Callable[[int], object]) -> float:
    samples = []
    for round_ in range(ROUNDS):
        start = time.perf_counter()
        action(round_)
        samples.append(time.perf_counter() - start)
    return statistics.mean(samples) * 1000


def measure(server: Server) -> dict[str, float]:
    experiment, run_id = _prepare(server)

    def log_batch(round_: int) -> object:
        metrics = [
            {
                "key": f"k{i % 10}",
                "value": i,
                "timestamp": round_ * 1000 + i,
                "step": round_ * 1000 + i,
            }
            for i in range(1000)
        ]
        return server.call("POST", "runs/log-batch", json={"run_id": run_id, "metrics": metrics})

    def search(_round: int) -> object:
        query = {
            "experiment_ids": [experiment],
            "filter": "metrics.acc > 0.5 AND params.lr = '3'",
            "order_by": ["metrics.acc DESC"],
            "max_results": 100,
        }
        return server.call("POST", "runs/search", json=query)

    def history(_round: int) -> object:
        params = {"run_id": run_id, "metric_key": "k1"}
        return server.call("GET", "metrics/get-history", params=params)

    return {
        "log-batch, 1000 metrics": _mean_ms(log_batch),
        "search 200 runs, 2 filters + order": _mean_ms(search),
        "metric history, 2000 points": _mean_ms(history),
    }


def main() -> None:
    reference, berth = (Server(url) for url in sys.argv[1:3])
    ref_times, berth_times = measure(reference), measure(berth)
    print(f"{'scenario':38} {'mlflow ms':>10} {'berth ms':>10} {'speed-up':>9}")
    for scenario, ref_ms in ref_times.items():
        berth_ms = berth_times[scenario]
        print(f"{scenario:38} {ref_ms:10.1f} {berth_ms:10.1f} {ref_ms / berth_ms:8.1f}x")


if __name__ == "__main__":
    main()
