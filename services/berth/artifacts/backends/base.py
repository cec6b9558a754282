"""The artifact backend interface: what the artifact service needs from a store of bytes.

Paths are canonical relative paths (``paths.canonical_relative_path``): '/'-separated, no
leading slash, '' for the root. The service canonicalises them once; backends check again
(:func:`require_canonical`) and, where the store can be tricked (symlinks on a filesystem),
refuse anything that leads outside their root. Bytes move as streams of at most
:data:`CHUNK_SIZE`, so memory does not grow with file size.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from berth.artifacts.paths import canonical_relative_path
from berth.errors import invalid

CHUNK_SIZE = 1024 * 1024
"""The largest chunk a backend's ``read`` yields (1 MiB)."""


@dataclass(frozen=True)
class ArtifactEntry:
    """One child of a listed directory."""

    path: str  # relative to the backend root, '/'-separated, no leading slash
    is_dir: bool
    size: int | None  # bytes for files, None for directories


class ArtifactBackend(Protocol):
    """A store of artifact files under one root URI."""

    root: str
    """The URI this backend serves, e.g. ``file:///srv/mlartifacts`` or ``memory://test``."""

    async def check(self) -> None:
        """Return if the store is reachable and usable, else raise TEMPORARILY_UNAVAILABLE."""
        ...

    async def list(self, path: str) -> list[ArtifactEntry]:
        """The direct children of directory ``path``, sorted by path; [] if it is not one."""
        ...

    async def size(self, path: str) -> int | None:
        """The size of the file at ``path``; None if there is no file there."""
        ...

    def read(self, path: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Bytes ``[start, end)`` of the file at ``path`` in chunks of at most CHUNK_SIZE.

        A range past the end of the file yields what exists. Errors (RESOURCE_DOES_NOT_EXIST
        when there is no file) are raised by the first ``__anext__``, not by the call.
        """
        ...

    async def write(self, path: str, chunks: AsyncIterable[bytes], size: int | None = None) -> int:
        """Create or replace the file at ``path`` from ``chunks``, all or nothing.

        Parent directories are created. Returns the number of bytes written. A stream that
        fails or is cancelled leaves the previous file (or nothing) in place. ``size``, when
        the client declared it, is the number of bytes ``chunks`` yields (the caller checks
        that it does): a backend may then send the file to its store in one request.
        """
        ...

    async def delete(self, path: str) -> None:
        """Delete the file, or the directory tree, at ``path``; RESOURCE_DOES_NOT_EXIST if none."""
        ...

    async def close(self) -> None:
        """Release connections; the backend is not used afterwards."""
        ...


@dataclass(frozen=True)
class PresignedRequest:
    """A request a client makes to the store itself: the URL and the headers to send."""

    url: str
    headers: dict[str, str]


@dataclass(frozen=True)
class PresignedDownload(PresignedRequest):
    size: int


@dataclass(frozen=True)
class PresignedPart(PresignedRequest):
    part_number: int


@dataclass(frozen=True)
class MultipartUpload:
    upload_id: str
    parts: list[PresignedPart]


@dataclass(frozen=True)
class UploadedPart:
    part_number: int
    etag: str


@runtime_checkable
class DelegatingBackend(ArtifactBackend, Protocol):
    """A store that clients can read and write themselves through presigned URLs, so that
    the proxy authorises the request and the store moves the bytes."""

    async def presign_download(self, path: str) -> PresignedDownload:
        """A URL for the file at ``path``; RESOURCE_DOES_NOT_EXIST if there is none."""
        ...

    async def create_multipart_upload(self, path: str, num_parts: int) -> MultipartUpload:
        """Start an upload of ``path`` in ``num_parts`` parts, each with its own URL."""
        ...

    async def complete_multipart_upload(
        self, path: str, upload_id: str, parts: builtins.list[UploadedPart]
    ) -> None:
        """Assemble the uploaded parts into the file at ``path``."""
        ...

    async def abort_multipart_upload(self, path: str, upload_id: str) -> None:
        """Discard an unfinished upload and the parts sent so far."""
        ...


def require_canonical(path: str) -> str:
    """``path`` itself if it is a canonical relative path, else INVALID_PARAMETER_VALUE."""
    if canonical_relative_path(path) != path:
        raise invalid(f"Invalid path {path!r}: not a canonical relative artifact path.")
    return path


def require_file_path(path: str) -> str:
    """A canonical path naming something below the root (not the root itself)."""
    if not require_canonical(path):
        raise invalid("An artifact path is required; the root itself cannot be written or deleted.")
    return path


def check_range(start: int, end: int | None) -> None:
    if start < 0 or (end is not None and end < start):
        raise invalid(f"Invalid byte range [{start}, {end}).")


def child_path(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name
