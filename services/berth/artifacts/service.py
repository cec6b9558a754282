"""The artifact service: MLflow's ``mlflow-artifacts`` operations over one backend.

Every path a client sends is canonicalised once (``paths.canonical_relative_path``) before a
backend sees it; bytes are streamed in both directions, never held whole.
"""

from __future__ import annotations

import posixpath
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass

from berth.artifacts.backends.base import ArtifactBackend, ArtifactEntry
from berth.artifacts.paths import canonical_relative_path
from berth.errors import invalid, not_found


@dataclass(frozen=True)
class Download:
    """An artifact's bytes from ``start`` to ``end`` (exclusive) of ``size``, as a stream."""

    path: str
    size: int
    start: int
    end: int
    chunks: AsyncIterator[bytes]


class ArtifactService:
    def __init__(self, backend: ArtifactBackend) -> None:
        self.backend = backend

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

    async def upload(self, path: str, chunks: AsyncIterable[bytes]) -> int:
        return await self.backend.write(_file_path(path), chunks)

    async def delete(self, path: str) -> None:
        await self.backend.delete(_file_path(path))


class RangeNotSatisfiable(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"range not satisfiable for {size} bytes")
        self.size = size


def _file_path(path: str) -> str:
    artifact = canonical_relative_path(path)
    if not artifact:
        raise invalid("An artifact path is required.")
    return artifact


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
