"""The artifact backend contract: every behaviour once, checked against every backend.

Add a backend by adding a parameter to the ``backend`` fixture; each test runs against it.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from berth.artifacts.backends.base import CHUNK_SIZE, ArtifactBackend, ArtifactEntry
from berth.artifacts.backends.local import LocalBackend
from berth.artifacts.backends.memory import MemoryBackend
from berth.artifacts.backends.s3 import S3Backend
from berth.errors import BerthError, ErrorCode
from tests.fixtures.s3 import S3Server

MiB = 1024 * 1024


@pytest.fixture(params=["local", "memory", "s3", "s3-prefixed"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ArtifactBackend]:
    def s3(prefix: str) -> ArtifactBackend:
        server: S3Server = request.getfixturevalue("s3_server")
        bucket: str = request.getfixturevalue("s3_bucket")
        return S3Backend(f"s3://{bucket}{prefix}", server.options())

    stores: dict[str, Callable[[], ArtifactBackend]] = {
        "local": lambda: LocalBackend(tmp_path / "mlartifacts"),
        "memory": MemoryBackend,
        "s3": lambda: s3(""),
        "s3-prefixed": lambda: s3("/team/mlartifacts"),
    }
    store = stores[request.param]()
    await store.check()
    yield store
    await store.close()


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def read_all(
    backend: ArtifactBackend, path: str, start: int = 0, end: int | None = None
) -> bytes:
    return b"".join([chunk async for chunk in backend.read(path, start, end)])


async def put(backend: ArtifactBackend, path: str, data: bytes) -> None:
    assert await backend.write(path, stream(data)) == len(data)


def error_code(raised: pytest.ExceptionInfo[BerthError]) -> ErrorCode:
    return raised.value.code


def file(path: str, size: int) -> ArtifactEntry:
    return ArtifactEntry(path, False, size)


def directory(path: str) -> ArtifactEntry:
    return ArtifactEntry(path, True, None)


# Write and read


async def test_written_file_reads_back(backend: ArtifactBackend) -> None:
    await put(backend, "a/b/model.pkl", b"weights")

    assert await read_all(backend, "a/b/model.pkl") == b"weights"


async def test_write_returns_bytes_written_across_chunks(backend: ArtifactBackend) -> None:
    assert await backend.write("f.txt", stream(b"ab", b"", b"cde")) == 5


async def test_empty_file_round_trips(backend: ArtifactBackend) -> None:
    assert await backend.write("empty.txt", stream()) == 0

    assert await read_all(backend, "empty.txt") == b""
    assert await backend.size("empty.txt") == 0


async def test_large_file_streamed_in_uneven_chunks_reads_back_intact(
    backend: ArtifactBackend,
) -> None:
    data = random.Random(7).randbytes(5 * MiB + 321)
    sizes = [1, 4099, MiB + 17, 65536, 3 * MiB]

    async def uneven() -> AsyncIterator[bytes]:
        offset, turn = 0, 0
        while offset < len(data):
            size = sizes[turn % len(sizes)]
            yield data[offset : offset + size]
            offset, turn = offset + size, turn + 1

    assert await backend.write("big.bin", uneven()) == len(data)

    digest = hashlib.sha256()
    async for chunk in backend.read("big.bin"):
        digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()


async def test_read_yields_chunks_no_larger_than_chunk_size(backend: ArtifactBackend) -> None:
    await put(backend, "big.bin", b"x" * (2 * CHUNK_SIZE + 5))

    sizes = [len(chunk) async for chunk in backend.read("big.bin")]

    assert sum(sizes) == 2 * CHUNK_SIZE + 5
    assert max(sizes) <= CHUNK_SIZE


async def test_names_with_spaces_and_non_ascii_round_trip(backend: ArtifactBackend) -> None:
    await put(backend, "my dir/café ☕ 模型.txt", b"espresso")

    assert await read_all(backend, "my dir/café ☕ 模型.txt") == b"espresso"
    assert await backend.list("my dir") == [file("my dir/café ☕ 模型.txt", 8)]


async def test_overwrite_replaces_the_content(backend: ArtifactBackend) -> None:
    await put(backend, "f.txt", b"a much longer first version")
    await put(backend, "f.txt", b"v2")

    assert await read_all(backend, "f.txt") == b"v2"
    assert await backend.size("f.txt") == 2


async def test_failed_overwrite_keeps_the_previous_file(backend: ArtifactBackend) -> None:
    await put(backend, "f.txt", b"v1")

    async def failing() -> AsyncIterator[bytes]:
        yield b"partial v2"
        raise RuntimeError("client went away")

    with pytest.raises(RuntimeError, match="client went away"):
        await backend.write("f.txt", failing())

    assert await read_all(backend, "f.txt") == b"v1"


async def test_write_over_a_directory_is_refused(backend: ArtifactBackend) -> None:
    await put(backend, "d/f.txt", b"x")

    with pytest.raises(BerthError) as raised:
        await put(backend, "d", b"y")

    assert error_code(raised) is ErrorCode.INVALID_PARAMETER_VALUE
    assert await read_all(backend, "d/f.txt") == b"x"


async def test_write_below_a_file_is_refused(backend: ArtifactBackend) -> None:
    await put(backend, "f.txt", b"x")

    with pytest.raises(BerthError) as raised:
        await put(backend, "f.txt/g.txt", b"y")

    assert error_code(raised) is ErrorCode.INVALID_PARAMETER_VALUE
    assert await read_all(backend, "f.txt") == b"x"


async def test_non_canonical_path_is_refused(backend: ArtifactBackend) -> None:
    with pytest.raises(BerthError) as raised:
        await put(backend, "a/../../etc/passwd", b"x")

    assert error_code(raised) is ErrorCode.INVALID_PARAMETER_VALUE


async def test_read_missing_file_is_resource_does_not_exist(backend: ArtifactBackend) -> None:
    with pytest.raises(BerthError) as raised:
        await read_all(backend, "missing.txt")

    assert error_code(raised) is ErrorCode.RESOURCE_DOES_NOT_EXIST


async def test_read_directory_is_resource_does_not_exist(backend: ArtifactBackend) -> None:
    await put(backend, "d/f.txt", b"x")

    with pytest.raises(BerthError) as raised:
        await read_all(backend, "d")

    assert error_code(raised) is ErrorCode.RESOURCE_DOES_NOT_EXIST


# Ranged reads


async def test_read_from_start_offset_to_end(backend: ArtifactBackend) -> None:
    await put(backend, "f.txt", b"0123456789")

    assert await read_all(backend, "f.txt", 4) == b"456789"


async def test_read_between_start_and_end(backend: ArtifactBackend) -> None:
    await put(backend, "f.txt", b"0123456789")

    assert await read_all(backend, "f.txt", 2, 5) == b"234"


async def test_read_range_across_chunk_boundary(backend: ArtifactBackend) -> None:
    data = random.Random(3).randbytes(CHUNK_SIZE + 100)
    await put(backend, "f.bin", data)

    assert await read_all(backend, "f.bin", CHUNK_SIZE - 10, CHUNK_SIZE + 10) == data[-110:-90]


async def test_read_range_past_eof_yields_what_exists(backend: ArtifactBackend) -> None:
    await put(backend, "f.txt", b"0123456789")

    assert await read_all(backend, "f.txt", 8, 100) == b"89"


async def test_read_starting_past_eof_yields_nothing(backend: ArtifactBackend) -> None:
    await put(backend, "f.txt", b"0123456789")

    assert await read_all(backend, "f.txt", 50) == b""


async def test_read_with_end_before_start_is_refused(backend: ArtifactBackend) -> None:
    await put(backend, "f.txt", b"0123456789")

    with pytest.raises(BerthError) as raised:
        await read_all(backend, "f.txt", 5, 2)

    assert error_code(raised) is ErrorCode.INVALID_PARAMETER_VALUE


# Size


async def test_size_of_file(backend: ArtifactBackend) -> None:
    await put(backend, "a/f.txt", b"12345")

    assert await backend.size("a/f.txt") == 5


async def test_size_of_directory_is_none(backend: ArtifactBackend) -> None:
    await put(backend, "a/f.txt", b"12345")

    assert await backend.size("a") is None


async def test_size_of_missing_file_is_none(backend: ArtifactBackend) -> None:
    assert await backend.size("nope.txt") is None


# List


async def test_list_root_sorted_with_directories_sizeless(backend: ArtifactBackend) -> None:
    await put(backend, "b.txt", b"bb")
    await put(backend, "a/x.txt", b"x")
    await put(backend, "c/d/y.txt", b"y")
    await put(backend, "B.txt", b"B")

    assert await backend.list("") == [
        file("B.txt", 1),
        directory("a"),
        file("b.txt", 2),
        directory("c"),
    ]


async def test_list_nested_directory_gives_paths_from_the_root(backend: ArtifactBackend) -> None:
    await put(backend, "run/artifacts/model/MLmodel", b"flavors")
    await put(backend, "run/artifacts/model/data/weights", b"w")
    await put(backend, "run/artifacts/other.txt", b"o")

    assert await backend.list("run/artifacts/model") == [
        file("run/artifacts/model/MLmodel", 7),
        directory("run/artifacts/model/data"),
    ]


async def test_list_missing_directory_is_empty(backend: ArtifactBackend) -> None:
    await put(backend, "a/f.txt", b"x")

    assert await backend.list("nope") == []


async def test_list_of_a_file_is_empty(backend: ArtifactBackend) -> None:
    await put(backend, "a/f.txt", b"x")

    assert await backend.list("a/f.txt") == []


async def test_list_of_empty_root_is_empty(backend: ArtifactBackend) -> None:
    assert await backend.list("") == []


# Delete


async def test_delete_file(backend: ArtifactBackend) -> None:
    await put(backend, "a/f.txt", b"x")
    await put(backend, "a/g.txt", b"y")

    await backend.delete("a/f.txt")

    assert await backend.size("a/f.txt") is None
    assert await backend.list("a") == [file("a/g.txt", 1)]


async def test_delete_directory_removes_the_tree(backend: ArtifactBackend) -> None:
    await put(backend, "run/model/MLmodel", b"m")
    await put(backend, "run/model/data/w.bin", b"w")
    await put(backend, "run/keep.txt", b"k")

    await backend.delete("run/model")

    assert await backend.list("run") == [file("run/keep.txt", 1)]
    assert await backend.size("run/model/data/w.bin") is None


async def test_delete_missing_is_resource_does_not_exist(backend: ArtifactBackend) -> None:
    with pytest.raises(BerthError) as raised:
        await backend.delete("missing.txt")

    assert error_code(raised) is ErrorCode.RESOURCE_DOES_NOT_EXIST


async def test_delete_of_the_root_is_refused(backend: ArtifactBackend) -> None:
    await put(backend, "f.txt", b"x")

    with pytest.raises(BerthError) as raised:
        await backend.delete("")

    assert error_code(raised) is ErrorCode.INVALID_PARAMETER_VALUE
    assert await backend.size("f.txt") == 1


async def test_check_passes_on_a_usable_store(backend: ArtifactBackend) -> None:
    await backend.check()

    assert await backend.list("") == []
