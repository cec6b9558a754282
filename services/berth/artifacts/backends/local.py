"""The local filesystem backend: artifacts as files under one root directory.

Symlinks are never followed: a path that passes through one is refused and listings leave them
out, so a link placed in the store cannot reach anything outside the root, nor lead from one
run's artifacts into another's (S3 has no links either).
All file I/O runs in worker threads, one chunk at a time. Uploads go to a hidden temporary file
(``.berth-upload-*``) in the target's directory and are moved into place with ``os.replace``
once complete; a failed or cancelled upload leaves neither the file nor the temporary file.
"""

from __future__ import annotations

import asyncio
import builtins
import os
import secrets
import shutil
import stat
from collections.abc import AsyncIterable, AsyncIterator, Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from berth.artifacts.backends.base import (
    CHUNK_SIZE,
    ArtifactEntry,
    check_range,
    child_path,
    require_canonical,
    require_file_path,
)
from berth.errors import BerthError, ErrorCode, invalid, not_found

TEMP_PREFIX = ".berth-upload-"
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)

T = TypeVar("T")


class LocalBackend:
    """Artifacts under ``root``, a local directory (created by :meth:`check`)."""

    def __init__(self, root: Path) -> None:
        self._base = Path(root).resolve()
        self.root = self._base.as_uri()

    async def check(self) -> None:
        try:
            await asyncio.to_thread(self._probe)
        except OSError as exc:
            raise BerthError(
                ErrorCode.TEMPORARILY_UNAVAILABLE,
                f"The artifact root {self.root} is not a writable directory: {exc}",
            ) from exc

    async def list(self, path: str) -> builtins.list[ArtifactEntry]:
        require_canonical(path)
        return await asyncio.to_thread(self._list, path)

    async def size(self, path: str) -> int | None:
        require_canonical(path)
        return await asyncio.to_thread(self._size, path)

    async def read(self, path: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        require_canonical(path)
        check_range(start, end)
        file = await _opened(lambda: self._open_for_reading(path, start), _close_reader)
        try:
            position = start
            while end is None or position < end:
                wanted = CHUNK_SIZE if end is None else min(CHUNK_SIZE, end - position)
                chunk = await asyncio.to_thread(file.read, wanted)
                if not chunk:
                    break
                position += len(chunk)
                yield chunk
        finally:
            file.close()

    async def write(self, path: str, chunks: AsyncIterable[bytes], size: int | None = None) -> int:
        require_file_path(path)
        target, temp, file = await _opened(lambda: self._open_for_writing(path), _discard_upload)
        written = 0
        replaced = False
        try:
            async for chunk in chunks:
                if chunk:
                    await asyncio.to_thread(file.write, chunk)
                    written += len(chunk)
            await asyncio.to_thread(file.close)
            await asyncio.to_thread(os.replace, temp, target)
            replaced = True
        finally:
            # Synchronous on purpose: after a cancellation, an await here could be cancelled
            # again (anyio cancel scopes are level-triggered) and leave the temporary file.
            if not replaced:
                file.close()
                temp.unlink(missing_ok=True)
        return written

    async def delete(self, path: str) -> None:
        require_file_path(path)
        await asyncio.to_thread(self._delete, path)

    async def close(self) -> None:
        """Nothing to release: files are opened per request."""

    # The blocking halves, run in worker threads.

    def _probe(self) -> None:
        self._base.mkdir(parents=True, exist_ok=True)
        if not self._base.is_dir():
            raise NotADirectoryError(f"{self._base} is not a directory")
        probe = self._base / f"{TEMP_PREFIX}check-{secrets.token_hex(8)}"
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()

    def _resolve(self, path: str) -> Path:
        """``path`` under the root; refused if a symlink lies anywhere on the way."""
        if any(segment.startswith(TEMP_PREFIX) for segment in path.split("/")):
            raise invalid(
                f"Invalid path {path!r}: names starting with {TEMP_PREFIX!r} are reserved."
            )
        literal = self._base / path if path else self._base
        if literal.resolve() != literal:
            raise invalid(
                f"Invalid path {path!r}: it leads outside the artifact root through a symlink."
            )
        return literal

    def _inside(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self._base)

    def _list(self, path: str) -> builtins.list[ArtifactEntry]:
        directory = self._resolve(path)
        if not directory.is_dir():
            return []
        entries = []
        with os.scandir(directory) as children:
            for child in children:
                if child.name.startswith(TEMP_PREFIX):
                    continue
                if child.is_symlink():
                    continue
                try:
                    if child.is_dir():
                        entries.append(ArtifactEntry(child_path(path, child.name), True, None))
                    elif child.is_file():
                        size = child.stat().st_size
                        entries.append(ArtifactEntry(child_path(path, child.name), False, size))
                except FileNotFoundError:  # deleted while listing, or a dangling symlink
                    continue
        return sorted(entries, key=lambda entry: entry.path)

    def _size(self, path: str) -> int | None:
        try:
            info = self._resolve(path).stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return info.st_size if stat.S_ISREG(info.st_mode) else None

    def _open_for_reading(self, path: str, start: int) -> BinaryIO:
        resolved = self._resolve(path)
        try:
            fd = os.open(resolved, os.O_RDONLY | _O_NOFOLLOW | _O_BINARY)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
            raise not_found(f"Artifact {path!r} does not exist.") from exc
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise not_found(f"Artifact {path!r} does not exist (it is a directory).")
            file = os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
        file.seek(start)
        return file

    def _open_for_writing(self, path: str) -> tuple[Path, Path, BinaryIO]:
        target = self._resolve(path)
        if target.is_dir():
            raise invalid(f"Cannot write artifact {path!r}: it is a directory.")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise invalid(f"Cannot write artifact {path!r}: a parent of it is a file.") from exc
        if not self._inside(target.parent):  # replaced by a symlink since we resolved it
            raise invalid(f"Invalid path {path!r}: it leads outside the artifact root.")
        temp = target.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        # 0o666 so the umask decides the final file's mode, as for any file the server writes.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_BINARY, 0o666)
        return target, temp, os.fdopen(fd, "wb")

    def _delete(self, path: str) -> None:
        resolved = self._resolve(path)
        if resolved.is_dir():
            shutil.rmtree(resolved)  # removes symlinks inside the tree, never follows them
        elif resolved.exists():
            resolved.unlink()
        else:
            raise not_found(f"Artifact {path!r} does not exist.")


async def _opened(open_: Callable[[], T], discard: Callable[[T], None]) -> T:
    """``open_()`` in a worker thread; if the caller is cancelled meanwhile, what it opened is
    discarded when the thread finishes, so a cancelled request leaks no file or descriptor."""
    opening = asyncio.ensure_future(asyncio.to_thread(open_))
    try:
        return await asyncio.shield(opening)
    except asyncio.CancelledError:

        def discard_when_done(done: asyncio.Future[T]) -> None:
            if not done.cancelled() and done.exception() is None:
                discard(done.result())

        opening.add_done_callback(discard_when_done)
        raise


def _close_reader(file: BinaryIO) -> None:
    file.close()


def _discard_upload(opened: tuple[Path, Path, BinaryIO]) -> None:
    _, temp, file = opened
    file.close()
    temp.unlink(missing_ok=True)
