"""``artifacts``: one file of ``artifact_mib`` MiB streamed up (``PUT``, with a Content-Length
as the mlflow client sends it) and down (``GET``) through the server's mlflow-artifacts proxy
to the S3 endpoint, with the server's peak RSS (VmHWM, reset before each repeat) per process
and summed over its process tree.

The ceiling is the same two requests, sent by the same client code (:func:`_put`,
:func:`_get`), straight to the S3 endpoint on presigned URLs: a single ``PUT`` of the whole
file and a single ``GET``. Each repeat takes raw and proxied PUTs in turns, then raw and
proxied GETs in turns, and reports the proxy's share of the ceiling from the medians of each,
so that both see the same machine: on shared cores, and with moto's PUT spent mostly in page
faults on the fresh memory it copies each body into, a rate moves 3x from one transfer to the
next (1 GiB raw PUTs took 37 to 220 MB/s in one run). Measuring the ceiling with another
client (boto3's threaded multipart transfers, say) would compare clients as much as the
proxy.

GETs also report the time to the first byte of the body and the rate after it: moto reads a
whole object into memory before it sends a byte (~0.7 s per GiB here), time that the raw and
the proxied GET spend alike; the rate after it is what the proxy relays against what the
endpoint streams."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from bench.load import Client
from bench.memory import reset_peaks, tree_memory
from bench.scenarios.common import Context, Measurement
from bench.servers import BUCKET, S3Endpoint
from bench.stats import median

MIB = 1024 * 1024
CHUNK = 8 * MIB
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"
URL_LIFETIME_S = 3600
RAW_PREFIX = "raw/"
PUT_BUDGET_S = 60.0
GET_BUDGET_S = 10.0


async def _chunks(size: int) -> AsyncIterator[bytes]:
    block = os.urandom(CHUNK)
    remaining = size
    while remaining > 0:
        chunk = block[: min(CHUNK, remaining)]
        remaining -= len(chunk)
        yield chunk


async def _put(client: Client, url: str, size: int) -> float:
    """Seconds to PUT ``size`` bytes to ``url`` in one request."""
    started = time.perf_counter()
    headers = {"Content-Length": str(size)}
    async with client.session.put(url, data=_chunks(size), headers=headers) as response:
        await response.read()
        response.raise_for_status()
    return time.perf_counter() - started


@dataclass(frozen=True)
class GetTiming:
    """One GET: seconds in all, and until the first bytes of the body arrived (what the
    endpoint spent before streaming: moto reads a whole object into memory first)."""

    seconds: float
    first_byte_s: float

    def stream_mib_s(self, size: int) -> float:
        """The rate once the body flowed."""
        return size / MIB / (self.seconds - self.first_byte_s)


async def _get(client: Client, url: str, size: int) -> GetTiming:
    """``url`` fetched in one request, which must answer ``size`` bytes."""
    started = time.perf_counter()
    async with client.session.get(url) as response:
        response.raise_for_status()
        received = len(await response.content.readany())
        first_byte = time.perf_counter() - started
        async for chunk in response.content.iter_chunked(CHUNK):
            received += len(chunk)
    if received != size:
        raise RuntimeError(f"downloaded {received} of {size} bytes")
    return GetTiming(time.perf_counter() - started, first_byte)


def _delete_prefix(s3: S3Endpoint, prefix: str) -> None:
    """Free moto's memory: it keeps every object in RAM."""
    client: Any = s3.client()
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    for item in listing.get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def _rates(size: int, up: float, down: float, prefix: str = "") -> dict[str, float]:
    return {
        f"{prefix}up_mb_s": round(size / MIB / up, 1),
        f"{prefix}down_mb_s": round(size / MIB / down, 1),
    }


def _presigned(s3: S3Endpoint) -> tuple[str, str]:
    """URLs to PUT and to GET the raw ceiling's object straight on the endpoint."""
    signer: Any = s3.client()
    target = {"Bucket": BUCKET, "Key": f"{RAW_PREFIX}blob.bin"}
    return (
        signer.generate_presigned_url("put_object", target, URL_LIFETIME_S),
        signer.generate_presigned_url("get_object", target, URL_LIFETIME_S),
    )


Timing = TypeVar("Timing")


async def _in_turns(
    raw: Callable[[], Awaitable[Timing]],
    proxied: Callable[[], Awaitable[Timing]],
    budget_s: float,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[list[Timing], list[Timing]]:
    """The raw and the proxied transfer's timings, taken in turns (raw first) for ``budget_s``,
    at least one of each: the same transfer varies up to 3x back to back here, so each side
    is summed up by its own median."""
    raw_timings: list[Timing] = []
    proxied_timings: list[Timing] = []
    deadline = clock() + budget_s
    while not proxied_timings or clock() < deadline:
        raw_timings.append(await raw())
        proxied_timings.append(await proxied())
    return raw_timings, proxied_timings


def _downloads(size: int, gets: list[GetTiming], prefix: str = "") -> dict[str, float]:
    """Medians of the downloads' first-byte times and of their rates once the body flowed."""
    return {
        f"{prefix}down_first_byte_s": round(median([g.first_byte_s for g in gets]), 3),
        f"{prefix}down_stream_mb_s": round(median([g.stream_mib_s(size) for g in gets]), 1),
    }


async def artifacts(ctx: Context) -> AsyncGenerator[list[Measurement], None]:
    size = ctx.sizes.artifact_mib * MIB
    pid = ctx.server.pid
    raw_put, raw_get = _presigned(ctx.s3)
    for repeat in range(ctx.sizes.repeats):
        url = f"{ctx.server.url}{ARTIFACTS}/bench/r{repeat}/blob.bin"
        async with Client(ctx.s3.url) as raw, ctx.client() as client:
            cpu, started = time.process_time(), time.perf_counter()
            reset_peaks(pid)
            raw_puts, puts = await _in_turns(
                partial(_put, raw, raw_put, size), partial(_put, client, url, size), PUT_BUDGET_S
            )
            peak_up = tree_memory(pid, "VmHWM")
            reset_peaks(pid)
            raw_gets, gets = await _in_turns(
                partial(_get, raw, raw_get, size), partial(_get, client, url, size), GET_BUDGET_S
            )
            peak_down = tree_memory(pid, "VmHWM")
            cpu, wall = time.process_time() - cpu, time.perf_counter() - started
        _delete_prefix(ctx.s3, RAW_PREFIX)
        _delete_prefix(ctx.s3, f"{ctx.server.name}/bench/")
        raw_up, up = median(raw_puts), median(puts)
        raw_down = median([g.seconds for g in raw_gets])
        down = median([g.seconds for g in gets])
        values = {
            **_rates(size, up, down),
            **_rates(size, raw_up, raw_down, prefix="raw_s3_"),
            "up_share_of_raw_s3": round(raw_up / up, 3),
            "down_share_of_raw_s3": round(raw_down / down, 3),
            **_downloads(size, gets),
            **_downloads(size, raw_gets, prefix="raw_s3_"),
            **peak_up.facts("peak_rss_up"),
            **peak_down.facts("peak_rss_down"),
            "client_cpu_s": round(cpu, 2),
            "client_util": round(cpu / wall, 2),
        }
        yield [Measurement("artifacts", f"{ctx.sizes.artifact_mib} MiB", repeat, values)]
