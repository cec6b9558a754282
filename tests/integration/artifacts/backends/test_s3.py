"""The S3 backend beyond the contract: start-up checks, multipart writes and their clean-up,
encryption, addressing, presigned URLs, a root prefix, ranges, TLS and credentials.

Everything runs against a real S3 API (``tests/fixtures/s3.py``). moto's server accepts any
keys unless told to authenticate, so the tests about credentials run against a moto server of
their own with authentication switched on (``strict_s3``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import socket
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.exceptions import ClientError

from berth.artifacts.backends import s3
from berth.artifacts.backends.base import CHUNK_SIZE, UploadedPart
from berth.artifacts.backends.s3 import PART_SIZE, S3Backend
from berth.errors import BerthError, ErrorCode
from tests.fixtures.s3 import REGION, S3Server, start_moto

MiB = 1024 * 1024
MIN_PART = 5 * MiB
"""The smallest part S3 accepts for all but the last part of a multipart upload."""


# Helpers


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def chunked(data: bytes, size: int = MiB) -> AsyncIterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


async def read_all(backend: S3Backend, path: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in backend.read(path, start, end)])


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pending_uploads(server: S3Server, bucket: str) -> list[str]:
    """Keys of the multipart uploads started and neither completed nor aborted."""
    answer = server.client().list_multipart_uploads(Bucket=bucket)
    return [upload["Key"] for upload in answer.get("Uploads", [])]


def object_keys(server: S3Server, bucket: str) -> list[str]:
    answer = server.client().list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in answer.get("Contents", []))


def head(server: S3Server, bucket: str, key: str) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = server.client().head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey"):
            return None
        raise
    return result


def get(server: S3Server, bucket: str, key: str) -> bytes:
    body: bytes = server.client().get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        body: bytes = response.read()
    return body


def put_part(url: str, body: bytes) -> str:
    """PUT one part to its presigned URL, as a client does; its ETag. (urllib would call
    the body a form, which the store must not parse.)"""
    headers = {"Content-Type": "application/octet-stream"}
    request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(response.headers["ETag"])


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def large_data(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.fixture
async def open_backend() -> AsyncIterator[Callable[[S3Backend], S3Backend]]:
    """Registers backends made by a test so that they are closed after it."""
    opened: list[S3Backend] = []

    def register(backend: S3Backend) -> S3Backend:
        opened.append(backend)
        return backend

    yield register
    for backend in opened:
        await backend.close()


@pytest.fixture
def backend(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> S3Backend:
    return open_backend(S3Backend(f"s3://{s3_bucket}", s3_server.options()))


# check()


async def test_check_names_a_missing_bucket(
    s3_server: S3Server, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    backend = open_backend(S3Backend("s3://berth-test-no-such-bucket", s3_server.options()))

    with pytest.raises(BerthError) as raised:
        await backend.check()

    assert raised.value.code is ErrorCode.TEMPORARILY_UNAVAILABLE
    assert "bucket 'berth-test-no-such-bucket' does not exist" in raised.value.message


async def test_check_says_an_endpoint_on_a_closed_port_is_unreachable(
    s3_server: S3Server, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    backend = open_backend(S3Backend("s3://bucket", s3_server.options(endpoint_url=endpoint)))

    with pytest.raises(BerthError) as raised:
        await backend.check()

    assert raised.value.code is ErrorCode.TEMPORARILY_UNAVAILABLE
    assert f"the S3 endpoint {endpoint} is unreachable" in raised.value.message


async def test_check_names_a_ca_bundle_that_does_not_exist(
    s3_server: S3Server,
    s3_bucket: str,
    tmp_path: Path,
    open_backend: Callable[[S3Backend], S3Backend],
) -> None:
    bundle = str(tmp_path / "no-such-ca.pem")
    options = s3_server.options(ca_bundle=bundle)
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))

    with pytest.raises(BerthError) as raised:
        await backend.check()

    assert raised.value.code is ErrorCode.TEMPORARILY_UNAVAILABLE
    assert f"the CA bundle {bundle!r} cannot be loaded" in raised.value.message


async def test_check_names_an_endpoint_url_that_is_not_one(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = s3_server.options(endpoint_url="not a url")
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))

    with pytest.raises(BerthError) as raised:
        await backend.check()

    assert raised.value.code is ErrorCode.TEMPORARILY_UNAVAILABLE
    assert "endpoint 'not a url'" in raised.value.message


# Streamed writes above the part size: multipart uploads


async def test_write_above_the_part_size_stores_the_exact_bytes_in_parts(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend
) -> None:
    data = large_data(2 * PART_SIZE + 12345)

    written = await backend.write("models/big.bin", chunked(data))

    stored = head(s3_server, s3_bucket, "models/big.bin")
    assert written == len(data)
    assert stored is not None
    assert stored["ContentLength"] == len(data)
    assert stored["ETag"].strip('"').endswith("-3")  # assembled from three parts
    assert sha256(get(s3_server, s3_bucket, "models/big.bin")) == sha256(data)


async def test_source_failing_halfway_leaves_no_pending_upload_and_no_object(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend
) -> None:
    seen_pending: list[str] = []

    async def breaks_after_one_part() -> AsyncIterator[bytes]:
        yield large_data(PART_SIZE + MiB)
        seen_pending.extend(pending_uploads(s3_server, s3_bucket))
        raise RuntimeError("client went away")

    with pytest.raises(RuntimeError, match="client went away"):
        await backend.write("big.bin", breaks_after_one_part())

    assert seen_pending == ["big.bin"]  # the failure struck mid-upload
    assert pending_uploads(s3_server, s3_bucket) == []
    assert head(s3_server, s3_bucket, "big.bin") is None


async def test_source_failing_halfway_keeps_the_previous_object(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend
) -> None:
    await backend.write("model.bin", stream(b"version 1"))

    async def breaks_after_one_part() -> AsyncIterator[bytes]:
        yield large_data(PART_SIZE + MiB)
        raise RuntimeError("client went away")

    with pytest.raises(RuntimeError):
        await backend.write("model.bin", breaks_after_one_part())

    assert get(s3_server, s3_bucket, "model.bin") == b"version 1"


async def test_cancelled_write_leaves_no_pending_upload_and_no_object(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend
) -> None:
    stalled = asyncio.Event()
    seen_pending: list[str] = []

    async def stalls_after_one_part() -> AsyncIterator[bytes]:
        yield large_data(PART_SIZE + MiB)
        seen_pending.extend(pending_uploads(s3_server, s3_bucket))
        stalled.set()
        await asyncio.Event().wait()  # the client never sends the rest
        yield b"never"

    write = asyncio.create_task(backend.write("big.bin", stalls_after_one_part()))
    await asyncio.wait_for(stalled.wait(), timeout=30)
    write.cancel()
    with pytest.raises(asyncio.CancelledError):
        await write

    assert seen_pending == ["big.bin"]
    assert pending_uploads(s3_server, s3_bucket) == []
    assert head(s3_server, s3_bucket, "big.bin") is None


# Streamed writes of a declared size: one PutObject


async def test_write_of_declared_size_stores_the_exact_bytes_in_one_request(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend
) -> None:
    data = large_data(2 * PART_SIZE + 12345)

    written = await backend.write("models/big.bin", chunked(data), len(data))

    stored = head(s3_server, s3_bucket, "models/big.bin")
    assert written == len(data)
    assert stored is not None
    assert stored["ETag"].strip('"') == hashlib.md5(data).hexdigest()  # not assembled from parts
    assert sha256(get(s3_server, s3_bucket, "models/big.bin")) == sha256(data)
    assert pending_uploads(s3_server, s3_bucket) == []


async def test_write_of_declared_size_above_a_single_request_goes_up_in_parts(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s3, "MAX_SINGLE_PUT", PART_SIZE)
    data = large_data(PART_SIZE + MiB)

    await backend.write("big.bin", chunked(data), len(data))

    stored = head(s3_server, s3_bucket, "big.bin")
    assert stored is not None
    assert stored["ETag"].strip('"').endswith("-2")
    assert get(s3_server, s3_bucket, "big.bin") == data


async def test_declared_size_source_failing_halfway_raises_its_own_failure_and_keeps_the_object(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend
) -> None:
    await backend.write("model.bin", stream(b"version 1"))

    async def breaks_halfway() -> AsyncIterator[bytes]:
        yield large_data(PART_SIZE)
        raise RuntimeError("client went away")

    with pytest.raises(RuntimeError, match="client went away"):
        await backend.write("model.bin", breaks_halfway(), 2 * PART_SIZE)

    assert get(s3_server, s3_bucket, "model.bin") == b"version 1"


async def test_cancelled_write_of_declared_size_stores_nothing(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend
) -> None:
    stalled = asyncio.Event()

    async def stalls_halfway() -> AsyncIterator[bytes]:
        yield large_data(PART_SIZE)
        stalled.set()
        await asyncio.Event().wait()  # the client never sends the rest
        yield b"never"

    write = asyncio.create_task(backend.write("big.bin", stalls_halfway(), 2 * PART_SIZE))
    await asyncio.wait_for(stalled.wait(), timeout=30)
    write.cancel()
    with pytest.raises(asyncio.CancelledError):
        await write

    assert head(s3_server, s3_bucket, "big.bin") is None


# Server-side encryption


async def test_server_side_encryption_applies_to_single_part_objects(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = s3_server.options(server_side_encryption="AES256")
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))

    await backend.write("small.txt", stream(b"secret"))

    stored = head(s3_server, s3_bucket, "small.txt")
    assert stored is not None
    assert stored["ServerSideEncryption"] == "AES256"


async def test_server_side_encryption_applies_to_multipart_objects(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = s3_server.options(server_side_encryption="AES256")
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))

    await backend.write("big.bin", chunked(large_data(PART_SIZE + MiB)))

    stored = head(s3_server, s3_bucket, "big.bin")
    assert stored is not None
    assert stored["ETag"].strip('"').endswith("-2")
    assert stored["ServerSideEncryption"] == "AES256"


async def test_server_side_encryption_applies_to_objects_of_declared_size(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = s3_server.options(server_side_encryption="AES256")
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))
    data = large_data(PART_SIZE + MiB)

    await backend.write("big.bin", chunked(data), len(data))

    stored = head(s3_server, s3_bucket, "big.bin")
    assert stored is not None
    assert stored["ServerSideEncryption"] == "AES256"


async def test_server_side_encryption_applies_to_presigned_multipart_uploads(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = s3_server.options(server_side_encryption="AES256")
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))
    upload = await backend.create_multipart_upload("big.bin", 1)
    etag = await asyncio.to_thread(put_part, upload.parts[0].url, b"part")

    await backend.complete_multipart_upload("big.bin", upload.upload_id, [UploadedPart(1, etag)])

    stored = head(s3_server, s3_bucket, "big.bin")
    assert stored is not None
    assert stored["ServerSideEncryption"] == "AES256"


# Addressing style


async def test_path_style_puts_the_bucket_in_the_path_of_presigned_urls(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = s3_server.options(
        addressing_style="path", public_endpoint_url="https://s3.example.com"
    )
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))
    await backend.write("a/model.pkl", stream(b"weights"))

    url = urlsplit((await backend.presign_download("a/model.pkl")).url)

    assert url.netloc == "s3.example.com"
    assert url.path == f"/{s3_bucket}/a/model.pkl"


async def test_virtual_style_puts_the_bucket_in_the_host_of_presigned_urls(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = s3_server.options(
        addressing_style="virtual", public_endpoint_url="https://s3.example.com"
    )
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))
    await backend.write("a/model.pkl", stream(b"weights"))

    url = urlsplit((await backend.presign_download("a/model.pkl")).url)

    assert url.netloc == f"{s3_bucket}.s3.example.com"
    assert url.path == "/a/model.pkl"


@pytest.mark.parametrize("style", ["path", "virtual", "auto"])
async def test_every_addressing_style_works_against_an_ip_endpoint(
    style: str,
    s3_server: S3Server,
    s3_bucket: str,
    open_backend: Callable[[S3Backend], S3Backend],
) -> None:
    """botocore addresses an IP endpoint by path whatever the style: ``virtual`` must not
    produce a client that cannot reach a loopback or in-cluster address."""
    if urlsplit(s3_server.endpoint_url).hostname != "127.0.0.1":
        pytest.skip("the S3 API of this run is not on a loopback IP address")
    backend = open_backend(
        S3Backend(f"s3://{s3_bucket}", s3_server.options(addressing_style=style))
    )

    await backend.check()
    await backend.write("f.txt", stream(b"bytes"))

    assert await read_all(backend, "f.txt") == b"bytes"


# Presigned downloads


async def test_presigned_download_is_signed_for_the_endpoint_without_a_public_one(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend
) -> None:
    await backend.write("f.txt", stream(b"bytes"))

    download = await backend.presign_download("f.txt")

    assert urlsplit(download.url).netloc == urlsplit(s3_server.endpoint_url).netloc
    assert download.size == 5


async def test_presigned_download_is_signed_for_the_public_endpoint(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = s3_server.options(public_endpoint_url="https://artifacts.example.com:9443")
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))
    await backend.write("f.txt", stream(b"bytes"))

    url = urlsplit((await backend.presign_download("f.txt")).url)

    assert (url.scheme, url.netloc) == ("https", "artifacts.example.com:9443")
    assert "X-Amz-Signature=" in url.query


async def test_presigned_download_fetched_returns_the_bytes(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = s3_server.options(public_endpoint_url=s3_server.endpoint_url)
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))
    await backend.write("f.txt", stream(b"bytes from the store"))

    download = await backend.presign_download("f.txt")

    assert await asyncio.to_thread(fetch, download.url) == b"bytes from the store"


async def test_presigned_download_of_a_missing_file_is_not_found(backend: S3Backend) -> None:
    with pytest.raises(BerthError) as raised:
        await backend.presign_download("missing.txt")

    assert raised.value.code is ErrorCode.RESOURCE_DOES_NOT_EXIST


async def test_presigned_download_signed_for_a_distinct_public_endpoint_is_served(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    """The URL is signed for the public address (the same server under another name here),
    and fetching it there returns the bytes. moto does not check presigned signatures; an S3
    API that does (MinIO, given as BERTH_TEST_S3_URL) checks the host they were made for."""
    endpoint = urlsplit(s3_server.endpoint_url)
    other_name = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}.get(endpoint.hostname or "")
    if other_name is None:
        pytest.skip("the S3 API of this run has no second loopback name")
    public = f"{endpoint.scheme}://{other_name}:{endpoint.port}"
    options = s3_server.options(public_endpoint_url=public)
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))
    await backend.write("public/f.txt", stream(b"through the public address"))

    download = await backend.presign_download("public/f.txt")

    assert download.url.startswith(f"{public}/{s3_bucket}/public/f.txt?")
    assert await asyncio.to_thread(fetch, download.url) == b"through the public address"


# Presigned multipart uploads


async def test_presigned_multipart_upload_round_trips(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend
) -> None:
    data = large_data(MIN_PART + 4321)
    pieces = [data[:MIN_PART], data[MIN_PART:]]

    upload = await backend.create_multipart_upload("runs/1/model.bin", len(pieces))
    etags = [
        await asyncio.to_thread(put_part, part.url, piece)
        for part, piece in zip(upload.parts, pieces, strict=True)
    ]
    await backend.complete_multipart_upload(
        "runs/1/model.bin",
        upload.upload_id,
        [UploadedPart(number, etag) for number, etag in enumerate(etags, start=1)],
    )

    assert [part.part_number for part in upload.parts] == [1, 2]
    assert sha256(get(s3_server, s3_bucket, "runs/1/model.bin")) == sha256(data)
    assert pending_uploads(s3_server, s3_bucket) == []


async def test_abort_discards_a_presigned_multipart_upload(
    s3_server: S3Server, s3_bucket: str, backend: S3Backend
) -> None:
    upload = await backend.create_multipart_upload("model.bin", 2)
    await asyncio.to_thread(put_part, upload.parts[0].url, large_data(MIN_PART))
    assert pending_uploads(s3_server, s3_bucket) == ["model.bin"]

    await backend.abort_multipart_upload("model.bin", upload.upload_id)

    assert pending_uploads(s3_server, s3_bucket) == []
    assert head(s3_server, s3_bucket, "model.bin") is None


# A root with a prefix


async def test_root_prefix_keeps_every_key_under_it(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    backend = open_backend(S3Backend(f"s3://{s3_bucket}/some/prefix", s3_server.options()))
    await backend.write("a.txt", stream(b"a"))
    await backend.write("dir/b.txt", stream(b"b"))
    await backend.write("dir/big.bin", chunked(large_data(PART_SIZE + 1)))
    upload = await backend.create_multipart_upload("up/c.bin", 1)
    etag = await asyncio.to_thread(put_part, upload.parts[0].url, b"c")
    await backend.complete_multipart_upload("up/c.bin", upload.upload_id, [UploadedPart(1, etag)])

    assert object_keys(s3_server, s3_bucket) == [
        "some/prefix/a.txt",
        "some/prefix/dir/b.txt",
        "some/prefix/dir/big.bin",
        "some/prefix/up/c.bin",
    ]


async def test_root_prefix_hides_keys_beside_it(
    s3_server: S3Server, s3_bucket: str, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    s3_server.client().put_object(Bucket=s3_bucket, Key="some/prefixed-sibling.txt", Body=b"x")
    s3_server.client().put_object(Bucket=s3_bucket, Key="other.txt", Body=b"x")
    backend = open_backend(S3Backend(f"s3://{s3_bucket}/some/prefix", s3_server.options()))
    await backend.write("mine.txt", stream(b"mine"))

    assert [entry.path for entry in await backend.list("")] == ["mine.txt"]


# Ranged reads at the edges of an object

SIZE = CHUNK_SIZE + 10
EDGE_DATA = large_data(SIZE, seed=3)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 1, EDGE_DATA[:1]),
        (SIZE - 1, SIZE, EDGE_DATA[-1:]),
        (SIZE - 1, None, EDGE_DATA[-1:]),
        (SIZE - 3, SIZE + 100, EDGE_DATA[-3:]),
        (0, SIZE, EDGE_DATA),
        (CHUNK_SIZE - 1, CHUNK_SIZE + 1, EDGE_DATA[CHUNK_SIZE - 1 : CHUNK_SIZE + 1]),
        (SIZE, None, b""),
        (SIZE, SIZE + 5, b""),
        (SIZE + 10, None, b""),
    ],
    ids=[
        "first byte",
        "last byte",
        "last byte open-ended",
        "past the end clamped",
        "whole object",
        "across a chunk boundary",
        "from the end",
        "from the end bounded",
        "beyond the end",
    ],
)
async def test_ranged_read_at_the_edges_of_an_object(
    start: int, end: int | None, expected: bytes, backend: S3Backend
) -> None:
    await backend.write("edge.bin", stream(EDGE_DATA))

    assert await read_all(backend, "edge.bin", start, end) == expected


@pytest.mark.parametrize(("start", "end"), [(0, None), (0, 5), (3, None)])
async def test_ranged_read_of_an_empty_object_is_empty(
    start: int, end: int | None, backend: S3Backend
) -> None:
    await backend.write("empty.bin", stream())

    assert await read_all(backend, "empty.bin", start, end) == b""


# Credentials, against a moto server that authenticates requests


@dataclass(frozen=True)
class StrictS3:
    """An S3 API that checks signatures, the keys of a user allowed to use ``bucket``."""

    server: S3Server
    bucket: str


def _set_moto_auth(endpoint_url: str, free_actions: str) -> None:
    """moto authenticates every request once ``free_actions`` unauthenticated ones are spent."""
    request = urllib.request.Request(
        f"{endpoint_url}/moto-api/reset-auth",
        data=free_actions.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


@pytest.fixture(scope="module")
def strict_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StrictS3]:
    process, anonymous = start_moto(tmp_path_factory.mktemp("strict-moto") / "moto.log")
    try:
        bucket = "berth-test-strict"
        session = boto3.Session(
            aws_access_key_id="setup", aws_secret_access_key="setup", region_name=REGION
        )
        session.client("s3", endpoint_url=anonymous.endpoint_url).create_bucket(Bucket=bucket)
        iam = session.client("iam", endpoint_url=anonymous.endpoint_url)
        iam.create_user(UserName="berth")
        iam.put_user_policy(
            UserName="berth",
            PolicyName="artifacts",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                }
            ),
        )
        key = iam.create_access_key(UserName="berth")["AccessKey"]
        _set_moto_auth(anonymous.endpoint_url, "0")
        yield StrictS3(
            S3Server(anonymous.endpoint_url, key["AccessKeyId"], key["SecretAccessKey"]), bucket
        )
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing for botocore's credential chain to find: no AWS_* variables, no shared files,
    no instance metadata."""
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


