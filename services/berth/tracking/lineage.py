"""The tracking side of the registry's lineage port (:class:`berth.registry.ports.Lineage`):
runs and logged models a model version comes from, and the versions a logged model became."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from berth.errors import BerthError, ErrorCode
from berth.tracking import tables as t
from berth.tracking.entities import LoggedModel, Tag
from berth.tracking.sql_store import SqlTrackingStore

MODEL_VERSIONS_TAG = "mlflow.modelVersions"
"""A logged model's registered versions: a JSON list of ``{"name": ..., "version": ...}``."""


class TrackingLineage:
    def __init__(self, store: SqlTrackingStore) -> None:
        self._store = store

    async def run_artifact_uri(self, session: AsyncSession, run_id: str) -> str | None:
        uri: str | None = await session.scalar(
            select(t.RunRow.artifact_uri).where(t.RunRow.run_id == run_id)
        )
        return uri

    async def logged_model(self, session: AsyncSession, model_id: str) -> LoggedModel | None:
        try:
            return await self._store.get_logged_model(session, model_id)
        except BerthError as exc:
            if exc.code is ErrorCode.RESOURCE_DOES_NOT_EXIST:
                return None
            raise

    async def link_model_version(
        self, session: AsyncSession, model_id: str, name: str, version: int, now: int
    ) -> None:
        """Append ``{"name": name, "version": version}`` to the model's versions tag unless it
        is there, as MLflow's server does; the model's row is locked first, so concurrent
        registrations of one logged model each add their entry."""
        await session.execute(
            select(t.LoggedModelRow.model_id)
            .where(t.LoggedModelRow.model_id == model_id)
            .with_for_update()
        )
        current = await session.scalar(
            select(t.LoggedModelTagRow.value).where(
                t.LoggedModelTagRow.model_id == model_id,
                t.LoggedModelTagRow.key == MODEL_VERSIONS_TAG,
            )
        )
        entry = {"name": name, "version": version}
        versions = _entries(current)
        if entry in versions:
            return
        value = json.dumps([*versions, entry])
        await self._store.set_logged_model_tags(
            session, model_id, [Tag(MODEL_VERSIONS_TAG, value)], now
        )


def _entries(value: str | None) -> list[object]:
    """The tag's list; a value that is not a JSON list (set by hand) starts a new one."""
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []
