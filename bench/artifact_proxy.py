"""Throughput and memory of berth's artifact proxy for one large file, up and down.

    uv run python -m bench.artifact_proxy --size-mib 2048 --store local
    uv run python -m bench.artifact_proxy --size-mib 2048 --store s3

Starts a ``berth server`` (one worker, SQLite) proxying to a local directory or, with
``--store s3``, to a bucket on moto's standalone S3 server started here; then streams a file
of the given size through ``PUT`` and back through ``GET`` of the mlflow-artifacts API (the
client sends a Content-Length like the mlflow client does) and checks the SHA-256 both ways.
Reports MB/s each way, and the server's resident memory idle and at its peak (VmHWM); with
``--store s3`` also the raw S3 rate on the same endpoint (the same requests on presigned
URLs, no proxy) as the ceiling.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import boto3
import requests

from bench.servers import clean_env, free_port, process

MIB = 1024 * 1024
BLOCK = 8 * MIB
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"


def _memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


class Payload:
    """A file-like source of ``size`` bytes (random blocks), hashed as it is read."""

    def __init__(self, size: int) -> None:
        self.remaining = size
        self.block = os.urandom(BLOCK)
        self.sha = hashlib.sha256()

    def __len__(self) -> int:
        return self.remaining

    def read(self, n: int = -1) -> bytes:
        n = BLOCK if n < 0 else min(n, BLOCK)
        chunk = self.block[: min(n, self.remaining)]
        self.remaining -= len(chunk)
        self.sha.update(chunk)
        return chunk


def _upload(url: str, size: int) -> tuple[float, str]:
    """Seconds to PUT ``size`` bytes, and their SHA-256."""
    payload = Payload(size)
    started = time.perf_counter()
    headers = {"Content-Length": str(size)}
    requests.put(url, data=payload, headers=headers, timeout=600).raise_for_status()
    return time.perf_counter() - started, payload.sha.hexdigest()


def _download(url: str) -> tuple[float, int, str]:
    """Seconds to GET ``url`` (streamed, discarded), the byte count and their SHA-256."""
    received = hashlib.sha256()
    count = 0
    started = time.perf_counter()
    with requests.get(url, stream=True, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_content(BLOCK):
            received.update(chunk)
            count += len(chunk)
    return time.perf_counter() - started, count, received.hexdigest()


def raw_s3(s3: Any, size: int) -> dict[str, float]:
    """The ceiling: a single PUT and a single GET of the same size straight to the S3 endpoint,
    on presigned URLs, by the same client code as the proxied transfers."""
    target = {"Bucket": "bench", "Key": "raw/blob.bin"}
    up, sent = _upload(s3.generate_presigned_url("put_object", target, 3600), size)
    down, count, received = _download(s3.generate_presigned_url("get_object", target, 3600))
    if (count, received) != (size, sent):
        raise SystemExit(f"raw S3 round trip differs: {count} of {size} bytes, or the checksum")
    return {
        "raw_s3_up_mb_s": round(size / MIB / up, 1),
        "raw_s3_down_mb_s": round(size / MIB / down, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--store", choices=["local", "s3"], default="local")
    args = parser.parse_args()

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="berth-bench-")))
        env = clean_env()
        destination = str(work / "artifacts")
        if args.store == "s3":
            s3_port = free_port()
            s3_url = f"http://127.0.0.1:{s3_port}"
            moto = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)]
            stack.enter_context(process("moto", moto, s3_url, env))
            credentials = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
            env |= credentials | {"AWS_DEFAULT_REGION": "us-east-1"}
            env["BERTH_S3_ENDPOINT_URL"] = s3_url
            s3 = boto3.client(
                "s3",
                endpoint_url=s3_url,
                region_name="us-east-1",
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
            )
            s3.create_bucket(Bucket="bench")
            destination = "s3://bench/artifacts"
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = [
            sys.executable, "-m", "berth", "server",
            "--backend-store-uri", f"sqlite:///{work / 'berth.db'}",
            "--artifacts-destination", destination,
            "--port", str(port), "--workers", "1", "--grpc-port", "0",
        ]  # fmt: skip
        pid = stack.enter_context(process("berth", server, f"{url}/health", env)).pid
        idle = _memory_kib(pid, "VmRSS")
        blob = f"{url}{ARTIFACTS}/bench/blob.bin"
        size = args.size_mib * MIB
        up, sent = _upload(blob, size)
        peak_after_upload = _memory_kib(pid, "VmHWM")
        down, count, received = _download(blob)
        if (count, received) != (size, sent):
            raise SystemExit(f"round trip differs: {count} of {size} bytes, or the checksum")
        report = {
            "store": args.store,
            "size_mib": args.size_mib,
            "up_mb_s": round(size / MIB / up, 1),
            "down_mb_s": round(size / MIB / down, 1),
            "sha256_round_trip": "equal",
            "server_idle_rss_mib": round(idle / 1024, 1),
            "server_peak_rss_after_upload_mib": round(peak_after_upload / 1024, 1),
            "server_peak_rss_mib": round(_memory_kib(pid, "VmHWM") / 1024, 1),
        }
        if args.store == "s3":
            report |= raw_s3(s3, size)
        print(json.dumps(report))


if __name__ == "__main__":
    main()
