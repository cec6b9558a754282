"""What the tracking service needs from storage.

:class:`~berth.tracking.sql_store.SqlTrackingStore` is the implementation; the service depends
on this protocol only. Every method runs inside the caller's transaction (its session).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from berth.tracking.entities import (
    DatasetInput,
    DatasetSummary,
    Experiment,
    LifecycleStage,
    LoggedModel,
    LoggedModelStatus,
    Metric,
    MetricPoint,
    ModelOrder,
    ModelOutput,
    Page,
    Param,
    Run,
    RunInfo,
    RunStatus,
    Tag,
    ViewType,
)
from berth.tracking.run_rows import StoredRun


class TrackingStore(Protocol):
    async def ensure_default_experiment(self, session: AsyncSession, now: int) -> None: ...

    async def create_experiment(
        self,
        session: AsyncSession,
        name: str,
        artifact_location: str | None,
        tags: Sequence[Tag],
        now: int,
    ) -> str: ...

    async def get_experiment(self, session: AsyncSession, experiment_id: str) -> Experiment: ...

    async def get_experiment_by_name(self, session: AsyncSession, name: str) -> Experiment: ...

    async def search_experiments(
        self,
        session: AsyncSession,
        view_type: ViewType,
        max_results: int,
        filter_string: str | None,
        order_by: Sequence[str],
        token: str | None,
    ) -> Page[Experiment]: ...

    async def rename_experiment(
        self, session: AsyncSession, experiment_id: str, name: str, now: int
    ) -> None: ...

    async def set_experiment_lifecycle(
        self, session: AsyncSession, experiment_id: str, stage: LifecycleStage, now: int
    ) -> None: ...

    async def set_experiment_tag(
        self, session: AsyncSession, experiment_id: str, tag: Tag, now: int
    ) -> None: ...

    async def delete_experiment_tag(
        self, session: AsyncSession, experiment_id: str, key: str, now: int
    ) -> None: ...

    async def create_run(
        self,
        session: AsyncSession,
        experiment_id: str,
        user_id: str,
        start_time: int,
        run_name: str,
        tags: Sequence[Tag],
    ) -> Run:
        """A new run; called in ``Database.single_statement()``: on PostgreSQL it must be
        one statement, on SQLite the scope is a transaction."""
        ...

    async def get_run(self, session: AsyncSession, run_id: str) -> Run: ...

    async def lock_run(self, session: AsyncSession, run_id: str) -> Run: ...

    async def update_run(
        self,
        session: AsyncSession,
        run_id: str,
        status: RunStatus | None,
        end_time: int | None,
        run_name: str | None,
    ) -> RunInfo: ...

    async def set_run_lifecycle(
        self, session: AsyncSession, run_id: str, stage: LifecycleStage, now: int
    ) -> None: ...

    async def log_batch(
        self,
        session: AsyncSession,
        run_id: str,
        metrics: Sequence[Metric],
        params: Sequence[Param],
        tags: Sequence[Tag],
    ) -> None: ...

    def logs_in_one_statement(
        self,
        dialect: str,
        metrics: Sequence[Metric],
        params: Sequence[Param],
        tags: Sequence[Tag],
    ) -> bool:
        """Whether ``log_batch`` of these is one statement, which needs no transaction."""
        ...

    async def delete_run_tag(self, session: AsyncSession, run_id: str, key: str) -> None: ...

    async def metric_history(
        self,
        session: AsyncSession,
        run_id: str,
        key: str,
        max_results: int | None,
        token: str | None,
    ) -> Page[MetricPoint]: ...

    async def metric_histories(
        self, session: AsyncSession, run_ids: Sequence[str], key: str, limit: int
    ) -> list[Metric]: ...

    async def metric_history_sampled(
        self,
        session: AsyncSession,
        run_ids: Sequence[str],
        key: str,
        start_step: int | None,
        end_step: int | None,
        max_points: int,
    ) -> list[Metric]: ...

    async def search_runs(
        self,
        session: AsyncSession,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        view_type: ViewType,
        max_results: int,
        order_by: Sequence[str],
        token: str | None,
    ) -> Page[StoredRun]: ...

    async def log_inputs(
        self,
        session: AsyncSession,
        run_id: str,
        datasets: Sequence[DatasetInput],
        model_ids: Sequence[str],
    ) -> None: ...

    async def log_outputs(
        self, session: AsyncSession, run_id: str, outputs: Sequence[ModelOutput]
    ) -> None: ...

    async def search_datasets(
        self, session: AsyncSession, experiment_ids: Sequence[str], limit: int
    ) -> list[DatasetSummary]: ...

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
    ) -> LoggedModel: ...

    async def get_logged_model(self, session: AsyncSession, model_id: str) -> LoggedModel: ...

    async def finalize_logged_model(
        self, session: AsyncSession, model_id: str, status: LoggedModelStatus, now: int
    ) -> LoggedModel: ...

    async def delete_logged_model(self, session: AsyncSession, model_id: str, now: int) -> None: ...

    async def set_logged_model_tags(
        self, session: AsyncSession, model_id: str, tags: Sequence[Tag], now: int
    ) -> None: ...

    async def delete_logged_model_tag(
        self, session: AsyncSession, model_id: str, key: str, now: int
    ) -> None: ...

    async def log_logged_model_params(
        self, session: AsyncSession, model_id: str, params: Sequence[Param], now: int
    ) -> None: ...

    async def search_logged_models(
        self,
        session: AsyncSession,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        datasets: Sequence[tuple[str, str | None]],
        max_results: int,
        order_by: Sequence[ModelOrder],
        token: str | None,
    ) -> Page[LoggedModel]: ...

    # Garbage collection (``berth gc``): items in the deleted stage, removed for good.

    async def deleted_runs(
        self,
        session: AsyncSession,
        deleted_before: int | None,
        run_ids: Sequence[str] | None = None,
    ) -> list[RunInfo]: ...

    async def deleted_experiments(
        self,
        session: AsyncSession,
        deleted_before: int | None,
        experiment_ids: Sequence[str] | None = None,
    ) -> list[Experiment]: ...

    async def experiment_run_ids(self, session: AsyncSession, experiment_id: str) -> list[str]: ...

    async def experiment_artifact_locations(self, session: AsyncSession) -> dict[str, str]: ...

    async def hard_delete_run(self, session: AsyncSession, run_id: str) -> bool: ...

    async def hard_delete_experiment(self, session: AsyncSession, experiment_id: str) -> bool: ...
