"""The artifact service: MLflow's ``mlflow-artifacts`` operations over one backend.

Every path a client sends is canonicalised once (``paths.canonical_relative_path``) before a
backend sees it; bytes are streamed in both directions, never held whole.
"""

from __future__ import annotations

import builtins
import posixpath
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass

from berth.artifacts.backends.base import (
    ArtifactBackend,
    ArtifactEntry,
    DelegatingBackend,
    MultipartUpload,
    PresignedDownload,
    UploadedPart,
)
from berth.artifacts.paths import canonical_relative_path
from berth.errors import BerthError, ErrorCode, invalid, not_found

# The client falls back to proxied transfers when an answer starts with these (MLflow's words).
MULTIPART_UPLOAD_UNSUPPORTED = (
    "Multipart upload is not supported for the current artifact repository"
)
MULTIPART_DOWNLOAD_UNSUPPORTED = (
    "Multipart download is not supported for the current artifact repository"
)


@dataclass(frozen=True)
class Download:
    """An artifact's bytes from ``start`` to ``end`` (exclusive) of ``size``, as a stream."""

    path: str
    size: int
    start: int
    end: int
    chunks: AsyncIterator[bytes]


class ArtifactService:
    """The artifact operations over ``backend``; with ``delegation`` the store moves the
    bytes of downloads and multipart uploads itself, through presigned URLs."""

    def __init__(self, backend: ArtifactBackend, delegation: bool = False) -> None:
        if delegation and not isinstance(backend, DelegatingBackend):
            raise invalid(
                f"Presigned delegation needs a store that can presign URLs (S3 or MinIO); "
                f"{backend.root} cannot."
            )
        self.backend = backend
        self._delegate = backend if delegation and isinstance(backend, DelegatingBackend) else None

    @property
    def delegates(self) -> bool:
        """Whether clients get presigned URLs (advertised to them in ``server-info``)."""
        return self._delegate is not None

    async def list(self, path: str | None) -> list[ArtifactEntry]:
        """The directory's children, named by their basename (as MLflow's API answers)."""
        directory = canonical_relative_path(path)
        entries = await self.backend.list(directory)
        return [ArtifactEntry(posixpath.basename(e.path), e.is_dir, e.size) for e in entries]

    async def download(
        self, path: str, byte_range: tuple[int | None, int | None] | None
    ) -> Download:
        """``byte_range`` is an HTTP range's (first, last) bytes, either end open."""
        artifact = _file_path(path)
        size = await self.backend.size(artifact)
        if size is None:
            raise not_found(f"Artifact '{artifact}' does not exist or is a directory.")
        start, end = _resolve_range(byte_range, size)
        return Download(artifact, size, start, end, self.backend.read(artifact, start, end))

    async def upload(self, path: str, chunks: AsyncIterable[bytes], size: int | None = None) -> int:
        """Store ``chunks`` at ``path``; ``size`` is the byte count the client declared, if it
        did, and a stream that yields any other count stores nothing."""
        checked = chunks if size is None else _declared(chunks, size)
        return await self.backend.write(_file_path(path), checked, size)

    async def delete(self, path: str) -> None:
        await self.backend.delete(_file_path(path))

    async def presigned_download(self, path: str) -> PresignedDownload:
        artifact = _file_path(path)  # a bad path is refused first, delegating or not (as MLflow)
        return await self._delegating(MULTIPART_DOWNLOAD_UNSUPPORTED).presign_download(artifact)

    async def create_multipart_upload(
        self, directory: str, local_file: str, num_parts: int
    ) -> MultipartUpload:
        """Start an upload of the client's ``local_file`` into ``directory`` (as MLflow's
        client names it: the directory in the URL, the file's own name in the body)."""
        target = _upload_target(directory, local_file)
        return await self._delegating(MULTIPART_UPLOAD_UNSUPPORTED).create_multipart_upload(
            target, num_parts
        )

    async def complete_multipart_upload(
        self, directory: str, local_file: str, upload_id: str, parts: builtins.list[UploadedPart]
    ) -> None:
        target = _upload_target(directory, local_file)
        await self._delegating(MULTIPART_UPLOAD_UNSUPPORTED).complete_multipart_upload(
            target, _upload_id(upload_id), parts
        )

    async def abort_multipart_upload(self, directory: str, local_file: str, upload_id: str) -> None:
        target = _upload_target(directory, local_file)
        await self._delegating(MULTIPART_UPLOAD_UNSUPPORTED).abort_multipart_upload(
            target, _upload_id(upload_id)
        )

    def _delegating(self, refusal: str) -> DelegatingBackend:
        if self._delegate is None:
            raise BerthError(ErrorCode.NOT_IMPLEMENTED, refusal)
        return self._delegate


class RangeNotSatisfiable(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"range not satisfiable for {size} bytes")
        self.size = size


async def _declared(chunks: AsyncIterable[bytes], size: int) -> AsyncIterator[bytes]:
    """``chunks``, failing as soon as they run past ``size`` bytes or end short of it."""
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > size:
            raise invalid(f"The upload is longer than the {size} bytes it declared.")
        yield chunk
    if received < size:
        raise invalid(
            f"The upload ended after {received} of the {size} bytes it declared; "
            "nothing was stored."
        )


def _file_path(path: str) -> str:
    artifact = canonical_relative_path(path)
    if not artifact:
        raise invalid("An artifact path is required.")
    return artifact


def _upload_target(directory: str, local_file: str) -> str:
    """``directory``/<the file's name>; the client sends its own local path (POSIX or Windows)."""
    name = local_file.replace("\\", "/").rsplit("/", 1)[-1]
    if not name:
        raise invalid("'path' must name the file being uploaded.")
    return _file_path(posixpath.join(canonical_relative_path(directory), name))


def _upload_id(upload_id: str) -> str:
    if not upload_id:
        raise invalid("Missing value for required parameter 'upload_id'.")
    return upload_id


def _resolve_range(byte_range: tuple[int | None, int | None] | None, size: int) -> tuple[int, int]:
    if byte_range is None:
        return 0, size
    first, last = byte_range
    if first is None:  # suffix range: the last `last` bytes
        if not last:
            raise RangeNotSatisfiable(size)
        return max(size - last, 0), size
    if first >= size:
        raise RangeNotSatisfiable(size)
    end = size if last is None else min(last + 1, size)
    if end <= first:
        raise RangeNotSatisfiable(size)
    return first, end
