"""Metric ingestion: gRPC's LogMetrics stream against REST's log-batch, same server, same data.

    uv run python -m bench.grpc_ingest --points 200000
    uv run python -m bench.grpc_ingest --points 200000 \
        --backend-store-uri postgresql://postgres@127.0.0.1:5432/bench

Starts one ``berth server`` (one worker; SQLite in a scratch directory unless a database URI is
given, which must be empty or migrated), creates a run per transport, and sends the same points
(batches of ``--batch`` metrics, MLflow's limit being 1000) through each: REST as sequential
``POST /api/2.0/mlflow/runs/log-batch`` calls on one keep-alive connection, gRPC as one
LogMetrics stream. Requests are built before the clock starts on both sides, so the figures are
the wire and the server. Reports points/s for each and the ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from bench.servers import clean_env, free_port, process
from berth.client import BerthClient
from berth.proto import tracking_pb2 as pb

API = "/api/2.0/mlflow"


def _points(count: int) -> Iterator[tuple[int, float, int]]:
    for step in range(count):
        yield step, step * 0.5, 1_700_000_000_000 + step


def _rest_bodies(run_id: str, count: int, batch: int) -> list[bytes]:
    points = list(_points(count))
    return [
        json.dumps(
            {
                "run_id": run_id,
                "metrics": [
                    {"key": "loss", "value": v, "timestamp": t, "step": s}
                    for s, v, t in points[start : start + batch]
                ],
            }
        ).encode()
        for start in range(0, count, batch)
    ]


def _grpc_messages(run_id: str, count: int, batch: int) -> list[pb.LogMetrics]:
    points = [pb.Metric(key="loss", value=v, timestamp=t, step=s) for s, v, t in _points(count)]
    return [
        pb.LogMetrics(run_id=run_id, metrics=points[start : start + batch])
        for start in range(0, count, batch)
    ]


def _run_id(http: requests.Session, url: str) -> str:
    response = http.post(f"{url}{API}/runs/create", json={"experiment_id": "0"}, timeout=30)
    response.raise_for_status()
    run_id: str = response.json()["run"]["info"]["run_id"]
    return run_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--backend-store-uri", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        port, grpc_port = free_port(), free_port()
        url = f"http://127.0.0.1:{port}"
        store = args.backend_store_uri or f"sqlite:///{work / 'berth.db'}"
        env = clean_env()
        command = [
            sys.executable, "-m", "berth", "server", "--backend-store-uri", store,
            "--artifacts-destination", str(work / "artifacts"),
            "--port", str(port), "--grpc-port", str(grpc_port), "--workers", "1",
        ]  # fmt: skip
        with (
            process("berth", command, f"{url}/health", env),
            requests.Session() as http,
            BerthClient(f"127.0.0.1:{grpc_port}") as client,
        ):
            rest_run, grpc_run = _run_id(http, url), _run_id(http, url)
            bodies = _rest_bodies(rest_run, args.points, args.batch)
            messages = _grpc_messages(grpc_run, args.points, args.batch)
            headers = {"Content-Type": "application/json"}

            started = time.perf_counter()
            for body in bodies:
                http.post(
                    f"{url}{API}/runs/log-batch", data=body, headers=headers, timeout=60
                ).raise_for_status()
            rest_seconds = time.perf_counter() - started

            started = time.perf_counter()
            ack = client.tracking._stream_in(
                "LogMetrics", pb.LogMetrics.Response, iter(messages), 600
            )
            grpc_seconds = time.perf_counter() - started
            assert ack.metrics == args.points, ack

    rest_rate, grpc_rate = args.points / rest_seconds, args.points / grpc_seconds
    backend = store.split(":", 1)[0]
    print(f"{args.points} points, batches of {args.batch}, {backend}, one worker")
    print(f"REST log-batch     {rest_seconds:7.2f} s  {rest_rate:10,.0f} points/s")
    print(f"gRPC LogMetrics    {grpc_seconds:7.2f} s  {grpc_rate:10,.0f} points/s")
    print(f"gRPC / REST        {grpc_rate / rest_rate:7.2f}x")


if __name__ == "__main__":
    main()
