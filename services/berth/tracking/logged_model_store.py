"""Logged models on SQLAlchemy: the tracking store's methods for them, and what runs ask of
them.

``SqlTrackingStore`` takes its logged-model methods from :class:`LoggedModelMethods`, which
reads and writes the logged models' own tables only. Creating one starts in the store, which
checks the experiment and the source run first, then calls :func:`insert_logged_model`. Runs
that log metrics, inputs or outputs of logged models check them with :func:`require_models`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from berth.db.queries import grouped, upsert_key_values
from berth.errors import not_found
from berth.tracking import metric_sql
from berth.tracking import tables as t
from berth.tracking.entities import (
    LifecycleStage,
    LoggedModel,
    LoggedModelStatus,
    ModelOrder,
    Page,
    Param,
    Tag,
)
from berth.tracking.keys import experiment_key
from berth.tracking.search import logged_model_sql, page_token
from berth.tracking.search.grammar import parse_logged_model_filter


class LoggedModelMethods:
    """The logged-model methods of ``SqlTrackingStore`` but creation."""

    async def get_logged_model(self, session: AsyncSession, model_id: str) -> LoggedModel:
        row = await logged_model_row(session, model_id)
        return (await logged_models(session, [row]))[0]

    async def finalize_logged_model(
        self, session: AsyncSession, model_id: str, status: LoggedModelStatus, now: int
    ) -> LoggedModel:
        row = await logged_model_row(session, model_id)
        row.status = status
        row.last_updated_timestamp_ms = now
        return (await logged_models(session, [row]))[0]

    async def delete_logged_model(self, session: AsyncSession, model_id: str, now: int) -> None:
        row = await logged_model_row(session, model_id)
        row.lifecycle_stage = LifecycleStage.DELETED
        row.last_updated_timestamp_ms = now

    async def set_logged_model_tags(
        self, session: AsyncSession, model_id: str, tags: Sequence[Tag], now: int
    ) -> None:
        latest = {tag.key: tag.value for tag in tags}
        await _set_key_values(session, t.LoggedModelTagRow, model_id, latest, now)

    async def delete_logged_model_tag(
        self, session: AsyncSession, model_id: str, key: str, now: int
    ) -> None:
        row = await logged_model_row(session, model_id)
        result = await session.execute(
            delete(t.LoggedModelTagRow).filter_by(model_id=model_id, key=key)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise not_found(f"No tag with key {key!r} found for model with ID {model_id!r}.")
        row.last_updated_timestamp_ms = now

    async def log_logged_model_params(
        self, session: AsyncSession, model_id: str, params: Sequence[Param], now: int
    ) -> None:
        latest = {p.key: p.value for p in params}
        await _set_key_values(session, t.LoggedModelParamRow, model_id, latest, now)

    async def search_logged_models(
        self,
        session: AsyncSession,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        datasets: Sequence[tuple[str, str | None]],
        max_results: int,
        order_by: Sequence[ModelOrder],
        token: str | None,
    ) -> Page[LoggedModel]:
        comparisons = parse_logged_model_filter(filter_string)
        query_id = page_token.fingerprint(
            "logged-models",
            sorted(experiment_ids),
            filter_string,
            [f"{d[0]}@{d[1]}" for d in datasets],
            [repr(o) for o in order_by],
        )
        ids = [experiment_key(e) for e in experiment_ids]
        statement = (
            select(t.LoggedModelRow)
            .where(t.LoggedModelRow.experiment_id.in_(ids))
            .where(t.LoggedModelRow.lifecycle_stage == LifecycleStage.ACTIVE)
            .where(*logged_model_sql.compile_filter(comparisons, datasets))
            .order_by(*logged_model_sql.compile_order(order_by))
        )
        rows, next_token = await page_token.page_of(
            session, statement, query_id, token, max_results
        )
        return Page(await logged_models(session, rows), next_token)


async def _set_key_values(
    session: AsyncSession,
    table: type[t.LoggedModelTagRow] | type[t.LoggedModelParamRow],
    model_id: str,
    values: dict[str, str],
    now: int,
) -> None:
    """Tags or params of a live logged model, each key's last value winning; the model is
    updated at ``now`` unless there were none."""
    row = await logged_model_row(session, model_id)
    if not values:
        return
    await upsert_key_values(session, table, "model_id", model_id, values)
    row.last_updated_timestamp_ms = now


async def insert_logged_model(
    session: AsyncSession,
    experiment: t.ExperimentRow,
    name: str | None,
    model_type: str | None,
    source_run_id: str | None,
    now: int,
) -> str:
    """A new pending logged model of ``experiment`` (checked by the caller); its id."""
    model_id = f"m-{uuid.uuid4().hex}"
    session.add(
        t.LoggedModelRow(
            model_id=model_id,
            experiment_id=experiment.experiment_id,
            name=name or f"model-{model_id[2:10]}",
            artifact_location=f"{experiment.artifact_location}/models/{model_id}/artifacts",
            creation_timestamp_ms=now,
            last_updated_timestamp_ms=now,
            status=LoggedModelStatus.PENDING,
            status_message=None,
            lifecycle_stage=LifecycleStage.ACTIVE,
            model_type=model_type or None,
            source_run_id=source_run_id,
        )
    )
    await session.flush()
    return model_id


async def logged_model_row(session: AsyncSession, model_id: str) -> t.LoggedModelRow:
    row = await session.get(t.LoggedModelRow, model_id)
    if row is None or row.lifecycle_stage != LifecycleStage.ACTIVE:
        raise not_found(f"Logged model with ID '{model_id}' not found.")
    return row


async def require_models(session: AsyncSession, model_ids: Iterable[str]) -> None:
    wanted = set(model_ids)
    if not wanted:
        return
    found = set(
        await session.scalars(
            select(t.LoggedModelRow.model_id).where(t.LoggedModelRow.model_id.in_(wanted))
        )
    )
    missing = sorted(wanted - found)
    if missing:
        raise not_found(f"Logged model with ID '{missing[0]}' not found.")


async def logged_models(
    session: AsyncSession, rows: Sequence[t.LoggedModelRow]
) -> list[LoggedModel]:
    ids = [row.model_id for row in rows]
    if not ids:
        return []
    tags = await grouped(session, t.LoggedModelTagRow, t.LoggedModelTagRow.model_id, ids)
    params = await grouped(session, t.LoggedModelParamRow, t.LoggedModelParamRow.model_id, ids)
    metrics = await grouped(session, t.LoggedModelMetricRow, t.LoggedModelMetricRow.model_id, ids)
    return [
        LoggedModel(
            model_id=row.model_id,
            experiment_id=str(row.experiment_id),
            name=row.name,
            artifact_location=row.artifact_location,
            creation_timestamp_ms=row.creation_timestamp_ms,
            last_updated_timestamp_ms=row.last_updated_timestamp_ms,
            status=LoggedModelStatus(row.status),
            status_message=row.status_message,
            model_type=row.model_type,
            source_run_id=row.source_run_id,
            tags=tuple(Tag(g.key, g.value) for g in tags[row.model_id]),
            params=tuple(Param(p.key, p.value) for p in params[row.model_id]),
            metrics=tuple(
                metric_sql.metric_from_row(m, with_run=True) for m in metrics[row.model_id]
            ),
        )
        for row in rows
    ]
