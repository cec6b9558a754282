"""Artifact streams over gRPC on the local store and on S3: an interrupted upload leaves nothing
(neither the object nor a temporary file or an unfinished multipart upload), ranges, and the
message order of an upload."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import grpc
import pytest

from berth.client import BerthClientError
from berth.proto import artifacts_pb2 as apb
from tests.fixtures.s3 import S3Server
from tests.integration.artifacts.support import s3_settings
from tests.integration.transports.support import Running, running, settings

MIB = 1024 * 1024


class Store:
    """What an artifact store holds, as the test sees it from outside the server."""

    def __init__(
        self, kind: str, files: Callable[[], list[str]], pending: Callable[[], int]
    ) -> None:
        self.kind = kind
        self.files = files  # every object or file, temporary ones included
        self.pending = pending  # unfinished uploads (temporary files, multipart uploads)


@pytest.fixture(params=["local", "s3"])
async def store_app(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Running, Store]]:
    if request.param == "local":
        root = tmp_path / "store"
        fields: dict[str, Any] = {"artifacts_destination": str(root)}

        def local_files() -> list[str]:
            return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

        def local_pending() -> int:
            return sum(1 for p in root.rglob(".berth-upload-*"))

        store = Store("local", local_files, local_pending)
    else:
        server: S3Server = request.getfixturevalue("s3_server")
        bucket: str = request.getfixturevalue("s3_bucket")
        fields = s3_settings(server, bucket)
        client = server.client()

        def s3_files() -> list[str]:
            listed = client.list_objects_v2(Bucket=bucket)
            return sorted(item["Key"] for item in listed.get("Contents", []))

        def s3_pending() -> int:
            return len(client.list_multipart_uploads(Bucket=bucket).get("Uploads", []))

        store = Store("s3", s3_files, s3_pending)
    async with running(settings(artifacts_only=True, **fields)) as app:
        yield app, store


async def _eventually(condition: Callable[[], bool]) -> None:
    for _ in range(600):  # generous: CI machines are shared and slow at times
        if await asyncio.to_thread(condition):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not reached within 30 s")


async def _stalled_upload(app: Running, size: int, **call: Any) -> asyncio.Task[Any]:
    """An upload that sends ``size`` bytes, then waits forever for the rest."""

    async def messages() -> AsyncIterator[apb.UploadArtifactRequest]:
        yield apb.UploadArtifactRequest(path="run/model.bin")
        for _ in range(size // MIB):
            yield apb.UploadArtifactRequest(chunk=b"\1" * MIB)
        await asyncio.Event().wait()

    upload = app.grpc.client.artifacts._stream_in(
        "UploadArtifact", apb.UploadArtifactResponse, messages(), call.get("timeout")
    )
    return asyncio.ensure_future(upload)


# 3 MiB stays below one S3 part (a single PUT at the end); 20 MiB starts a multipart upload.
@pytest.mark.parametrize("size", [3 * MIB, 20 * MIB], ids=["small", "multipart"])
async def test_a_cancelled_upload_leaves_nothing(
    store_app: tuple[Running, Store], size: int
) -> None:
    app, store = store_app
    upload = await _stalled_upload(app, size)
    if store.kind == "local" or size > 8 * MIB:
        await _eventually(lambda: store.pending() > 0)  # the server is writing
    else:
        await asyncio.sleep(0.5)  # S3 gets a part (a single PUT here) only once it is whole

    upload.cancel()
    with contextlib.suppress(asyncio.CancelledError, BerthClientError):
        await upload

    # Every file, not only the temporary ones: a directory walk can miss a file that another
    # thread is creating or unlinking meanwhile, so one empty listing of temporaries is not
    # proof that the store holds nothing.
    await _eventually(lambda: store.files() == [])


async def test_an_upload_past_its_deadline_leaves_nothing(
    store_app: tuple[Running, Store],
) -> None:
    app, store = store_app
    upload = await _stalled_upload(app, 20 * MIB, timeout=2.0)

    with pytest.raises(BerthClientError) as failed:
        await upload

    assert failed.value.status is grpc.StatusCode.DEADLINE_EXCEEDED
    await _eventually(lambda: store.pending() == 0)
    assert store.files() == []


async def test_an_upload_replaces_the_artifact_only_when_complete(
    store_app: tuple[Running, Store],
) -> None:
    app, _ = store_app
    artifacts = app.grpc.client.artifacts
    await artifacts.upload_artifact("run/model.bin", b"old")

    upload = await _stalled_upload(app, 2 * MIB)
    await asyncio.sleep(0.3)
    upload.cancel()
    with contextlib.suppress(asyncio.CancelledError, BerthClientError):
        await upload

    assert b"".join([c async for c in artifacts.download_artifact("run/model.bin")]) == b"old"


async def test_a_download_range_streams_that_range(store_app: tuple[Running, Store]) -> None:
    app, _ = store_app
    artifacts = app.grpc.client.artifacts
    data = bytes(range(256)) * 10000
    await artifacts.upload_artifact("f.bin", data)

    chunks = [c async for c in artifacts.download_artifact("f.bin", offset=1000, length=2 * MIB)]
    tail = [c async for c in artifacts.download_artifact("f.bin", offset=len(data) - 10)]

    assert b"".join(chunks) == data[1000 : 1000 + 2 * MIB]
    assert all(len(chunk) <= MIB for chunk in chunks)
    assert b"".join(tail) == data[-10:]


async def test_a_range_past_the_end_is_invalid(store_app: tuple[Running, Store]) -> None:
    app, _ = store_app
    await app.grpc.client.artifacts.upload_artifact("f.bin", b"12345")

    with pytest.raises(BerthClientError) as failed:
        _ = [c async for c in app.grpc.client.artifacts.download_artifact("f.bin", offset=5)]

    assert failed.value.error_code == "INVALID_PARAMETER_VALUE"


async def test_an_upload_that_ends_without_its_completion_message_stores_nothing(
    store_app: tuple[Running, Store],
) -> None:
    """What a deadline or a dropped client can look like on the server: the request stream
    just ends. Only the completion message makes an upload whole."""
    app, store = store_app

    async def messages() -> AsyncIterator[apb.UploadArtifactRequest]:
        yield apb.UploadArtifactRequest(path="run/model.bin")
        for _ in range(10):
            yield apb.UploadArtifactRequest(chunk=b"\1" * MIB)

    with pytest.raises(BerthClientError) as failed:
        await app.grpc.client.artifacts._stream_in(
            "UploadArtifact", apb.UploadArtifactResponse, messages(), None
        )

    assert failed.value.error_code == "INVALID_PARAMETER_VALUE"
    await _eventually(lambda: store.pending() == 0)
    assert store.files() == []


async def test_an_upload_must_start_with_its_path(store_app: tuple[Running, Store]) -> None:
    app, store = store_app

    async def messages() -> AsyncIterator[apb.UploadArtifactRequest]:
        yield apb.UploadArtifactRequest(chunk=b"bytes first")

    with pytest.raises(BerthClientError) as failed:
        await app.grpc.client.artifacts._stream_in(
            "UploadArtifact", apb.UploadArtifactResponse, messages(), None
        )

    assert failed.value.error_code == "INVALID_PARAMETER_VALUE"
    assert store.files() == []
