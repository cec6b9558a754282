"""A run's artifacts as the MLflow UI downloads them (``GET /get-artifact``).

The run is looked up through the tracking service and its ``artifact_uri`` mapped into this
server's own store (:func:`berth.tracking.locations.path_in_store`); the requested path is
canonicalised like every other artifact path, so it cannot leave the run's artifact directory,
neither for the filesystem nor for another run's artifacts. A run whose artifacts live in
another store is refused: the server never fetches a URI that a client chose.
"""

from __future__ import annotations

import posixpath
from typing import Protocol

from berth.artifacts.paths import canonical_relative_path
from berth.artifacts.service import ArtifactService, Download
from berth.errors import invalid
from berth.tracking.entities import Run
from berth.tracking.locations import path_in_store


class RunLookup(Protocol):
    """Where runs come from (the tracking service)."""

    async def get_run(self, run_id: str) -> Run: ...


class RunArtifacts:
    """Reads the artifacts of ``runs`` that live in the store of ``artifacts``."""

    def __init__(self, runs: RunLookup, artifacts: ArtifactService) -> None:
        self._runs = runs
        self._artifacts = artifacts

    async def download(
        self,
        run_id: str | None,
        path: str | None,
        byte_range: tuple[int | None, int | None] | None,
    ) -> Download:
        """The file at ``path`` below the run's artifact root; ``byte_range`` as for
        :meth:`ArtifactService.download`."""
        relative = canonical_relative_path(path)  # checked before anything is looked up
        if not relative:
            raise invalid("Missing value for required parameter 'path'.")
        if not run_id:
            raise invalid("Missing value for required parameter 'run_id'.")
        run = await self._runs.get_run(run_id)
        root = run.info.artifact_uri
        base = path_in_store(self._artifacts.backend.root, root)
        if base is None:
            raise invalid(
                f"The artifacts of run '{run_id}' are at {root}, outside this server's "
                "artifact store; this server does not read them. Download them with the "
                "mlflow client, which reads that store directly."
            )
        return await self._artifacts.download(posixpath.join(base, relative), byte_range)
