"""The local filesystem backend beyond the contract: atomic uploads, symlinks, its root, its URI."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

import pytest

from berth.artifacts.backends import backend_for
from berth.artifacts.backends.base import CHUNK_SIZE
from berth.artifacts.backends.local import TEMP_PREFIX, LocalBackend
from berth.errors import BerthError, ErrorCode


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "mlartifacts"
    path.mkdir()
    return path


@pytest.fixture
def backend(root: Path) -> LocalBackend:
    return LocalBackend(root)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory next to the root holding a secret, and symlinks to both inside the root."""
    path = tmp_path / "outside"
    path.mkdir()
    (path / "secret.txt").write_bytes(b"secret")
    return path


@pytest.fixture
def links(root: Path, outside: Path) -> None:
    (root / "to_secret").symlink_to(outside / "secret.txt")
    (root / "to_outside").symlink_to(outside, target_is_directory=True)


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def read_all(backend: LocalBackend, path: str) -> bytes:
    return b"".join([chunk async for chunk in backend.read(path)])


def all_names(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def temp_file_sizes(directory: Path) -> list[int]:
    return [p.stat().st_size for p in directory.iterdir() if p.name.startswith(TEMP_PREFIX)]


def refused(raised: pytest.ExceptionInfo[BerthError]) -> bool:
    return raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE


# Atomic uploads


async def test_failing_upload_leaves_neither_file_nor_temp_file(
    backend: LocalBackend, root: Path
) -> None:
    async def failing() -> AsyncIterator[bytes]:
        yield b"x" * CHUNK_SIZE
        raise RuntimeError("connection reset")

    with pytest.raises(RuntimeError, match="connection reset"):
        await backend.write("run/model.pkl", failing())

    assert files_under(root) == []


async def test_cancelled_upload_leaves_neither_file_nor_temp_file(
    backend: LocalBackend, root: Path
) -> None:
    started = asyncio.Event()

    async def stalled() -> AsyncIterator[bytes]:
        yield b"x" * CHUNK_SIZE
        started.set()
        await asyncio.Event().wait()
        yield b"never"

    upload = asyncio.create_task(backend.write("run/model.pkl", stalled()))
    await started.wait()
    assert len(temp_file_sizes(root / "run")) == 1
    upload.cancel()
    with pytest.raises(asyncio.CancelledError):
        await upload

    assert files_under(root) == []


async def test_upload_cancelled_while_opening_its_temp_file_leaves_no_temp_file(
    backend: LocalBackend, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    may_open, opened = threading.Event(), threading.Event()
    open_for_writing = backend._open_for_writing

    def slow_open(path: str) -> tuple[Path, Path, BinaryIO]:
        may_open.wait()
        try:
            return open_for_writing(path)
        finally:
            opened.set()

    monkeypatch.setattr(backend, "_open_for_writing", slow_open)
    upload = asyncio.create_task(backend.write("f.bin", stream(b"x")))
    await asyncio.sleep(0)
    upload.cancel()
    with pytest.raises(asyncio.CancelledError):
        await upload
    may_open.set()
    await asyncio.to_thread(opened.wait)
    for _ in range(100):  # let the discarding callback run: loop turns, not a timer
        if not files_under(root):
            break
        await asyncio.sleep(0)

    assert files_under(root) == []


async def test_upload_is_written_to_disk_as_it_streams(backend: LocalBackend, root: Path) -> None:
    on_disk: list[int] = []

    async def observed() -> AsyncIterator[bytes]:
        yield b"x" * CHUNK_SIZE
        on_disk.extend(temp_file_sizes(root))
        yield b"y"

    await backend.write("f.bin", observed())

    assert on_disk == [CHUNK_SIZE]


async def test_file_is_invisible_until_its_upload_completes(backend: LocalBackend) -> None:
    seen_mid_upload: list[object] = []

    async def observed() -> AsyncIterator[bytes]:
        yield b"first half"
        seen_mid_upload.extend([await backend.list(""), await backend.size("f.txt")])
        yield b"second half"

    await backend.write("f.txt", observed())

    assert seen_mid_upload == [[], None]
    assert await read_all(backend, "f.txt") == b"first halfsecond half"


async def test_temp_files_are_not_listed(backend: LocalBackend, root: Path) -> None:
    (root / f"{TEMP_PREFIX}abc123").write_bytes(b"partial")
    await backend.write("f.txt", stream(b"x"))

    assert [entry.path for entry in await backend.list("")] == ["f.txt"]


async def test_temp_file_names_are_reserved(backend: LocalBackend) -> None:
    with pytest.raises(BerthError) as raised:
        await backend.write(f"{TEMP_PREFIX}x", stream(b"x"))

    assert refused(raised)


# Symlinks out of the root


@pytest.mark.usefixtures("links")
async def test_read_through_symlink_to_outside_file_is_refused(backend: LocalBackend) -> None:
    with pytest.raises(BerthError) as raised:
        await read_all(backend, "to_secret")

    assert refused(raised)


@pytest.mark.usefixtures("links")
async def test_read_through_symlinked_directory_to_outside_is_refused(
    backend: LocalBackend,
) -> None:
    with pytest.raises(BerthError) as raised:
        await read_all(backend, "to_outside/secret.txt")

    assert refused(raised)


@pytest.mark.usefixtures("links")
async def test_size_through_symlink_to_outside_is_refused(backend: LocalBackend) -> None:
    with pytest.raises(BerthError) as raised:
        await backend.size("to_secret")

    assert refused(raised)


@pytest.mark.usefixtures("links")
async def test_write_through_symlink_to_outside_file_is_refused(
    backend: LocalBackend, outside: Path
) -> None:
    with pytest.raises(BerthError) as raised:
        await backend.write("to_secret", stream(b"overwritten"))

    assert refused(raised)
    assert (outside / "secret.txt").read_bytes() == b"secret"


@pytest.mark.usefixtures("links")
async def test_write_through_symlinked_directory_to_outside_is_refused(
    backend: LocalBackend, outside: Path
) -> None:
    with pytest.raises(BerthError) as raised:
        await backend.write("to_outside/planted.txt", stream(b"x"))

    assert refused(raised)
    assert all_names(outside) == ["secret.txt"]


@pytest.mark.usefixtures("links")
async def test_delete_of_symlink_to_outside_is_refused(
    backend: LocalBackend, root: Path, outside: Path
) -> None:
    with pytest.raises(BerthError) as raised:
        await backend.delete("to_outside")

    assert refused(raised)
    assert (root / "to_outside").is_symlink()
    assert (outside / "secret.txt").read_bytes() == b"secret"


@pytest.mark.usefixtures("links")
async def test_delete_through_symlinked_directory_to_outside_is_refused(
    backend: LocalBackend, outside: Path
) -> None:
    with pytest.raises(BerthError) as raised:
        await backend.delete("to_outside/secret.txt")

    assert refused(raised)
    assert (outside / "secret.txt").read_bytes() == b"secret"


async def test_delete_of_directory_does_not_follow_symlinks_out_of_the_root(
    backend: LocalBackend, root: Path, outside: Path
) -> None:
    await backend.write("run/f.txt", stream(b"x"))
    (root / "run" / "escape").symlink_to(outside, target_is_directory=True)

    await backend.delete("run")

    assert not (root / "run").exists()
    assert (outside / "secret.txt").read_bytes() == b"secret"


@pytest.mark.usefixtures("links")
async def test_symlinks_to_outside_are_not_listed(backend: LocalBackend) -> None:
    await backend.write("f.txt", stream(b"x"))

    assert [entry.path for entry in await backend.list("")] == ["f.txt"]


@pytest.mark.usefixtures("links")
async def test_list_through_symlinked_directory_to_outside_is_refused(
    backend: LocalBackend,
) -> None:
    with pytest.raises(BerthError) as raised:
        await backend.list("to_outside")

    assert refused(raised)


async def test_a_symlink_even_within_the_root_is_neither_listed_nor_read(
    backend: LocalBackend, root: Path
) -> None:
    """A link between two runs' artifacts would let one run read another's."""
    await backend.write("real.txt", stream(b"inside"))
    (root / "alias.txt").symlink_to(root / "real.txt")

    assert [entry.path for entry in await backend.list("")] == ["real.txt"]
    with pytest.raises(BerthError) as error:
        await read_all(backend, "alias.txt")
    assert error.value.code is ErrorCode.INVALID_PARAMETER_VALUE


async def test_a_symlink_cannot_be_deleted_through_the_api(
    backend: LocalBackend, root: Path
) -> None:
    await backend.write("real.txt", stream(b"inside"))
    (root / "alias.txt").symlink_to(root / "real.txt")

    with pytest.raises(BerthError):
        await backend.delete("alias.txt")

    assert all_names(root) == ["alias.txt", "real.txt"]


# The root


async def test_check_creates_a_missing_root(tmp_path: Path) -> None:
    root = tmp_path / "not" / "yet" / "there"

    await LocalBackend(root).check()

    assert root.is_dir()
    assert list(root.iterdir()) == []


async def test_check_fails_when_the_root_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "occupied").write_bytes(b"x")

    with pytest.raises(BerthError) as raised:
        await LocalBackend(tmp_path / "occupied").check()

    assert raised.value.code is ErrorCode.TEMPORARILY_UNAVAILABLE
    assert "occupied" in raised.value.message


async def test_write_creates_parent_directories(backend: LocalBackend, root: Path) -> None:
    await backend.write("a/b/c/f.txt", stream(b"x"))

    assert (root / "a" / "b" / "c" / "f.txt").read_bytes() == b"x"


def test_root_is_the_directory_file_uri(root: Path) -> None:
    assert LocalBackend(root).root == root.resolve().as_uri()


# The registry's local schemes


def test_file_uri_selects_the_local_backend(root: Path) -> None:
    backend = backend_for(root.as_uri())

    assert isinstance(backend, LocalBackend)
    assert backend.root == root.as_uri()


def test_file_uri_with_encoded_characters_selects_that_directory(tmp_path: Path) -> None:
    root = tmp_path / "my artifacts"
    uri = root.as_uri()
    assert "%20" in uri

    assert backend_for(uri).root == uri


def test_absolute_path_selects_the_local_backend(root: Path) -> None:
    backend = backend_for(str(root))

    assert isinstance(backend, LocalBackend)
    assert backend.root == root.as_uri()


def test_relative_path_is_resolved_against_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert backend_for("mlartifacts").root == (tmp_path / "mlartifacts").resolve().as_uri()


def test_file_uri_with_a_host_is_refused() -> None:
    with pytest.raises(BerthError) as raised:
        backend_for("file://fileserver/share/mlartifacts")

    assert refused(raised)


async def test_local_backend_from_registry_round_trips(root: Path) -> None:
    backend = backend_for(root.as_uri())
    await backend.write("f.txt", stream(b"via registry"))

    assert (root / "f.txt").read_bytes() == b"via registry"
    assert os.listdir(root) == ["f.txt"]
