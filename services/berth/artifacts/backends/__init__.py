"""Artifact backends, chosen by the scheme of the artifact root URI.

``file:`` URIs and plain paths (relative ones against the working directory) are served by
:class:`LocalBackend`, ``s3:`` by ``S3Backend`` (S3, MinIO or any S3 API), ``memory:`` by
:class:`MemoryBackend` (tests only: it starts empty and keeps nothing). Other stores register
themselves with :func:`register`.

A factory imports its backend's module when first called, so a server only loads the client
library of the store it is configured with (aiobotocore and botocore alone are ~20 MiB of
every process).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from berth.artifacts.backends.base import ArtifactBackend, ArtifactEntry
from berth.artifacts.backends.local import LocalBackend
from berth.artifacts.backends.memory import MemoryBackend
from berth.artifacts.backends.options import StoreOptions
from berth.errors import invalid

__all__ = [
    "ArtifactBackend",
    "ArtifactEntry",
    "BackendFactory",
    "StoreOptions",
    "backend_for",
    "register",
    "supported_schemes",
]

BackendFactory = Callable[[str, StoreOptions], ArtifactBackend]
"""Builds a backend from its root URI and the stores' settings."""

_FACTORIES: dict[str, BackendFactory] = {}


def register(scheme: str, factory: BackendFactory) -> None:
    """Serve root URIs of ``scheme`` with backends built by ``factory`` (replacing any)."""
    _FACTORIES[scheme.lower()] = factory


def supported_schemes() -> list[str]:
    return sorted(_FACTORIES)


def backend_for(uri: str, options: StoreOptions | None = None) -> ArtifactBackend:
    """The backend serving the artifact root ``uri``; INVALID_PARAMETER_VALUE if none can."""
    options = options or StoreOptions()
    if not uri:
        raise invalid("An artifact root URI is required.")
    scheme = urlsplit(uri).scheme.lower()
    if not scheme:
        return _FACTORIES["file"](Path(uri).resolve().as_uri(), options)
    factory = _FACTORIES.get(scheme)
    if factory is None:
        raise invalid(
            f"Unsupported artifact root {uri!r}: no backend for scheme {scheme!r}; "
            f"supported schemes are {', '.join(supported_schemes())} and plain paths."
        )
    return factory(uri, options)


def _local(uri: str, _options: StoreOptions) -> LocalBackend:
    parts = urlsplit(uri)
    if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        raise invalid(f"Invalid artifact root {uri!r}: a file URI has no host, query or fragment.")
    if not parts.path.startswith("/"):
        raise invalid(f"Invalid artifact root {uri!r}: a file URI needs an absolute path.")
    return LocalBackend(Path(unquote(parts.path)))


def _memory(uri: str, _options: StoreOptions) -> MemoryBackend:
    parts = urlsplit(uri)
    return MemoryBackend((parts.netloc + parts.path) or "test")


def _s3(uri: str, options: StoreOptions) -> ArtifactBackend:
    from berth.artifacts.backends.s3 import S3Backend

    return S3Backend(uri, options.s3)


register("file", _local)
register("memory", _memory)
register("s3", _s3)
