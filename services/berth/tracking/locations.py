"""Where artifacts may live, and listing the ones this server can read itself.

A client names an experiment's ``artifact_location``; Berth never opens a local path a client
chose, so local locations are refused and remote ones must be plain URIs of a known scheme.
Listing (``artifacts/list``) is only done for runs under the server's own local artifact root.
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from berth.artifacts.backends.base import ArtifactBackend
from berth.artifacts.paths import canonical_relative_path, fully_decoded, has_control_characters
from berth.errors import BerthError, ErrorCode, invalid
from berth.tracking.entities import FileInfo
from berth.tracking.validation import validate_length

REMOTE_SCHEMES = frozenset({"s3", "gs", "wasbs", "abfss", "hdfs", "mlflow-artifacts"})
# Runs and logged models append up to 52 characters to it within 1000-character columns.
MAX_ARTIFACT_LOCATION_LENGTH = 900


def validate_artifact_location(uri: str) -> str:
    decoded = fully_decoded(uri)
    if has_control_characters(decoded) or "\\" in decoded:
        raise invalid(
            f"Invalid artifact location {uri!r}: control characters and '\\' are not allowed."
        )
    validate_length("artifact_location", uri, MAX_ARTIFACT_LOCATION_LENGTH)
    parts = urlsplit(decoded)
    if parts.scheme not in REMOTE_SCHEMES or urlsplit(uri).scheme != parts.scheme:
        allowed = ", ".join(sorted(REMOTE_SCHEMES))
        raise invalid(
            f"Invalid artifact location {uri!r}: the scheme must be one of {allowed}; "
            "local paths and other schemes are not accepted from clients."
        )
    if parts.query or parts.fragment or "#" in decoded or "?" in decoded:
        raise invalid(f"Invalid artifact location {uri!r}: '?' and '#' are not allowed.")
    if ".." in parts.path.split("/"):
        raise invalid(f"Invalid artifact location {uri!r}: '..' is not allowed.")
    return uri.rstrip("/")


def path_in_store(store_root: str, uri: str) -> str | None:
    """Where the artifacts at ``uri`` live inside the store at ``store_root``, or None when
    they live elsewhere.

    ``mlflow-artifacts:/<path>`` names this server's own store (proxied mode); a URI of the
    store's scheme and host below its root (``file:``, ``s3://bucket/prefix``) names it
    directly (direct mode). Other URIs belong to stores the client reaches itself.
    """
    parts = urlsplit(uri)
    if parts.scheme == "mlflow-artifacts":
        return canonical_relative_path(parts.path.lstrip("/"))
    root = urlsplit(store_root)
    if (parts.scheme, parts.netloc) != (root.scheme, root.netloc) or not parts.scheme:
        return None
    inside = PurePosixPath("/", fully_decoded(parts.path))
    store = PurePosixPath("/", fully_decoded(root.path))
    if not inside.is_relative_to(store):
        return None
    return canonical_relative_path(str(inside.relative_to(store)))


class ArtifactLister:
    """Lists run and model artifacts that live in the server's own artifact store
    (see :func:`path_in_store`)."""

    def __init__(self, backend: ArtifactBackend) -> None:
        self._backend = backend

    async def list(self, root_uri: str, path: str | None) -> list[FileInfo]:
        base = path_in_store(self._backend.root, root_uri)
        if base is None:
            raise BerthError(
                ErrorCode.NOT_IMPLEMENTED,
                f"This server does not read artifacts at {root_uri}; list them with the "
                "client, which reads that store directly.",
            )
        relative = canonical_relative_path(path)
        directory = posixpath.join(base, relative) if relative else base
        entries = await self._backend.list(directory)
        prefix = f"{relative}/" if relative else ""
        return [FileInfo(prefix + posixpath.basename(e.path), e.is_dir, e.size) for e in entries]
