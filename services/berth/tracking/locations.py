"""Where artifacts may live, and listing the ones this server can read itself.

A client names an experiment's ``artifact_location``; Berth never opens a local path a client
chose, so local locations are refused and remote ones must be plain URIs of a known scheme.
Listing (``artifacts/list``) is only done for runs under the server's own local artifact root.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from urllib.parse import urlsplit

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


class ArtifactLister:
    """Lists artifact directories under one local root, without blocking the event loop."""

    def __init__(self, artifact_root: str) -> None:
        self._root = _local_path(artifact_root)

    async def list(self, root_uri: str, path: str | None) -> list[FileInfo]:
        relative = canonical_relative_path(path)
        base = _local_path(root_uri)
        if self._root is None or base is None or not base.is_relative_to(self._root):
            raise BerthError(
                ErrorCode.NOT_IMPLEMENTED,
                f"This server does not read artifacts at {root_uri}; list them with the "
                "client, which reads that store directly.",
            )
        return await asyncio.to_thread(_list_directory, base, relative)


def _local_path(uri: str) -> Path | None:
    parts = urlsplit(uri)
    if parts.scheme == "file":
        return Path(fully_decoded(parts.path)).resolve()
    if parts.scheme == "" and uri.startswith("/"):
        return Path(uri).resolve()
    return None


def _list_directory(base: Path, relative: str) -> list[FileInfo]:
    directory = (base / relative).resolve()
    if not directory.is_relative_to(base):
        raise invalid(f"Invalid path {relative!r}: it leads outside the artifact root.")
    if not directory.is_dir():
        return []
    infos = []
    with os.scandir(directory) as entries:
        for entry in entries:
            child = f"{relative}/{entry.name}" if relative else entry.name
            if entry.is_dir(follow_symlinks=False):
                infos.append(FileInfo(child, True))
            elif entry.is_file(follow_symlinks=False):
                infos.append(FileInfo(child, False, entry.stat(follow_symlinks=False).st_size))
    return sorted(infos, key=lambda info: info.path)
