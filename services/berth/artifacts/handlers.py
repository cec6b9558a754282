"""ArtifactService's rpcs (gRPC only, see artifacts.proto): messages in, the same
:class:`ArtifactService` calls as the REST routes (``routes.py``), messages out."""

from __future__ import annotations

import posixpath
from collections.abc import AsyncIterator

from berth.artifacts.backends.base import UploadedPart
from berth.artifacts.paths import canonical_relative_path
from berth.artifacts.service import ArtifactService, RangeNotSatisfiable
from berth.errors import invalid
from berth.proto import artifacts_pb2 as pb
from berth.proto import tracking_pb2


class ArtifactHandlers:
    def __init__(self, service: ArtifactService) -> None:
        self._service = service

    async def upload_artifact(
        self, requests: AsyncIterator[pb.UploadArtifactRequest]
    ) -> pb.UploadArtifactResponse:
        first = await anext(requests, None)
        if first is None or first.WhichOneof("content") != "path":
            raise invalid("The first message of an upload must name the artifact's path.")

        async def chunks() -> AsyncIterator[bytes]:
            async for message in requests:
                content = message.WhichOneof("content")
                if content == "complete":
                    return
                if content == "path":
                    raise invalid("Only the first message of an upload names the path.")
                yield message.chunk
            # The stream ended without its completion message: the client went away or its
            # deadline passed. Raising here makes the backend discard what it has written.
            raise invalid("The upload ended before its completion message; nothing was stored.")

        size = await self._service.upload(first.path, chunks())
        return pb.UploadArtifactResponse(path=canonical_relative_path(first.path), size=size)

    async def download_artifact(
        self, request: pb.DownloadArtifactRequest
    ) -> AsyncIterator[pb.DownloadArtifactResponse]:
        try:
            download = await self._service.download(request.path, _byte_range(request))
        except RangeNotSatisfiable as exc:
            message = f"The range starts at or past the end of the file ({exc.size} bytes)."
            raise invalid(message) from None
        first = True
        try:
            async for chunk in download.chunks:
                response = pb.DownloadArtifactResponse(chunk=chunk)
                if first:
                    response.file_size, first = download.size, False
                yield response
        finally:
            await download.chunks.aclose()  # type: ignore[attr-defined]
        if first:  # an empty file: one message, for its size
            yield pb.DownloadArtifactResponse(file_size=download.size)

    async def list_artifacts(self, request: pb.ListArtifactsRequest) -> pb.ListArtifactsResponse:
        entries = await self._service.list(request.path or None)
        files = [
            tracking_pb2.FileInfo(path=e.path, is_dir=e.is_dir, file_size=e.size) for e in entries
        ]
        return pb.ListArtifactsResponse(files=files)

    async def delete_artifact(self, request: pb.DeleteArtifactRequest) -> pb.DeleteArtifactResponse:
        await self._service.delete(request.path)
        return pb.DeleteArtifactResponse()

    async def get_presigned_download(
        self, request: pb.GetPresignedDownloadRequest
    ) -> pb.GetPresignedDownloadResponse:
        url = await self._service.presigned_download(request.path)
        return pb.GetPresignedDownloadResponse(url=url.url, headers=url.headers, file_size=url.size)

    async def create_multipart_upload(
        self, request: pb.CreateMultipartUploadRequest
    ) -> pb.CreateMultipartUploadResponse:
        directory, name = _split(request.path)
        upload = await self._service.create_multipart_upload(
            directory, name, request.num_parts or 1
        )
        return pb.CreateMultipartUploadResponse(
            upload_id=upload.upload_id,
            credentials=[
                pb.PresignedPart(url=p.url, part_number=p.part_number, headers=p.headers)
                for p in upload.parts
            ],
        )

    async def complete_multipart_upload(
        self, request: pb.CompleteMultipartUploadRequest
    ) -> pb.CompleteMultipartUploadResponse:
        directory, name = _split(request.path)
        parts = [UploadedPart(p.part_number, p.etag) for p in request.parts]
        await self._service.complete_multipart_upload(directory, name, request.upload_id, parts)
        return pb.CompleteMultipartUploadResponse()

    async def abort_multipart_upload(
        self, request: pb.AbortMultipartUploadRequest
    ) -> pb.AbortMultipartUploadResponse:
        directory, name = _split(request.path)
        await self._service.abort_multipart_upload(directory, name, request.upload_id)
        return pb.AbortMultipartUploadResponse()


def _byte_range(request: pb.DownloadArtifactRequest) -> tuple[int | None, int | None] | None:
    """The request's range as the service takes it (first and last byte, as in HTTP)."""
    if not request.HasField("offset") and not request.HasField("length"):
        return None
    if request.offset < 0:
        raise invalid(f"'offset' must not be negative, got {request.offset}.")
    if not request.HasField("length"):
        return request.offset, None
    if request.length <= 0:
        raise invalid(f"'length' must be positive, got {request.length}.")
    return request.offset, request.offset + request.length - 1


def _split(path: str) -> tuple[str, str]:
    """An upload's directory and file name, from its full path (checked whole first)."""
    canonical = canonical_relative_path(path)
    if not canonical:
        raise invalid("An artifact path is required.")
    return posixpath.split(canonical)
