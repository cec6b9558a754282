"""The tracking domain: MLflow's rules for experiments, runs and logged models.

Each public method is one use case and owns its transaction, so REST and gRPC callers get the
same validation and the same all-or-nothing writes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence

from berth.db.transaction import Database
from berth.errors import invalid
from berth.tracking import validation
from berth.tracking.entities import (
    RUN_NAME_TAG,
    DatasetInput,
    DatasetSummary,
    Experiment,
    FileInfo,
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
from berth.tracking.locations import ArtifactLister, validate_artifact_location
from berth.tracking.names import random_run_name
from berth.tracking.run_rows import StoredRun
from berth.tracking.store import TrackingStore

SEARCH_MAX_RESULTS_DEFAULT = 1000
SEARCH_MAX_RESULTS_THRESHOLD = 50000
LOGGED_MODELS_MAX_RESULTS_DEFAULT = 50
SEARCH_DATASETS_MAX_EXPERIMENTS = 20
SEARCH_DATASETS_MAX_RESULTS = 1000
BULK_HISTORY_MAX_RUNS = 100
HISTORIES_MAX_RESULTS = 25000
BULK_HISTORY_MAX_RESULTS = 2500
MODEL_HISTORY_TAG = "mlflow.log-model.history"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class TrackingService:
    def __init__(
        self,
        db: Database,
        store: TrackingStore,
        artifacts: ArtifactLister,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._db = db
        self._store = store
        self._artifacts = artifacts
        self._clock = clock

    async def bootstrap(self) -> None:
        """Create the Default experiment if this store has none yet."""
        async with self._db.transaction() as session:
            await self._store.ensure_default_experiment(session, self._clock())

    # ------------------------------------------------------------------ experiments

    async def create_experiment(
        self, name: str, artifact_location: str | None, tags: Sequence[Tag]
    ) -> str:
        validation.validate_experiment_name(name)
        for tag in tags:
            validation.validate_experiment_tag(tag)
        location = validate_artifact_location(artifact_location) if artifact_location else None
        async with self._db.transaction() as session:
            return await self._store.create_experiment(session, name, location, tags, self._clock())

    async def get_experiment(self, experiment_id: str) -> Experiment:
        async with self._db.reads() as session:
            return await self._store.get_experiment(session, experiment_id)

    async def get_experiment_by_name(self, name: str) -> Experiment:
        async with self._db.reads() as session:
            return await self._store.get_experiment_by_name(session, name)

    async def search_experiments(
        self,
        view_type: ViewType,
        max_results: int | None,
        filter_string: str | None,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[Experiment]:
        limit = _max_results(max_results, SEARCH_MAX_RESULTS_DEFAULT)
        async with self._db.reads() as session:
            return await self._store.search_experiments(
                session, view_type, limit, filter_string, order_by, page_token
            )

    async def rename_experiment(self, experiment_id: str, name: str) -> None:
        validation.validate_experiment_name(name)
        async with self._db.transaction() as session:
            await self._store.rename_experiment(session, experiment_id, name, self._clock())

    async def delete_experiment(self, experiment_id: str) -> None:
        async with self._db.transaction() as session:
            await self._store.set_experiment_lifecycle(
                session, experiment_id, LifecycleStage.DELETED, self._clock()
            )

    async def restore_experiment(self, experiment_id: str) -> None:
        async with self._db.transaction() as session:
            await self._store.set_experiment_lifecycle(
                session, experiment_id, LifecycleStage.ACTIVE, self._clock()
            )

    async def set_experiment_tag(self, experiment_id: str, tag: Tag) -> None:
        validation.validate_experiment_tag(tag)
        async with self._db.transaction() as session:
            await self._store.set_experiment_tag(session, experiment_id, tag, self._clock())

    async def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        async with self._db.transaction() as session:
            await self._store.delete_experiment_tag(session, experiment_id, key, self._clock())

    async def search_datasets(self, experiment_ids: Sequence[str]) -> list[DatasetSummary]:
        """The datasets the experiments' runs used, by context; at most 1000, as MLflow."""
        if not experiment_ids:
            raise invalid("SearchDatasets request must specify at least one experiment_id.")
        if len(experiment_ids) > SEARCH_DATASETS_MAX_EXPERIMENTS:
            raise invalid(
                f"SearchDatasets request cannot specify more than "
                f"{SEARCH_DATASETS_MAX_EXPERIMENTS} experiment_ids. "
                f"Received {len(experiment_ids)} experiment_ids."
            )
        async with self._db.reads() as session:
            return await self._store.search_datasets(
                session, experiment_ids, SEARCH_DATASETS_MAX_RESULTS
            )

    # ------------------------------------------------------------------ runs

    async def create_run(
        self,
        experiment_id: str,
        user_id: str,
        start_time: int | None,
        run_name: str | None,
        tags: Sequence[Tag],
    ) -> Run:
        tags = [validation.truncated_tag(t) for t in tags]
        validation.validate_tags(tags)
        tagged_name = next((t.value for t in tags if t.key == RUN_NAME_TAG), None)
        if run_name and tagged_name and run_name != tagged_name:
            raise invalid(
                f"Both 'run_name' argument and '{RUN_NAME_TAG}' tag are specified, but with "
                f"different values (run_name='{run_name}', {RUN_NAME_TAG}='{tagged_name}')."
            )
        name = run_name or tagged_name or random_run_name()
        validation.validate_length("run_name", name, validation.MAX_RUN_NAME_LENGTH)
        validation.validate_length("user_id", user_id, validation.MAX_USER_ID_LENGTH)
        all_tags = [*tags] if tagged_name else [*tags, Tag(RUN_NAME_TAG, name)]
        async with self._db.single_statement() as session:  # see SqlTrackingStore.create_run
            return await self._store.create_run(
                session, experiment_id, user_id, start_time or self._clock(), name, all_tags
            )

    async def get_run(self, run_id: str) -> Run:
        async with self._db.reads() as session:
            return await self._store.get_run(session, run_id)

    async def update_run(
        self,
        run_id: str,
        status: RunStatus | None,
        end_time: int | None,
        run_name: str | None,
    ) -> RunInfo:
        if run_name:
            validation.validate_length("run_name", run_name, validation.MAX_RUN_NAME_LENGTH)
        async with self._db.transaction() as session:
            return await self._store.update_run(session, run_id, status, end_time, run_name)

    async def delete_run(self, run_id: str) -> None:
        async with self._db.transaction() as session:
            await self._store.set_run_lifecycle(
                session, run_id, LifecycleStage.DELETED, self._clock()
            )

    async def restore_run(self, run_id: str) -> None:
        async with self._db.transaction() as session:
            await self._store.set_run_lifecycle(
                session, run_id, LifecycleStage.ACTIVE, self._clock()
            )

    async def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric],
        params: Sequence[Param],
        tags: Sequence[Tag],
    ) -> None:
        params = [validation.truncated_param(p) for p in params]
        tags = [validation.truncated_tag(t) for t in tags]
        validation.validate_batch(metrics, params, tags)
        await self._log_one(run_id, metrics, params, tags)

    async def log_metric(self, run_id: str, metric: Metric) -> None:
        validation.validate_metric(metric)
        await self._log_one(run_id, metrics=[metric])

    async def log_param(self, run_id: str, param: Param) -> None:
        param = validation.truncated_param(param)
        validation.validate_param(param)
        await self._log_one(run_id, params=[param])

    async def set_tag(self, run_id: str, tag: Tag) -> None:
        tag = validation.truncated_tag(tag)
        validation.validate_tag(tag)
        await self._log_one(run_id, tags=[tag])

    async def _log_one(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[Tag] = (),
    ) -> None:
        """A batch in a transaction, or without BEGIN and COMMIT when the store writes it in
        one statement (atomic on its own)."""
        one = self._store.logs_in_one_statement(self._db.dialect, metrics, params, tags)
        scope = self._db.single_statement if one else self._db.transaction
        async with scope() as session:
            await self._store.log_batch(session, run_id, metrics, params, tags)

    async def append_model_history(self, run_id: str, model_json: str) -> None:
        """MLflow 2.x ``log-model``: the model's JSON appended to the run's history tag."""
        try:
            model = json.loads(model_json)
        except json.JSONDecodeError as exc:
            raise invalid(f"Invalid value for parameter 'model_json': {exc}") from exc
        async with self._db.transaction() as session:
            run = await self._store.lock_run(session, run_id)
            current = next((t.value for t in run.tags if t.key == MODEL_HISTORY_TAG), "[]")
            try:
                history = json.loads(current)
            except json.JSONDecodeError:
                history = None
            if not isinstance(history, list):
                raise invalid(
                    f"Run {run_id} has a '{MODEL_HISTORY_TAG}' tag that is not a JSON list; "
                    "delete or fix the tag before logging models to this run."
                )
            tag = Tag(MODEL_HISTORY_TAG, json.dumps([*history, model]))
            validation.validate_tag(tag)
            await self._store.log_batch(session, run_id, (), (), [tag])

    async def delete_tag(self, run_id: str, key: str) -> None:
        async with self._db.transaction() as session:
            await self._store.delete_run_tag(session, run_id, key)

    async def log_inputs(
        self, run_id: str, datasets: Sequence[DatasetInput], model_ids: Sequence[str]
    ) -> None:
        validation.validate_dataset_inputs(datasets)
        async with self._db.transaction() as session:
            await self._store.log_inputs(session, run_id, datasets, model_ids)

    async def log_outputs(self, run_id: str, outputs: Sequence[ModelOutput]) -> None:
        async with self._db.transaction() as session:
            await self._store.log_outputs(session, run_id, outputs)

    async def metric_history(
        self, run_id: str, key: str, max_results: int | None, page_token: str | None
    ) -> Page[MetricPoint]:
        if max_results is not None and max_results < 1:
            raise invalid(
                f"Invalid value {max_results} for parameter 'max_results': "
                "it must be a positive integer."
            )
        async with self._db.reads() as session:
            return await self._store.metric_history(session, run_id, key, max_results, page_token)

    async def metric_histories(
        self, run_ids: Sequence[str], key: str | None, max_results: int | None
    ) -> list[Metric]:
        """Whole histories of one key for up to 100 runs (MLflow's get-history-bulk): at most
        ``max_results`` points, 25000 when absent or larger; runs that do not exist add none.
        """
        if not run_ids:
            raise invalid("GetMetricHistoryBulk request must specify at least one run_id.")
        if len(run_ids) > BULK_HISTORY_MAX_RUNS:
            raise invalid(
                f"GetMetricHistoryBulk request cannot specify more than "
                f"{BULK_HISTORY_MAX_RUNS} run_ids. Received {len(run_ids)} run_ids."
            )
        if key is None:
            raise invalid("GetMetricHistoryBulk request must specify a metric_key.")
        if max_results is not None and max_results < 0:
            raise invalid(
                f"Invalid value {max_results} for parameter 'max_results': it must not be negative."
            )
        limit = min(
            HISTORIES_MAX_RESULTS if max_results is None else max_results, HISTORIES_MAX_RESULTS
        )
        async with self._db.reads() as session:
            return await self._store.metric_histories(session, run_ids, key, limit)

    async def metric_history_sampled(
        self,
        run_ids: Sequence[str],
        key: str,
        start_step: int | None,
        end_step: int | None,
        max_results: int | None,
    ) -> list[Metric]:
        if not run_ids:
            raise invalid("Missing value for required parameter 'run_ids'.")
        if len(run_ids) > BULK_HISTORY_MAX_RUNS:
            raise invalid(
                f"GetMetricHistoryBulkInterval request must specify at most "
                f"{BULK_HISTORY_MAX_RUNS} run_ids. Received {len(run_ids)} run_ids."
            )
        points = BULK_HISTORY_MAX_RESULTS if max_results is None else max_results
        if not 1 <= points <= BULK_HISTORY_MAX_RESULTS:
            raise invalid(f"max_results must be between 1 and {BULK_HISTORY_MAX_RESULTS}.")
        if (start_step is None) != (end_step is None):
            raise invalid("If either start step or end step are specified, both must be specified.")
        if start_step is not None and end_step is not None and start_step > end_step:
            raise invalid(
                "end_step must be greater than start_step. Found "
                f"start_step={start_step} and end_step={end_step}."
            )
        async with self._db.reads() as session:
            for run_id in run_ids:
                await self._store.get_run(session, run_id)
            return await self._store.metric_history_sampled(
                session, run_ids, key, start_step, end_step, points
            )

    async def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        view_type: ViewType,
        max_results: int | None,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[StoredRun]:
        limit = _max_results(max_results, SEARCH_MAX_RESULTS_DEFAULT)
        async with self._db.reads() as session:
            return await self._store.search_runs(
                session, experiment_ids, filter_string, view_type, limit, order_by, page_token
            )

    async def list_artifacts(self, run_id: str, path: str | None) -> tuple[str, list[FileInfo]]:
        async with self._db.reads() as session:
            run = await self._store.get_run(session, run_id)
        root = run.info.artifact_uri
        return root, await self._artifacts.list(root, path)

    # ------------------------------------------------------------------ logged models

    async def create_logged_model(
        self,
        experiment_id: str,
        name: str | None,
        model_type: str | None,
        source_run_id: str | None,
        params: Sequence[Param],
        tags: Sequence[Tag],
    ) -> LoggedModel:
        validation.validate_length("name", name, validation.MAX_LOGGED_MODEL_NAME_LENGTH)
        validation.validate_length("model_type", model_type, validation.MAX_MODEL_TYPE_LENGTH)
        validation.validate_params(params)
        validation.validate_tags(tags)
        async with self._db.transaction() as session:
            return await self._store.create_logged_model(
                session,
                experiment_id,
                name,
                model_type,
                source_run_id,
                params,
                tags,
                self._clock(),
            )

    async def get_logged_model(self, model_id: str) -> LoggedModel:
        async with self._db.reads() as session:
            return await self._store.get_logged_model(session, model_id)

    async def finalize_logged_model(self, model_id: str, status: LoggedModelStatus) -> LoggedModel:
        if status not in (LoggedModelStatus.READY, LoggedModelStatus.FAILED):
            raise invalid(
                f"Invalid value {status.name} for parameter 'status': a logged model is "
                "finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED."
            )
        async with self._db.transaction() as session:
            return await self._store.finalize_logged_model(session, model_id, status, self._clock())

    async def delete_logged_model(self, model_id: str) -> None:
        async with self._db.transaction() as session:
            await self._store.delete_logged_model(session, model_id, self._clock())

    async def set_logged_model_tags(self, model_id: str, tags: Sequence[Tag]) -> None:
        validation.validate_tags(tags)
        async with self._db.transaction() as session:
            await self._store.set_logged_model_tags(session, model_id, tags, self._clock())

    async def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        async with self._db.transaction() as session:
            await self._store.delete_logged_model_tag(session, model_id, key, self._clock())

    async def log_logged_model_params(self, model_id: str, params: Sequence[Param]) -> None:
        validation.validate_params(params)
        async with self._db.transaction() as session:
            await self._store.log_logged_model_params(session, model_id, params, self._clock())

    async def search_logged_models(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None,
        datasets: Sequence[tuple[str, str | None]],
        max_results: int | None,
        order_by: Sequence[ModelOrder],
        page_token: str | None,
    ) -> Page[LoggedModel]:
        if not experiment_ids:
            raise invalid("Missing value for required parameter 'experiment_ids'.")
        limit = _max_results(max_results, LOGGED_MODELS_MAX_RESULTS_DEFAULT)
        async with self._db.reads() as session:
            return await self._store.search_logged_models(
                session, experiment_ids, filter_string, datasets, limit, order_by, page_token
            )

    async def list_logged_model_artifacts(
        self, model_id: str, path: str | None
    ) -> tuple[str, list[FileInfo]]:
        async with self._db.reads() as session:
            model = await self._store.get_logged_model(session, model_id)
        root = model.artifact_location
        return root, await self._artifacts.list(root, path)


def _max_results(requested: int | None, default: int) -> int:
    if requested is None:
        return default
    if not 1 <= requested <= SEARCH_MAX_RESULTS_THRESHOLD:
        raise invalid(
            f"Invalid value {requested} for parameter 'max_results' supplied. It must be "
            f"a positive integer at most {SEARCH_MAX_RESULTS_THRESHOLD}."
        )
    return requested