async def test_check_with_the_right_credentials_passes_on_the_authenticating_server(
    strict_s3: StrictS3, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    backend = open_backend(S3Backend(f"s3://{strict_s3.bucket}", strict_s3.server.options()))

    await backend.check()


async def test_writes_are_accepted_by_the_authenticating_server(
    strict_s3: StrictS3, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    backend = open_backend(S3Backend(f"s3://{strict_s3.bucket}", strict_s3.server.options()))
    data = large_data(PART_SIZE + MiB)

    await backend.write("small.txt", stream(b"hello"))
    await backend.write("streamed.bin", chunked(data), len(data))
    await backend.write("parts.bin", chunked(data))

    assert await read_all(backend, "small.txt") == b"hello"
    assert await read_all(backend, "streamed.bin") == data
    assert await read_all(backend, "parts.bin") == data


async def test_check_with_a_wrong_secret_says_the_credentials_were_refused(
    strict_s3: StrictS3, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = strict_s3.server.options(secret_access_key="not-the-secret")
    backend = open_backend(S3Backend(f"s3://{strict_s3.bucket}", options))

    with pytest.raises(BerthError) as raised:
        await backend.check()

    assert raised.value.code is ErrorCode.TEMPORARILY_UNAVAILABLE
    assert f"S3 refused the credentials for bucket {strict_s3.bucket!r}" in raised.value.message


async def test_check_with_unknown_keys_says_the_credentials_were_refused(
    strict_s3: StrictS3, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = strict_s3.server.options(access_key_id="AKIANOBODY", secret_access_key="x")
    backend = open_backend(S3Backend(f"s3://{strict_s3.bucket}", options))

    with pytest.raises(BerthError) as raised:
        await backend.check()

    assert "S3 refused the credentials" in raised.value.message


@pytest.mark.usefixtures("no_ambient_credentials")
async def test_check_without_any_credentials_says_none_were_found(
    strict_s3: StrictS3, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = strict_s3.server.options(access_key_id=None, secret_access_key=None)
    backend = open_backend(S3Backend(f"s3://{strict_s3.bucket}", options))

    with pytest.raises(BerthError) as raised:
        await backend.check()

    assert raised.value.code is ErrorCode.TEMPORARILY_UNAVAILABLE
    assert "no credentials found" in raised.value.message


@pytest.mark.usefixtures("no_ambient_credentials")
async def test_credentials_from_the_environment_variables_are_used(
    strict_s3: StrictS3,
    monkeypatch: pytest.MonkeyPatch,
    open_backend: Callable[[S3Backend], S3Backend],
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", strict_s3.server.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", strict_s3.server.secret_access_key)
    options = strict_s3.server.options(access_key_id=None, secret_access_key=None)
    backend = open_backend(S3Backend(f"s3://{strict_s3.bucket}", options))

    await backend.check()
    await backend.write("env.txt", stream(b"from the environment"))

    assert await read_all(backend, "env.txt") == b"from the environment"


@pytest.mark.usefixtures("no_ambient_credentials")
async def test_credentials_from_a_shared_credentials_profile_are_used(
    strict_s3: StrictS3,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    open_backend: Callable[[S3Backend], S3Backend],
) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[default]\n"
        "aws_access_key_id = AKIANOBODY\n"
        "aws_secret_access_key = wrong\n"
        "[berth-artifacts]\n"
        f"aws_access_key_id = {strict_s3.server.access_key_id}\n"
        f"aws_secret_access_key = {strict_s3.server.secret_access_key}\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    options = strict_s3.server.options(
        access_key_id=None, secret_access_key=None, profile="berth-artifacts"
    )
    backend = open_backend(S3Backend(f"s3://{strict_s3.bucket}", options))

    await backend.check()
    await backend.write("profile.txt", stream(b"from the profile"))

    assert await read_all(backend, "profile.txt") == b"from the profile"


@pytest.mark.usefixtures("no_ambient_credentials")
async def test_credentials_from_a_web_identity_token_are_used_as_with_irsa(
    s3_server: S3Server,
    s3_bucket: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    open_backend: Callable[[S3Backend], S3Backend],
) -> None:
    """The only credentials to be had come from STS AssumeRoleWithWebIdentity on a projected
    token (moto's STS; its unauthenticated S3 takes them, the strict one cannot serve STS)."""
    token = tmp_path / "token"
    token.write_text("a-projected-service-account-token")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/berth")
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "berth")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", s3_server.endpoint_url)
    options = s3_server.options(access_key_id=None, secret_access_key=None)
    backend = open_backend(S3Backend(f"s3://{s3_bucket}", options))

    await backend.check()
    await backend.write("irsa.txt", stream(b"from an assumed role"))

    assert await read_all(backend, "irsa.txt") == b"from an assumed role"


@pytest.mark.usefixtures("no_ambient_credentials")
async def test_check_names_a_profile_that_is_not_defined(
    strict_s3: StrictS3, open_backend: Callable[[S3Backend], S3Backend]
) -> None:
    options = strict_s3.server.options(
        access_key_id=None, secret_access_key=None, profile="no-such-profile"
    )
    backend = open_backend(S3Backend(f"s3://{strict_s3.bucket}", options))

    with pytest.raises(BerthError) as raised:
        await backend.check()

    assert "the AWS profile 'no-such-profile' is not defined" in raised.value.message
