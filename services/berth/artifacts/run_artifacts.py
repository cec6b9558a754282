"""The artifacts of runs and logged models as the MLflow UI reads and writes them:
``GET /get-artifact``, ``POST /ajax-api/2.0/mlflow/upload-artifact`` and
``GET /ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files``.

The run or logged model is looked up through the tracking service and its artifact root
mapped into this server's own store (:func:`berth.tracking.locations.path_in_store`); the
requested path is canonicalised like every other artifact path, so it cannot leave that
artifact directory, neither for the filesystem nor for another run's artifacts. Artifacts that
live in another store are refused: the server never reads or writes a URI that a client chose.
"""

from __future__ import annotations

import posixpath
from collections.abc import AsyncIterable, AsyncIterator
from typing import Protocol

from berth.artifacts.paths import canonical_relative_path, fully_decoded
from berth.artifacts.service import ArtifactService, Download
from berth.errors import BerthError, ErrorCode, invalid
from berth.tracking.entities import LoggedModel, Run
from berth.tracking.locations import path_in_store

UPLOAD_MAX_BYTES = 10 * 1024 * 1024
"""The largest file the UI may upload (MLflow's limit for ``upload-artifact``)."""

ByteRange = tuple[int | None, int | None]


class ArtifactOwners(Protocol):
    """Where runs and logged models come from (the tracking service)."""

    async def get_run(self, run_id: str) -> Run: ...

    async def get_logged_model(self, model_id: str) -> LoggedModel: ...


class RunArtifacts:
    """Reads and writes the artifacts of ``owners``' runs and logged models that live in the
    store of ``artifacts``."""

    def __init__(self, owners: ArtifactOwners, artifacts: ArtifactService) -> None:
        self._owners = owners
        self._artifacts = artifacts

    async def download(
        self, run_id: str | None, path: str | None, byte_range: ByteRange | None
    ) -> Download:
        """The file at ``path`` below the run's artifact root; ``byte_range`` as for
        :meth:`ArtifactService.download`."""
        relative = canonical_relative_path(path)  # checked before anything is looked up
        if not relative:
            raise invalid("Missing value for required parameter 'path'.")
        if not run_id:
            raise invalid("Missing value for required parameter 'run_id'.")
        run = await self._owners.get_run(run_id)
        target = self._in_store(f"run '{run_id}'", run.info.artifact_uri, relative)
        return await self._artifacts.download(target, byte_range)

    async def download_model_file(
        self, model_id: str, path: str | None, byte_range: ByteRange | None
    ) -> Download:
        """The file at ``path`` below the logged model's artifact location."""
        if not path:
            raise BerthError(
                ErrorCode.BAD_REQUEST,
                'Request must include the "artifact_file_path" query parameter.',
            )
        relative = canonical_relative_path(path)
        if not relative:
            raise invalid(f"Artifact path refers to a directory, not a file: {path!r}")
        model = await self._owners.get_logged_model(model_id)
        target = self._in_store(f"logged model '{model_id}'", model.artifact_location, relative)
        return await self._artifacts.download(target, byte_range)

    async def upload(
        self,
        run_id: str | None,
        path: str | None,
        chunks: AsyncIterable[bytes],
        declared_size: int | None,
    ) -> None:
        """Store ``chunks`` as the run's artifact file at ``path`` (replacing one there): at
        most :data:`UPLOAD_MAX_BYTES`, at least one byte, in any lifecycle stage of the run
        (as MLflow). Nothing is stored when a check fails, however late in the stream."""
        if not run_id:
            raise invalid("Request must specify run_uuid.")
        if not path:
            raise invalid("Request must specify path.")
        relative = canonical_relative_path(path)
        if not relative or posixpath.basename(fully_decoded(path)) in ("", "."):
            raise invalid(f"Invalid path {path!r}: it must name a file.")
        if declared_size is not None and declared_size > UPLOAD_MAX_BYTES:
            raise _too_large()
        if declared_size == 0:
            raise _no_data()
        run = await self._owners.get_run(run_id)
        target = self._in_store(f"run '{run_id}'", run.info.artifact_uri, relative)
        await self._artifacts.upload(target, _bounded(chunks), declared_size)

    def _in_store(self, owner: str, root: str, relative: str) -> str:
        """``relative`` below ``root`` as a path of this server's store; refused when the
        owner's artifacts live elsewhere."""
        base = path_in_store(self._artifacts.backend.root, root)
        if base is None:
            raise invalid(
                f"The artifacts of {owner} are at {root}, outside this server's "
                "artifact store; this server does not read or write them. Use the mlflow "
                "client, which reaches that store directly."
            )
        return posixpath.join(base, relative)


async def _bounded(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """``chunks``, failing once they pass :data:`UPLOAD_MAX_BYTES` or if they end empty."""
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > UPLOAD_MAX_BYTES:
            raise _too_large()
        yield chunk
    if not received:
        raise _no_data()


def _too_large() -> BerthError:
    return invalid("Artifact size is too large. Max size is 10MB.")


def _no_data() -> BerthError:
    return invalid("Request must specify data.")
