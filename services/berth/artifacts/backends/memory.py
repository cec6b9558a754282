"""An in-memory backend for tests: a dict of path -> bytes, directories implied by paths.

It behaves as the local backend does in every contract test (``tests/integration/artifacts/
backends/test_backend_contract.py``). Nothing is shared between instances: each
``MemoryBackend`` (and each ``backend_for("memory://...")``) starts empty. Set ``available`` to
False to make :meth:`check` fail, as an unreachable store would.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterable, AsyncIterator

from berth.artifacts.backends.base import (
    CHUNK_SIZE,
    ArtifactEntry,
    check_range,
    child_path,
    require_canonical,
    require_file_path,
)
from berth.errors import BerthError, ErrorCode, invalid, not_found


class MemoryBackend:
    def __init__(self, name: str = "test") -> None:
        self.root = f"memory://{name}"
        self.available = True
        self.files: dict[str, bytes] = {}

    async def check(self) -> None:
        if not self.available:
            raise BerthError(
                ErrorCode.TEMPORARILY_UNAVAILABLE, f"The artifact store {self.root} is unavailable."
            )

    async def list(self, path: str) -> builtins.list[ArtifactEntry]:
        prefix = _prefix(require_canonical(path))
        children: dict[str, ArtifactEntry] = {}
        for key, data in self.files.items():
            if not key.startswith(prefix):
                continue
            name, slash, _ = key[len(prefix) :].partition("/")
            child = child_path(path, name)
            children[child] = (
                ArtifactEntry(child, True, None)
                if slash
                else ArtifactEntry(child, False, len(data))
            )
        return sorted(children.values(), key=lambda entry: entry.path)

    async def size(self, path: str) -> int | None:
        data = self.files.get(require_canonical(path))
        return None if data is None else len(data)

    async def read(self, path: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        require_canonical(path)
        check_range(start, end)
        data = self.files.get(path)
        if data is None:
            raise not_found(f"Artifact {path!r} does not exist.")
        stop = len(data) if end is None else min(end, len(data))
        for offset in range(start, stop, CHUNK_SIZE):
            yield data[offset : min(offset + CHUNK_SIZE, stop)]

    async def write(self, path: str, chunks: AsyncIterable[bytes], size: int | None = None) -> int:
        require_file_path(path)
        self._check_writable(path)
        parts = [bytes(chunk) async for chunk in chunks]
        self._check_writable(path)  # the tree may have changed while the stream ran
        self.files[path] = b"".join(parts)
        return len(self.files[path])

    async def delete(self, path: str) -> None:
        require_file_path(path)
        if path in self.files:
            del self.files[path]
            return
        prefix = _prefix(path)
        doomed = [key for key in self.files if key.startswith(prefix)]
        if not doomed:
            raise not_found(f"Artifact {path!r} does not exist.")
        for key in doomed:
            del self.files[key]

    async def close(self) -> None:
        """Nothing to release."""

    def _check_writable(self, path: str) -> None:
        prefix = _prefix(path)
        if any(key.startswith(prefix) for key in self.files):
            raise invalid(f"Cannot write artifact {path!r}: it is a directory.")
        segments = path.split("/")
        for depth in range(1, len(segments)):
            if "/".join(segments[:depth]) in self.files:
                raise invalid(f"Cannot write artifact {path!r}: a parent of it is a file.")


def _prefix(directory: str) -> str:
    return f"{directory}/" if directory else ""
