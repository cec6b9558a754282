"""The artifact backend interface: what the artifact service needs from a store of bytes.

Paths are canonical relative paths (``paths.canonical_relative_path``): '/'-separated, no
leading slash, '' for the root. The service canonicalises them once; backends check again
(:func:`require_canonical`) and, where the store can be tricked (symlinks on a filesystem),
refuse anything that leads outside their root. Bytes move as streams of at most
:data:`CHUNK_SIZE`, so memory does not grow with file size.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Protocol

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

    async def write(self, path: str, chunks: AsyncIterable[bytes]) -> int:
        """Create or replace the file at ``path`` from ``chunks``, all or nothing.

        Parent directories are created. Returns the number of bytes written. A stream that
        fails or is cancelled leaves the previous file (or nothing) in place.
        """
        ...

    async def delete(self, path: str) -> None:
        """Delete the file, or the directory tree, at ``path``; RESOURCE_DOES_NOT_EXIST if none."""
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
