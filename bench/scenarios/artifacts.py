"""``artifacts``: one file of ``artifact_mib`` MiB streamed up (``PUT``, with a Content-Length
as the mlflow client sends it) and down (``GET``) through the server's mlflow-artifacts proxy
to the S3 endpoint, with the server's peak RSS (VmHWM, reset before each repeat) per process
and summed over its process tree. The raw S3 rate on the same endpoint, without a proxy, is the
ceiling (:func:`raw_ceiling`, boto3 as in ``bench/artifact_proxy.py``)."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from typing import Any

from bench.artifact_proxy import raw_s3
from bench.memory import reset_peaks, tree_memory
from bench.scenarios.common import Context, Measurement
from bench.servers import BUCKET, S3Endpoint

MIB = 1024 * 1024
CHUNK = 8 * MIB
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"


async def _chunks(size: int) -> AsyncIterator[bytes]:
    block = os.urandom(CHUNK)
    remaining = size
    while remaining > 0:
        chunk = block[: min(CHUNK, remaining)]
        remaining -= len(chunk)
        yield chunk


def _delete_prefix(s3: S3Endpoint, prefix: str) -> None:
    """Free moto's memory: it keeps every object in RAM."""
    client: Any = s3.client()
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    for item in listing.get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


async def artifacts(ctx: Context) -> list[Measurement]:
    size = ctx.sizes.artifact_mib * MIB
    found: list[Measurement] = []
    pid = ctx.server.pid
    for repeat in range(ctx.sizes.repeats):
        url = f"{ctx.server.url}{ARTIFACTS}/bench/r{repeat}/blob.bin"
        reset_peaks(pid)
        async with ctx.client() as client:
            cpu, started = time.process_time(), time.perf_counter()
            async with client.session.put(
                url, data=_chunks(size), headers={"Content-Length": str(size)}
            ) as response:
                await response.read()
                response.raise_for_status()
            up = time.perf_counter() - started
            peak_up = tree_memory(pid, "VmHWM")
            reset_peaks(pid)
            received = 0
            started = time.perf_counter()
            async with client.session.get(url) as response:
                response.raise_for_status()
                async for chunk in response.content.iter_chunked(CHUNK):
                    received += len(chunk)
            down = time.perf_counter() - started
            cpu = time.process_time() - cpu
        peak_down = tree_memory(pid, "VmHWM")
        if received != size:
            raise RuntimeError(f"downloaded {received} of {size} bytes")
        _delete_prefix(ctx.s3, f"{ctx.server.name}/bench/")
        values = {
            "up_mb_s": round(size / MIB / up, 1),
            "down_mb_s": round(size / MIB / down, 1),
            **peak_up.facts("peak_rss_up"),
            **peak_down.facts("peak_rss_down"),
            "client_cpu_s": round(cpu, 2),
            "client_util": round(cpu / (up + down), 2),
        }
        found.append(Measurement("artifacts", f"{ctx.sizes.artifact_mib} MiB", repeat, values))
    return found


def raw_ceiling(s3: S3Endpoint, mib: int, repeats: int) -> list[Measurement]:
    """Raw S3 PUT/GET of the same size on the same endpoint (boto3, no proxy)."""
    found = []
    for repeat in range(repeats):
        values = raw_s3(s3.client(), mib * MIB, BUCKET, "raw/blob.bin")
        _delete_prefix(s3, "raw/")
        found.append(Measurement("artifacts-raw-s3", f"{mib} MiB", repeat, values))
    return found
