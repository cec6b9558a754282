"""The in-memory backend's own behaviour and the registry's non-local schemes.

The shared behaviours are in tests/integration/artifacts/backends/test_backend_contract.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from berth.artifacts import backends
from berth.artifacts.backends import backend_for, register, supported_schemes
from berth.artifacts.backends.memory import MemoryBackend
from berth.errors import BerthError, ErrorCode


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def test_root_names_the_store() -> None:
    assert MemoryBackend("unit").root == "memory://unit"


def test_default_root() -> None:
    assert MemoryBackend().root == "memory://test"


async def test_stores_written_bytes_under_their_path() -> None:
    backend = MemoryBackend()

    await backend.write("a/b.txt", stream(b"hello ", b"world"))

    assert backend.files == {"a/b.txt": b"hello world"}


async def test_failed_write_stores_nothing() -> None:
    backend = MemoryBackend()

    async def failing() -> AsyncIterator[bytes]:
        yield b"partial"
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await backend.write("a.txt", failing())

    assert backend.files == {}


async def test_instances_do_not_share_files() -> None:
    first, second = MemoryBackend(), MemoryBackend()

    await first.write("a.txt", stream(b"x"))

    assert second.files == {}


async def test_check_fails_when_made_unavailable() -> None:
    backend = MemoryBackend()
    backend.available = False

    with pytest.raises(BerthError) as raised:
        await backend.check()

    assert raised.value.code is ErrorCode.TEMPORARILY_UNAVAILABLE


def test_memory_uri_selects_a_fresh_memory_backend() -> None:
    backend = backend_for("memory://scratch")

    assert isinstance(backend, MemoryBackend)
    assert backend.root == "memory://scratch"
    assert backend.files == {}


def test_unknown_scheme_is_refused_naming_it_and_the_supported_ones() -> None:
    with pytest.raises(BerthError) as raised:
        backend_for("gopher://bucket/artifacts")

    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE
    assert "'gopher'" in raised.value.message
    assert "file" in raised.value.message
    assert "memory" in raised.value.message


def test_empty_uri_is_refused() -> None:
    with pytest.raises(BerthError) as raised:
        backend_for("")

    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE


def test_registered_scheme_builds_its_backend_from_the_uri(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(backends, "_FACTORIES", dict(backends._FACTORIES))
    register("fake", lambda uri, _options: MemoryBackend(uri.removeprefix("fake://")))

    backend = backend_for("fake://bucket")

    assert backend.root == "memory://bucket"
    assert "fake" in supported_schemes()
