"""The tracking store on SQLAlchemy: every query the slice runs, on PostgreSQL or SQLite.
Statements of their own live beside it: metrics in ``metric_sql``, a run's rows in
``run_rows``, searches in ``search``; the logged-model methods come from
``logged_model_store``.

Methods take the caller's session; the service owns the transaction. Reads of many runs load
their children with one ``IN`` query per table, never one query per run.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    and_,
    delete,
    insert,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import ForUpdateParameter

from berth.db.queries import (
    by_key,
    dialect_insert,
    grouped,
    grouped_rows,
    upsert_key_values,
)
from berth.errors import already_exists, invalid, not_found
from berth.tracking import metric_sql
from berth.tracking import tables as t
from berth.tracking.entities import (
    RUN_NAME_TAG,
    Dataset,
    DatasetInput,
    DatasetSummary,
    Experiment,
    LifecycleStage,
    LoggedModel,
    Metric,
    MetricPoint,
    ModelOutput,
    Page,
    Param,
    Run,
    RunInfo,
    RunStatus,
    Tag,
    ViewType,
)
from berth.tracking.keys import experiment_key
from berth.tracking.logged_model_store import (
    LoggedModelMethods,
    insert_logged_model,
    require_models,
)
from berth.tracking.run_rows import (
    RunColumns,
    StoredRun,
    children_statement,
    dataset_input_ids,
    run_info,
)
from berth.tracking.search import experiment_sql, page_token, run_sql
from berth.tracking.search.grammar import (
    parse_experiment_filter,
    parse_experiment_order_by,
    parse_run_filter,
    parse_run_order_by,
)


class SqlTrackingStore(LoggedModelMethods):
    def __init__(self, artifact_root: str) -> None:
        self._artifact_root = artifact_root.rstrip("/")

    # ------------------------------------------------------------------ experiments

    async def ensure_default_experiment(self, session: AsyncSession, now: int) -> None:
        """Experiment 0, "Default", exists in every store, as MLflow clients expect."""
        statement = (
            dialect_insert(session, t.ExperimentRow)
            .values(
                experiment_id=0,
                name="Default",
                artifact_location=f"{self._artifact_root}/0",
                lifecycle_stage=LifecycleStage.ACTIVE,
                creation_time=now,
                last_update_time=now,
            )
            .on_conflict_do_nothing()
        )
        await session.execute(statement)

    async def create_experiment(
        self,
        session: AsyncSession,
        name: str,
        artifact_location: str | None,
        tags: Sequence[Tag],
        now: int,
    ) -> str:
        if await session.scalar(select(t.ExperimentRow.experiment_id).filter_by(name=name)):
            raise already_exists(f"Experiment(name={name}) already exists.")
        row = t.ExperimentRow(
            name=name,
            artifact_location=artifact_location or "",
            lifecycle_stage=LifecycleStage.ACTIVE,
            creation_time=now,
            last_update_time=now,
        )
        session.add(row)
        await _flush_unique_name(session, name)
        if not artifact_location:
            row.artifact_location = f"{self._artifact_root}/{row.experiment_id}"
        if tags:
            latest = {tag.key: tag.value for tag in tags}
            await upsert_key_values(
                session, t.ExperimentTagRow, "experiment_id", row.experiment_id, latest
            )
        return str(row.experiment_id)

    async def get_experiment(self, session: AsyncSession, experiment_id: str) -> Experiment:
        row = await self._experiment_row(session, experiment_id)
        return (await self._experiments(session, [row]))[0]

    async def get_experiment_by_name(self, session: AsyncSession, name: str) -> Experiment:
        row = await session.scalar(select(t.ExperimentRow).filter_by(name=name))
        if row is None:
            raise not_found(f"Could not find experiment with name '{name}'")
        return (await self._experiments(session, [row]))[0]

    async def search_experiments(
        self,
        session: AsyncSession,
        view_type: ViewType,
        max_results: int,
        filter_string: str | None,
        order_by: Sequence[str],
        token: str | None,
    ) -> Page[Experiment]:
        comparisons = parse_experiment_filter(filter_string)
        order = parse_experiment_order_by(order_by)
        query_id = page_token.fingerprint("experiments", view_type, filter_string, order_by)
        statement = (
            select(t.ExperimentRow)
            .where(t.ExperimentRow.lifecycle_stage.in_(view_type.stages()))
            .where(*experiment_sql.compile_filter(comparisons))
            .order_by(*experiment_sql.compile_order(order))
        )
        rows, next_token = await page_token.page_of(
            session, statement, query_id, token, max_results
        )
        return Page(await self._experiments(session, rows), next_token)

    async def rename_experiment(
        self, session: AsyncSession, experiment_id: str, name: str, now: int
    ) -> None:
        row = await self._experiment_row(session, experiment_id)
        if row.lifecycle_stage != LifecycleStage.ACTIVE:
            raise invalid("Cannot rename a non-active experiment.")
        if row.name != name and await session.scalar(
            select(t.ExperimentRow.experiment_id).filter_by(name=name)
        ):
            raise already_exists(f"Experiment(name={name}) already exists.")
        row.name = name
        row.last_update_time = now
        await _flush_unique_name(session, name)

    async def set_experiment_lifecycle(
        self, session: AsyncSession, experiment_id: str, stage: LifecycleStage, now: int
    ) -> None:
        """Delete or restore an experiment together with its runs, as MLflow does."""
        row = await self._experiment_row(session, experiment_id)
        current = (
            LifecycleStage.DELETED if stage is LifecycleStage.ACTIVE else LifecycleStage.ACTIVE
        )
        if row.lifecycle_stage != current:
            # As MLflow: deleting looks among active experiments only, restoring among deleted.
            raise not_found(f"No Experiment with id={experiment_id} exists")
        deleted_time = now if stage is LifecycleStage.DELETED else None
        row.lifecycle_stage = stage
        row.last_update_time = now
        row.deleted_time = deleted_time
        await session.execute(
            update(t.RunRow)
            .where(t.RunRow.experiment_id == row.experiment_id)
            .values(lifecycle_stage=stage, deleted_time=deleted_time)
        )

    async def set_experiment_tag(
        self, session: AsyncSession, experiment_id: str, tag: Tag, now: int
    ) -> None:
        row = await self._active_experiment_row(session, experiment_id)
        await session.execute(
            dialect_insert(session, t.ExperimentTagRow)
            .values(experiment_id=row.experiment_id, key=tag.key, value=tag.value)
            .on_conflict_do_update(
                index_elements=["experiment_id", "key"], set_={"value": tag.value}
            )
        )
        row.last_update_time = now

    async def delete_experiment_tag(
        self, session: AsyncSession, experiment_id: str, key: str, now: int
    ) -> None:
        row = await self._active_experiment_row(session, experiment_id)
        result = await session.execute(
            delete(t.ExperimentTagRow).filter_by(experiment_id=row.experiment_id, key=key)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise not_found(f"No tag with name: {key} in experiment with id {experiment_id}")
        row.last_update_time = now

    async def _experiment_row(self, session: AsyncSession, experiment_id: str) -> t.ExperimentRow:
        row = await session.get(t.ExperimentRow, experiment_key(experiment_id))
        if row is None:
            raise not_found(f"No Experiment with id={experiment_id} exists")
        return row

    async def _active_experiment_row(
        self, session: AsyncSession, experiment_id: str
    ) -> t.ExperimentRow:
        row = await self._experiment_row(session, experiment_id)
        if row.lifecycle_stage != LifecycleStage.ACTIVE:
            raise invalid(
                f"The experiment {experiment_id} must be in the 'active' state. "
                f"Current state is {row.lifecycle_stage}."
            )
        return row

    async def _experiments(
        self, session: AsyncSession, rows: Sequence[t.ExperimentRow]
    ) -> list[Experiment]:
        tag_rows = await grouped(
            session,
            t.ExperimentTagRow,
            t.ExperimentTagRow.experiment_id,
            [row.experiment_id for row in rows],
        )
        tags = {owner: [Tag(g.key, g.value) for g in group] for owner, group in tag_rows.items()}
        return [
            Experiment(
                experiment_id=str(row.experiment_id),
                name=row.name,
                artifact_location=row.artifact_location,
                lifecycle_stage=LifecycleStage(row.lifecycle_stage),
                creation_time=row.creation_time,
                last_update_time=row.last_update_time,
                tags=tuple(tags.get(row.experiment_id, ())),
            )
            for row in rows
        ]

    # ------------------------------------------------------------------ runs

    async def create_run(
        self,
        session: AsyncSession,
        experiment_id: str,
        user_id: str,
        start_time: int,
        run_name: str,
        tags: Sequence[Tag],
    ) -> Run:
        """The run is built from what was inserted rather than read back: a new run has
        only its tags (reading it again cost seven queries). On PostgreSQL the experiment
        check, the run and its tags are one statement (``_CREATE_RUN``)."""
        run_id = uuid.uuid4().hex
        latest = {tag.key: tag.value for tag in tags}
        if _dialect(session) == "postgresql":
            location = await _create_run_statement(
                session, experiment_id, run_id, user_id, start_time, run_name, latest
            )
        else:
            location = await self._insert_run(
                session, experiment_id, run_id, user_id, start_time, run_name, latest
            )
        info = RunInfo(
            run_id=run_id,
            run_name=run_name,
            experiment_id=str(experiment_key(experiment_id)),
            user_id=user_id,
            status=RunStatus.RUNNING,
            start_time=start_time,
            end_time=None,
            artifact_uri=f"{location}/{run_id}/artifacts",
            lifecycle_stage=LifecycleStage.ACTIVE,
        )
        return Run(info=info, tags=tuple(Tag(key, latest[key]) for key in sorted(latest)))

    async def _insert_run(
        self,
        session: AsyncSession,
        experiment_id: str,
        run_id: str,
        user_id: str,
        start_time: int,
        run_name: str,
        tags: dict[str, str],
    ) -> str:
        """The run and its tags, statement by statement; the experiment's artifact location."""
        experiment = await self._active_experiment_row(session, experiment_id)
        await session.execute(
            insert(t.RunRow).values(
                run_id=run_id,
                experiment_id=experiment.experiment_id,
                name=run_name,
                user_id=user_id,
                status=RunStatus.RUNNING,
                start_time=start_time,
                end_time=None,
                lifecycle_stage=LifecycleStage.ACTIVE,
                artifact_uri=f"{experiment.artifact_location}/{run_id}/artifacts",
            )
        )
        if tags:  # the run's name is already the name tag's value (the service sees to it)
            await upsert_key_values(session, t.RunTagRow.__table__, "run_id", run_id, tags)
        return experiment.artifact_location

    async def get_run(self, session: AsyncSession, run_id: str) -> Run:
        row = await self._run_row(session, run_id)
        return (await self._runs(session, [row]))[0].run()

    async def lock_run(self, session: AsyncSession, run_id: str) -> Run:
        """The run, with its row locked until the transaction ends (read-modify-write)."""
        row = await self._run_row(session, run_id, lock=True)
        return (await self._runs(session, [row]))[0].run()

    async def update_run(
        self,
        session: AsyncSession,
        run_id: str,
        status: RunStatus | None,
        end_time: int | None,
        run_name: str | None,
    ) -> RunInfo:
        row = await self._active_run_row(session, run_id)
        if status is not None:
            row.status = status
        if end_time is not None:
            row.end_time = end_time
        if run_name:
            row.name = run_name
            await upsert_key_values(
                session, t.RunTagRow, "run_id", run_id, {RUN_NAME_TAG: run_name}
            )
        return run_info(row)

    async def set_run_lifecycle(
        self, session: AsyncSession, run_id: str, stage: LifecycleStage, now: int
    ) -> None:
        row = await self._run_row(session, run_id)
        row.lifecycle_stage = stage
        row.deleted_time = now if stage is LifecycleStage.DELETED else None

    async def log_batch(
        self,
        session: AsyncSession,
        run_id: str,
        metrics: Sequence[Metric],
        params: Sequence[Param],
        tags: Sequence[Tag],
    ) -> None:
        """Params, tags and metrics of one run in a handful of multi-row statements. On
        PostgreSQL, metrics of no logged model go first, in one statement that checks the
        run too (``metric_sql.LOG_METRICS``); a batch of only those is one statement. Either way the
        run is locked against deletion until the batch commits (``metric_sql.KEY_SHARE``)."""
        if self.logs_in_one_statement(_dialect(session), metrics, (), ()):
            await self._log_plain_metrics(session, run_id, metrics)
            metrics = ()
        else:
            await self._active_run_row(session, run_id, lock=metric_sql.KEY_SHARE)
        await self._insert_params(session, run_id, params)
        await self._upsert_run_tags(session, run_id, tags)
        await self._insert_metrics(session, run_id, metrics)

    def logs_in_one_statement(
        self, dialect: str, metrics: Sequence[Metric], params: Sequence[Param], tags: Sequence[Tag]
    ) -> bool:
        """Whether ``log_batch`` is one statement: metrics only, none of a logged model, on
        PostgreSQL (``metric_sql.LOG_METRICS``)."""
        return (
            dialect == "postgresql"
            and bool(metrics)
            and not params
            and not tags
            and not any(metric.model_id for metric in metrics)
        )

    async def delete_run_tag(self, session: AsyncSession, run_id: str, key: str) -> None:
        await self._active_run_row(session, run_id)
        result = await session.execute(delete(t.RunTagRow).filter_by(run_id=run_id, key=key))
        if not result.rowcount:  # type: ignore[attr-defined]
            raise not_found(f"No tag with name: {key} in run with id {run_id}")

    async def metric_history(
        self,
        session: AsyncSession,
        run_id: str,
        key: str,
        max_results: int | None,
        token: str | None,
    ) -> Page[MetricPoint]:
        """One key's history in step order; without ``max_results``, all of it (as MLflow).

        Paged by keyset: the token holds the last point's sort key, the primary key's tail,
        so each page is one range read of the index from there (an OFFSET would read and
        drop every earlier point again on every page).
        """
        await self._run_row(session, run_id)
        query_id = page_token.fingerprint("metric-history", run_id, key)
        after = page_token.decode_after(token, query_id, metric_sql.HISTORY_POSITION_TYPES)
        statement = (
            select(*metric_sql.HISTORY_COLUMNS)
            .where(t.MetricRow.run_id == run_id, t.MetricRow.key == key)
            .order_by(*metric_sql.HISTORY_ORDER)
        )
        if after is not None:
            statement = statement.where(
                tuple_(*metric_sql.HISTORY_ORDER) > metric_sql.history_position(after)
            )
        if max_results is not None:
            statement = statement.limit(max_results + 1)
        # On the session's connection, not the session: Core rows, without the ORM's
        # per-row loading, which was most of the time of a page.
        connection = await session.connection()
        points = (await connection.execute(statement)).all()
        if max_results is None or len(points) <= max_results:
            return Page(list(points), None)
        value, timestamp, step, is_nan, *_ = points[max_results - 1]
        next_token = page_token.encode_after((step, timestamp, value, is_nan), query_id)
        return Page(list(points[:max_results]), next_token)

    async def metric_histories(
        self, session: AsyncSession, run_ids: Sequence[str], key: str, limit: int
    ) -> list[Metric]:
        """The first ``limit`` points of these runs' histories of ``key``, in MLflow's order
        for them: run id, then timestamp, step and value. Unknown runs have no points."""
        statement = (
            select(*metric_sql.METRIC_COLUMNS)
            .where(t.MetricRow.run_id.in_(run_ids), t.MetricRow.key == key)
            .order_by(
                t.MetricRow.run_id,
                t.MetricRow.timestamp,
                t.MetricRow.step,
                t.MetricRow.value,
                t.MetricRow.is_nan,
            )
            .limit(limit)
        )
        rows = (await (await session.connection()).execute(statement)).all()
        return [metric_sql.metric_from_row(row, with_run=True) for row in rows]

    async def metric_history_sampled(
        self,
        session: AsyncSession,
        run_ids: Sequence[str],
        key: str,
        start_step: int | None,
        end_step: int | None,
        max_points: int,
    ) -> list[Metric]:
        """Up to ``max_points`` evenly spread steps of each run's history, ends included,
        with every point logged at those steps; in run, step and timestamp order.

        The choice is made in SQL (:func:`metric_sql.sampled_steps`), so only the chosen
        points leave the database.
        """
        chosen = metric_sql.sampled_steps(run_ids, key, start_step, end_step, max_points)
        statement = (
            select(*metric_sql.METRIC_COLUMNS)
            .join(
                chosen,
                and_(
                    t.MetricRow.run_id == chosen.c.run_id,
                    t.MetricRow.step == chosen.c.step,
                ),
            )
            .where(t.MetricRow.key == key)
            .order_by(
                t.MetricRow.run_id, t.MetricRow.step, t.MetricRow.timestamp, t.MetricRow.value
            )
        )
        rows = (await (await session.connection()).execute(statement)).all()
        return [metric_sql.metric_from_row(row, with_run=True) for row in rows]

    async def search_runs(
        self,
        session: AsyncSession,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        view_type: ViewType,
        max_results: int,
        order_by: Sequence[str],
        token: str | None,
    ) -> Page[StoredRun]:
        comparisons = parse_run_filter(filter_string)
        order = parse_run_order_by(order_by)
        query_id = page_token.fingerprint(
            "runs", sorted(experiment_ids), filter_string, view_type, order_by
        )
        parts, values = run_sql.page_statements(
            [experiment_key(e) for e in experiment_ids], view_type.stages(), comparisons, order
        )
        rows, next_token = await page_token.page_of_parts(
            session, parts, values, query_id, token, max_results
        )
        return Page(await self._runs(session, rows), next_token)

    async def log_inputs(
        self,
        session: AsyncSession,
        run_id: str,
        datasets: Sequence[DatasetInput],
        model_ids: Sequence[str],
    ) -> None:
        run = await self._active_run_row(session, run_id)
        for dataset_input in datasets:
            dataset_id = await self._dataset_id(session, run.experiment_id, dataset_input.dataset)
            input_id = uuid.uuid4().hex
            await session.execute(
                dialect_insert(session, t.InputRow).on_conflict_do_nothing(),
                {"input_id": input_id, "run_id": run_id, "dataset_id": dataset_id},
            )
            stored_id = await session.scalar(
                select(t.InputRow.input_id).filter_by(run_id=run_id, dataset_id=dataset_id)
            )
            if stored_id != input_id:  # the run already used this dataset: keep its tags
                continue
            if dataset_input.tags:
                latest = {tag.key: tag.value for tag in dataset_input.tags}
                await upsert_key_values(session, t.InputTagRow, "input_id", input_id, latest)
        await require_models(session, model_ids)
        if model_ids:
            await session.execute(
                dialect_insert(session, t.RunModelInputRow).on_conflict_do_nothing(),
                [{"run_id": run_id, "model_id": m} for m in dict.fromkeys(model_ids)],
            )
        await session.flush()

    async def log_outputs(
        self, session: AsyncSession, run_id: str, outputs: Sequence[ModelOutput]
    ) -> None:
        await self._active_run_row(session, run_id)
        await require_models(session, [o.model_id for o in outputs])
        if outputs:
            values = {
                o.model_id: {"run_id": run_id, "model_id": o.model_id, "step": o.step}
                for o in outputs
            }
            statement = dialect_insert(session, t.RunModelOutputRow)
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["run_id", "model_id"], set_={"step": statement.excluded.step}
                ),
                list(values.values()),
            )

    async def _dataset_id(self, session: AsyncSession, experiment_id: int, dataset: Dataset) -> str:
        """The experiment's dataset with this name and digest, created if new (race-free)."""
        await session.execute(
            dialect_insert(session, t.DatasetRow).on_conflict_do_nothing(),
            {
                "dataset_id": uuid.uuid4().hex,
                "experiment_id": experiment_id,
                "name": dataset.name,
                "digest": dataset.digest,
                "source_type": dataset.source_type,
                "source": dataset.source,
                "schema": dataset.schema,
                "profile": dataset.profile,
            },
        )
        dataset_id = await session.scalar(
            select(t.DatasetRow.dataset_id).filter_by(
                experiment_id=experiment_id, name=dataset.name, digest=dataset.digest
            )
        )
        assert dataset_id is not None
        return dataset_id

    async def _run_row(
        self, session: AsyncSession, run_id: str, *, lock: ForUpdateParameter = None
    ) -> t.RunRow:
        row = await session.get(t.RunRow, run_id, with_for_update=lock)
        if row is None:
            raise not_found(f"Run with id={run_id} not found")
        return row

    async def _active_run_row(
        self, session: AsyncSession, run_id: str, *, lock: ForUpdateParameter = None
    ) -> t.RunRow:
        row = await self._run_row(session, run_id, lock=lock)
        if row.lifecycle_stage != LifecycleStage.ACTIVE:
            raise invalid(
                f"The run {run_id} must be in the 'active' state. "
                f"Current state is {row.lifecycle_stage}."
            )
        return row

    async def _insert_params(
        self, session: AsyncSession, run_id: str, params: Sequence[Param]
    ) -> None:
        """Insert, then verify: a value already stored (by an earlier or a concurrent request)
        that differs from the requested one fails the whole transaction. The verification
        comes back from the insert itself: on a conflict the "update" keeps the stored value
        and RETURNING reports it, so one statement does both."""
        if not params:
            return
        table = t.ParamRow.__table__
        statement = dialect_insert(session, table)
        rows = await session.execute(
            statement.on_conflict_do_update(
                index_elements=["run_id", "key"], set_={"value": table.c.value}
            ).returning(table.c.key, table.c.value),
            [{"run_id": run_id, "key": p.key, "value": p.value} for p in by_key(params)],
        )
        stored: dict[str, str] = {key: value for key, value in rows}
        for param in params:
            if stored[param.key] != param.value:
                raise invalid(
                    "Changing param values is not allowed. "
                    f"Param with key='{param.key}' was already logged with "
                    f"value='{stored[param.key]}' for run ID='{run_id}'. "
                    f"Attempted logging new value '{param.value}'."
                )

    async def _upsert_run_tags(
        self, session: AsyncSession, run_id: str, tags: Sequence[Tag]
    ) -> None:
        if not tags:
            return
        latest = {tag.key: tag.value for tag in tags}
        await upsert_key_values(session, t.RunTagRow.__table__, "run_id", run_id, latest)
        if RUN_NAME_TAG in latest:
            await session.execute(
                update(t.RunRow).filter_by(run_id=run_id).values(name=latest[RUN_NAME_TAG])
            )

    async def _insert_metrics(
        self, session: AsyncSession, run_id: str, metrics: Sequence[Metric]
    ) -> None:
        if not metrics:
            return
        rows = metric_sql.metric_rows(run_id, metrics)
        await session.execute(
            dialect_insert(session, t.MetricRow.__table__).on_conflict_do_nothing(), rows
        )
        await self._upsert_latest_metrics(session, rows)
        model_rows = [
            {
                k: row[k]
                for k in (
                    "model_id",
                    "key",
                    "step",
                    "timestamp",
                    "run_id",
                    "value",
                    "is_nan",
                    "dataset_name",
                    "dataset_digest",
                )
            }
            for row in sorted(rows, key=lambda r: (r["model_id"] or "", r["key"]))
            if row["model_id"]
        ]
        if model_rows:
            await require_models(session, [str(row["model_id"]) for row in model_rows])
            statement = dialect_insert(session, t.LoggedModelMetricRow)
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["model_id", "key", "step", "timestamp", "run_id"],
                    set_={"value": statement.excluded.value, "is_nan": statement.excluded.is_nan},
                ),
                model_rows,
            )

    async def _upsert_latest_metrics(
        self, session: AsyncSession, rows: Sequence[dict[str, Any]]
    ) -> None:
        """One upsert: a key's latest value is its greatest (step, timestamp, value)."""
        values = [
            {k: row[k] for k in ("run_id", "key", "step", "timestamp", "value", "is_nan")}
            for row in metric_sql.newest(rows)
        ]
        statement = dialect_insert(session, t.LatestMetricRow.__table__)
        new, old = statement.excluded, t.LatestMetricRow.__table__.c
        newer = or_(
            new.step > old.step,
            and_(new.step == old.step, new.timestamp > old.timestamp),
            and_(new.step == old.step, new.timestamp == old.timestamp, new.value > old.value),
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["run_id", "key"],
                set_={c: getattr(new, c) for c in ("step", "timestamp", "value", "is_nan")},
                where=newer,
            ),
            values,
        )

    async def _log_plain_metrics(
        self, session: AsyncSession, run_id: str, metrics: Sequence[Metric]
    ) -> None:
        """Metrics without a model, the run check and the latest values in one PostgreSQL
        statement (``metric_sql.LOG_METRICS``): one round trip where there were three. Nothing is
        written unless the run is active; the errors are those of ``_active_run_row``."""
        rows = metric_sql.metric_rows(run_id, metrics)
        result = await session.execute(
            metric_sql.LOG_METRICS, metric_sql.log_metrics_parameters(run_id, rows)
        )
        stage = result.scalar_one_or_none()
        if stage is None:
            raise not_found(f"Run with id={run_id} not found")
        if stage != LifecycleStage.ACTIVE:
            raise invalid(
                f"The run {run_id} must be in the 'active' state. Current state is {stage}."
            )

    async def _runs(self, session: AsyncSession, rows: Sequence[RunColumns]) -> list[StoredRun]:
        """Runs with their data: everything they own comes from one statement
        (``children_statement``) for all of them; datasets, which few runs have, only when
        some of these runs have them."""
        ids = [row.run_id for row in rows]
        if not ids:
            return []
        children = await grouped_rows(session, children_statement, ids)
        input_ids = [i for run_id in ids for i in dataset_input_ids(children[run_id])]
        datasets = await self._dataset_inputs(session, input_ids) if input_ids else {}
        return [StoredRun(row, children[row.run_id], datasets) for row in rows]

    async def _dataset_inputs(
        self, session: AsyncSession, input_ids: Sequence[str]
    ) -> dict[str, DatasetInput]:
        """The dataset inputs with these ids, by input id."""
        result = await session.execute(
            select(t.InputRow.input_id, t.DatasetRow)
            .join(t.DatasetRow, t.DatasetRow.dataset_id == t.InputRow.dataset_id)
            .where(t.InputRow.input_id.in_(input_ids))
        )
        pairs: list[tuple[str, t.DatasetRow]] = [(i, d) for i, d in result]
        input_tags = await grouped(
            session, t.InputTagRow, t.InputTagRow.input_id, [i for i, _ in pairs]
        )
        return {
            input_id: DatasetInput(
                dataset=Dataset(
                    name=dataset.name,
                    digest=dataset.digest,
                    source_type=dataset.source_type,
                    source=dataset.source,
                    schema=dataset.schema,
                    profile=dataset.profile,
                ),
                tags=tuple(Tag(g.key, g.value) for g in input_tags[input_id]),
            )
            for input_id, dataset in pairs
        }

    async def search_datasets(
        self, session: AsyncSession, experiment_ids: Sequence[str], limit: int
    ) -> list[DatasetSummary]:
        """Each (dataset, context) pair the experiments' runs used, a use without a context
        tag as context None; experiments in any lifecycle stage, unknown ones adding nothing.

        MLflow leaves the order to the database; here it is experiment, name, digest and
        context, so the ``limit`` cuts the same rows every time.
        """
        context = t.InputTagRow.value
        statement = (
            select(t.DatasetRow.experiment_id, t.DatasetRow.name, t.DatasetRow.digest, context)
            .distinct()
            .join(t.InputRow, t.InputRow.dataset_id == t.DatasetRow.dataset_id)
            .outerjoin(
                t.InputTagRow,
                and_(
                    t.InputTagRow.input_id == t.InputRow.input_id,
                    t.InputTagRow.key == run_sql.DATASET_CONTEXT_TAG,
                ),
            )
            .where(t.DatasetRow.experiment_id.in_([experiment_key(e) for e in experiment_ids]))
            .order_by(
                t.DatasetRow.experiment_id,
                t.DatasetRow.name,
                t.DatasetRow.digest,
                context.asc().nulls_first(),
            )
            .limit(limit)
        )
        rows = (await session.execute(statement)).all()
        return [
            DatasetSummary(str(experiment_id), name, digest, value)
            for experiment_id, name, digest, value in rows
        ]

    # ------------------------------------------------------------------ logged models

    async def create_logged_model(
        self,
        session: AsyncSession,
        experiment_id: str,
        name: str | None,
        model_type: str | None,
        source_run_id: str | None,
        params: Sequence[Param],
        tags: Sequence[Tag],
        now: int,
    ) -> LoggedModel:
        experiment = await self._active_experiment_row(session, experiment_id)
        if source_run_id:
            await self._run_row(session, source_run_id)
        model_id = await insert_logged_model(
            session, experiment, name, model_type, source_run_id or None, now
        )
        await self.log_logged_model_params(session, model_id, params, now)
        await self.set_logged_model_tags(session, model_id, tags, now)
        return await self.get_logged_model(session, model_id)

    # ------------------------------------------------------------------ garbage collection

    async def deleted_runs(
        self,
        session: AsyncSession,
        deleted_before: int | None,
        run_ids: Sequence[str] | None = None,
    ) -> list[RunInfo]:
        """Runs in the deleted stage since ``deleted_before`` or earlier (since any time when
        None): all of them, or those among ``run_ids``."""
        statement = select(t.RunRow).where(t.RunRow.lifecycle_stage == LifecycleStage.DELETED)
        if deleted_before is not None:
            statement = statement.where(t.RunRow.deleted_time <= deleted_before)
        if run_ids is not None:
            statement = statement.where(t.RunRow.run_id.in_(run_ids))
        rows = await session.scalars(statement.order_by(t.RunRow.deleted_time, t.RunRow.run_id))
        return [run_info(row) for row in rows]

    async def deleted_experiments(
        self,
        session: AsyncSession,
        deleted_before: int | None,
        experiment_ids: Sequence[str] | None = None,
    ) -> list[Experiment]:
        """Experiments in the deleted stage since ``deleted_before`` or earlier (since any time
        when None): all of them, or those among ``experiment_ids``."""
        row = t.ExperimentRow
        statement = select(row).where(row.lifecycle_stage == LifecycleStage.DELETED)
        if deleted_before is not None:
            statement = statement.where(row.deleted_time <= deleted_before)
        if experiment_ids is not None:
            statement = statement.where(
                row.experiment_id.in_([experiment_key(e) for e in experiment_ids])
            )
        rows = await session.scalars(statement.order_by(row.deleted_time, row.experiment_id))
        return await self._experiments(session, list(rows))

    async def experiment_run_ids(self, session: AsyncSession, experiment_id: str) -> list[str]:
        """Every run of the experiment, whatever its stage."""
        statement = select(t.RunRow.run_id).where(
            t.RunRow.experiment_id == experiment_key(experiment_id)
        )
        return list(await session.scalars(statement.order_by(t.RunRow.run_id)))

    async def experiment_artifact_locations(self, session: AsyncSession) -> dict[str, str]:
        """The artifact location of every experiment, by id."""
        rows = await session.execute(
            select(t.ExperimentRow.experiment_id, t.ExperimentRow.artifact_location)
        )
        return {str(experiment_id): location for experiment_id, location in rows}

    async def hard_delete_run(self, session: AsyncSession, run_id: str) -> bool:
        """Delete a run in the deleted stage for good, with its metrics, then its params,
        tags, inputs ... (ON DELETE CASCADE). False if it is not (or no longer) deleted.

        The run is locked first: a batch of metrics still writing to it commits before, and
        one that comes after finds no run (metrics have no foreign key, see ``tables``)."""
        locked = await session.scalar(
            select(t.RunRow.run_id)
            .where(t.RunRow.run_id == run_id, t.RunRow.lifecycle_stage == LifecycleStage.DELETED)
            .with_for_update()
        )
        if locked is None:
            return False
        await session.execute(delete(t.MetricRow).where(t.MetricRow.run_id == run_id))
        await session.execute(delete(t.RunRow).where(t.RunRow.run_id == run_id))
        return True

    async def hard_delete_experiment(self, session: AsyncSession, experiment_id: str) -> bool:
        """Delete an experiment in the deleted stage for good, with the metrics of its runs,
        then its tags, runs, datasets and logged models (ON DELETE CASCADE). False if it is
        not (or no longer) deleted. Locks as ``hard_delete_run`` does, the experiment first
        (no run can be created in it meanwhile), then its runs."""
        key = experiment_key(experiment_id)
        locked = await session.scalar(
            select(t.ExperimentRow.experiment_id)
            .where(
                t.ExperimentRow.experiment_id == key,
                t.ExperimentRow.lifecycle_stage == LifecycleStage.DELETED,
            )
            .with_for_update()
        )
        if locked is None:
            return False
        runs = select(t.RunRow.run_id).where(t.RunRow.experiment_id == key).with_for_update()
        await session.execute(delete(t.MetricRow).where(t.MetricRow.run_id.in_(runs)))
        await session.execute(delete(t.ExperimentRow).where(t.ExperimentRow.experiment_id == key))
        return True

    # ------------------------------------------------------------------ shared


