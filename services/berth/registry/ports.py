"""What the registry needs from the tracking slice, as a port the composition root fills.

The registry never reads or writes tracking tables itself: a version's lineage (the run or
logged model it comes from) is looked up, and recorded on the logged model, through this
protocol, inside the registry's own transaction (the session it passes).
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession


class LoggedModelOrigin(Protocol):
    """Where a logged model's files are, and the run that logged it."""

    @property
    def artifact_location(self) -> str: ...

    @property
    def source_run_id(self) -> str | None: ...


class Lineage(Protocol):
    async def run_artifact_uri(self, session: AsyncSession, run_id: str) -> str | None:
        """The run's artifact URI, or None when there is no such run."""
        ...

    async def logged_model(self, session: AsyncSession, model_id: str) -> LoggedModelOrigin | None:
        """The live logged model, or None when there is none (or it is deleted)."""
        ...

    async def link_model_version(
        self, session: AsyncSession, model_id: str, name: str, version: int, now: int
    ) -> None:
        """Record version ``version`` of ``name`` on the logged model (MLflow's
        ``mlflow.modelVersions`` tag)."""
        ...
