"""ArtifactService's client: uploads and downloads as chunk streams, and the unary rpcs."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import BinaryIO

from berth.client.calls import AsyncService, SyncService, Unary
from berth.proto import artifacts_pb2 as pb

CHUNK_SIZE = 1024 * 1024
"""Bytes per upload message when the client reads a file or splits bytes."""

Source = bytes | BinaryIO | Iterable[bytes]
"""What an upload sends: bytes, a binary file open for reading, or chunks."""


class ArtifactMethods:
    SERVICE = "berth.v1.ArtifactService"

    list_artifacts = Unary(pb.ListArtifactsRequest, pb.ListArtifactsResponse)
    delete_artifact = Unary(pb.DeleteArtifactRequest, pb.DeleteArtifactResponse)
    get_presigned_download = Unary(pb.GetPresignedDownloadRequest, pb.GetPresignedDownloadResponse)
    create_multipart_upload = Unary(
        pb.CreateMultipartUploadRequest,
        pb.CreateMultipartUploadResponse,
    )
    complete_multipart_upload = Unary(
        pb.CompleteMultipartUploadRequest,
        pb.CompleteMultipartUploadResponse,
    )
    abort_multipart_upload = Unary(pb.AbortMultipartUploadRequest, pb.AbortMultipartUploadResponse)


class ArtifactClient(ArtifactMethods, SyncService):
    def upload_artifact(
        self, path: str, source: Source, *, timeout: float | None = None
    ) -> pb.UploadArtifactResponse:
        """Write ``source`` to the artifact at ``path``; it appears only once all is sent."""
        requests = _upload_messages(path, _chunks(source))
        return self._stream_in("UploadArtifact", pb.UploadArtifactResponse, requests, timeout)

    def download_artifact(
        self,
        path: str,
        *,
        offset: int | None = None,
        length: int | None = None,
        timeout: float | None = None,
    ) -> Iterator[bytes]:
        """The artifact's bytes (or ``length`` bytes from ``offset``), chunk by chunk."""
        request = _download_request(path, offset, length)
        for response in self._stream_out(
            "DownloadArtifact", pb.DownloadArtifactResponse, request, timeout
        ):
            if response.chunk:
                yield response.chunk


class AsyncArtifactClient(ArtifactMethods, AsyncService):
    async def upload_artifact(
        self, path: str, source: Source | AsyncIterable[bytes], *, timeout: float | None = None
    ) -> pb.UploadArtifactResponse:
        """As :meth:`ArtifactClient.upload_artifact`; ``source`` may be an async iterable.
        A file is read in the event loop's thread, a chunk at a time."""
        requests = _async_upload_messages(path, source)
        return await self._stream_in("UploadArtifact", pb.UploadArtifactResponse, requests, timeout)

    async def download_artifact(
        self,
        path: str,
        *,
        offset: int | None = None,
        length: int | None = None,
        timeout: float | None = None,
    ) -> AsyncIterator[bytes]:
        request = _download_request(path, offset, length)
        async for response in self._stream_out(
            "DownloadArtifact", pb.DownloadArtifactResponse, request, timeout
        ):
            if response.chunk:
                yield response.chunk


def _chunks(source: Source) -> Iterator[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        for start in range(0, len(data), CHUNK_SIZE):
            yield data[start : start + CHUNK_SIZE]
    elif hasattr(source, "read"):
        while chunk := source.read(CHUNK_SIZE):
            yield chunk
    else:
        yield from source


def _upload_messages(path: str, chunks: Iterator[bytes]) -> Iterator[pb.UploadArtifactRequest]:
    yield pb.UploadArtifactRequest(path=path)
    for chunk in chunks:
        yield pb.UploadArtifactRequest(chunk=chunk)
    yield pb.UploadArtifactRequest(complete=True)


async def _async_upload_messages(
    path: str, source: Source | AsyncIterable[bytes]
) -> AsyncIterator[pb.UploadArtifactRequest]:
    yield pb.UploadArtifactRequest(path=path)
    if isinstance(source, AsyncIterable):
        async for chunk in source:
            yield pb.UploadArtifactRequest(chunk=chunk)
    else:
        for chunk in _chunks(source):
            yield pb.UploadArtifactRequest(chunk=chunk)
    yield pb.UploadArtifactRequest(complete=True)


def _download_request(
    path: str, offset: int | None, length: int | None
) -> pb.DownloadArtifactRequest:
    request = pb.DownloadArtifactRequest(path=path)
    if offset is not None:
        request.offset = offset
    if length is not None:
        request.length = length
    return request