async def _flush_unique_name(session: AsyncSession, name: str) -> None:
    """Flush an experiment write; losing a race for its name is RESOURCE_ALREADY_EXISTS
    (the caller's transaction then rolls back)."""
    try:
        await session.flush()
    except IntegrityError as exc:
        raise already_exists(f"Experiment(name={name}) already exists.") from exc


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def _create_run_statement(
    session: AsyncSession,
    experiment_id: str,
    run_id: str,
    user_id: str,
    start_time: int,
    run_name: str,
    tags: dict[str, str],
) -> str:
    """``_CREATE_RUN``; the experiment's artifact location, or the errors of
    ``_active_experiment_row``."""
    result = await session.execute(
        _CREATE_RUN,
        {
            "experiment_id": experiment_key(experiment_id),
            "run_id": run_id,
            "name": run_name,
            "user_id": user_id,
            "status": RunStatus.RUNNING.value,
            "start_time": start_time,
            "tag_keys": sorted(tags),
            "tag_values": [tags[key] for key in sorted(tags)],
        },
    )
    found = result.one_or_none()
    if found is None:
        raise not_found(f"No Experiment with id={experiment_id} exists")
    stage, location = found
    if stage != LifecycleStage.ACTIVE:
        raise invalid(
            f"The experiment {experiment_id} must be in the 'active' state. "
            f"Current state is {stage}."
        )
    return str(location)


# The run is inserted only into an active experiment, its tags only with the run; foreign
# keys are checked at the end of the statement, when the run is there.
_CREATE_RUN = text(
    """
WITH experiment AS (
    SELECT experiment_id, artifact_location, lifecycle_stage
    FROM experiments WHERE experiment_id = :experiment_id
), run AS (
    INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time,
                      lifecycle_stage, artifact_uri)
    SELECT CAST(:run_id AS VARCHAR), experiment_id, :name, :user_id, :status, :start_time,
           NULL, 'active', artifact_location || '/' || CAST(:run_id AS VARCHAR) || '/artifacts'
    FROM experiment WHERE lifecycle_stage = 'active'
    RETURNING run_id
), tags AS (
    INSERT INTO run_tags (run_id, key, value)
    SELECT run.run_id, tag.key, tag.value
    FROM run, unnest(CAST(:tag_keys AS VARCHAR[]), CAST(:tag_values AS TEXT[])) AS tag(key, value)
)
SELECT lifecycle_stage, artifact_location FROM experiment
"""
)
