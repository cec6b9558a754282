"""One async handler per TrackingService rpc: request message in, response message out.

Handlers only translate between messages and the domain; every rule lives in the service.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, TypeVar

from google.protobuf.message import Message

from berth.errors import BerthError
from berth.proto import tracking_pb2 as pb
from berth.tracking import convert, documents
from berth.tracking.entities import (
    LoggedModelStatus,
    Metric,
    ModelOrder,
    ModelOutput,
    Page,
    Param,
    Tag,
    ViewType,
)
from berth.tracking.service import TrackingService
from berth.wire.dual import DualResponse
from berth.wire.fields import require, run_id_of
from berth.wire.json import message_to_dict

R = TypeVar("R", bound=Message)

COMMITTED_BATCHES_KEY = "berth-committed-batches"
COMMITTED_METRICS_KEY = "berth-committed-metrics"
"""Trailing metadata of a failed LogMetrics stream: the batches and metrics it committed."""


def _paged(response: R, page: Page[Any]) -> R:
    """The response with the page's next token, when there is one (an absent field, else)."""
    if page.next_page_token:
        response.next_page_token = page.next_page_token  # type: ignore[attr-defined]
    return response


class TrackingHandlers:
    def __init__(self, service: TrackingService) -> None:
        self._service = service

    # ------------------------------------------------------------------ experiments

    async def create_experiment(self, request: pb.CreateExperiment) -> pb.CreateExperiment.Response:
        require(request, "name")
        experiment_id = await self._service.create_experiment(
            request.name,
            request.artifact_location or None,
            convert.tags_from_proto(request.tags),
        )
        return pb.CreateExperiment.Response(experiment_id=experiment_id)

    async def get_experiment(self, request: pb.GetExperiment) -> pb.GetExperiment.Response:
        require(request, "experiment_id")
        experiment = await self._service.get_experiment(request.experiment_id)
        return pb.GetExperiment.Response(experiment=convert.experiment_to_proto(experiment))

    async def get_experiment_by_name(
        self, request: pb.GetExperimentByName
    ) -> pb.GetExperimentByName.Response:
        require(request, "experiment_name")
        experiment = await self._service.get_experiment_by_name(request.experiment_name)
        return pb.GetExperimentByName.Response(experiment=convert.experiment_to_proto(experiment))

    async def search_experiments(
        self, request: pb.SearchExperiments
    ) -> pb.SearchExperiments.Response:
        page = await self._service.search_experiments(
            ViewType(request.view_type) if request.HasField("view_type") else ViewType.ACTIVE_ONLY,
            request.max_results if request.HasField("max_results") else None,
            request.filter or None,
            list(request.order_by),
            request.page_token or None,
        )
        return _paged(
            pb.SearchExperiments.Response(
                experiments=[convert.experiment_to_proto(e) for e in page.items]
            ),
            page,
        )

    async def update_experiment(self, request: pb.UpdateExperiment) -> pb.UpdateExperiment.Response:
        require(request, "experiment_id")
        if request.new_name:
            await self._service.rename_experiment(request.experiment_id, request.new_name)
        return pb.UpdateExperiment.Response()

    async def delete_experiment(self, request: pb.DeleteExperiment) -> pb.DeleteExperiment.Response:
        require(request, "experiment_id")
        await self._service.delete_experiment(request.experiment_id)
        return pb.DeleteExperiment.Response()

    async def restore_experiment(
        self, request: pb.RestoreExperiment
    ) -> pb.RestoreExperiment.Response:
        require(request, "experiment_id")
        await self._service.restore_experiment(request.experiment_id)
        return pb.RestoreExperiment.Response()

    async def set_experiment_tag(
        self, request: pb.SetExperimentTag
    ) -> pb.SetExperimentTag.Response:
        require(request, "experiment_id", "key")
        await self._service.set_experiment_tag(
            request.experiment_id, Tag(request.key, request.value)
        )
        return pb.SetExperimentTag.Response()

    async def delete_experiment_tag(
        self, request: pb.DeleteExperimentTag
    ) -> pb.DeleteExperimentTag.Response:
        require(request, "experiment_id", "key")
        await self._service.delete_experiment_tag(request.experiment_id, request.key)
        return pb.DeleteExperimentTag.Response()

    async def search_datasets(self, request: pb.SearchDatasets) -> pb.SearchDatasets.Response:
        summaries = await self._service.search_datasets(list(request.experiment_ids))
        return pb.SearchDatasets.Response(
            dataset_summaries=[convert.dataset_summary_to_proto(s) for s in summaries]
        )

    # ------------------------------------------------------------------ runs

    async def create_run(self, request: pb.CreateRun) -> pb.CreateRun.Response:
        run = await self._service.create_run(
            request.experiment_id or "0",
            request.user_id,
            request.start_time if request.HasField("start_time") else None,
            request.run_name or None,
            convert.tags_from_proto(request.tags),
        )
        return pb.CreateRun.Response(run=convert.run_to_proto(run))

    async def get_run(self, request: pb.GetRun) -> pb.GetRun.Response:
        run = await self._service.get_run(run_id_of(request))
        return pb.GetRun.Response(run=convert.run_to_proto(run))

    async def update_run(self, request: pb.UpdateRun) -> pb.UpdateRun.Response:
        info = await self._service.update_run(
            run_id_of(request),
            convert.run_status_from_proto(request.status) if request.HasField("status") else None,
            request.end_time if request.HasField("end_time") else None,
            request.run_name or None,
        )
        return pb.UpdateRun.Response(run_info=convert.run_info_to_proto(info))

    async def delete_run(self, request: pb.DeleteRun) -> pb.DeleteRun.Response:
        require(request, "run_id")
        await self._service.delete_run(request.run_id)
        return pb.DeleteRun.Response()

    async def restore_run(self, request: pb.RestoreRun) -> pb.RestoreRun.Response:
        require(request, "run_id")
        await self._service.restore_run(request.run_id)
        return pb.RestoreRun.Response()

    async def log_metric(self, request: pb.LogMetric) -> pb.LogMetric.Response:
        require(request, "key", "value", "timestamp")
        metric = convert.metric_from_proto(
            pb.Metric(
                key=request.key,
                value=request.value,
                timestamp=request.timestamp,
                step=request.step,
                model_id=request.model_id,
                dataset_name=request.dataset_name,
                dataset_digest=request.dataset_digest,
            )
        )
        await self._service.log_metric(run_id_of(request), metric)
        return pb.LogMetric.Response()

    async def log_param(self, request: pb.LogParam) -> pb.LogParam.Response:
        require(request, "key")
        await self._service.log_param(run_id_of(request), Param(request.key, request.value))
        return pb.LogParam.Response()

    async def set_tag(self, request: pb.SetTag) -> pb.SetTag.Response:
        require(request, "key")
        await self._service.set_tag(run_id_of(request), Tag(request.key, request.value))
        return pb.SetTag.Response()

    async def delete_tag(self, request: pb.DeleteTag) -> pb.DeleteTag.Response:
        require(request, "run_id", "key")
        await self._service.delete_tag(request.run_id, request.key)
        return pb.DeleteTag.Response()

    async def log_batch(self, request: pb.LogBatch) -> pb.LogBatch.Response:
        require(request, "run_id")
        await self._service.log_batch(
            request.run_id,
            _metrics(request.metrics),
            convert.params_from_proto(request.params),
            convert.tags_from_proto(request.tags),
        )
        return pb.LogBatch.Response()

    async def log_metrics(self, requests: AsyncIterator[pb.LogMetrics]) -> pb.LogMetrics.Response:
        """gRPC's metric stream: each message is a LogBatch of metrics, committed on arrival.
        A refused batch ends the stream; what was committed before it is in the error's
        trailing metadata (``COMMITTED_BATCHES_KEY``, ``COMMITTED_METRICS_KEY``)."""
        run_id = ""
        batches = metrics = 0
        try:
            async for request in requests:
                run_id = request.run_id or run_id
                if not run_id:
                    require(request, "run_id")
                await self._service.log_batch(run_id, _metrics(request.metrics), [], [])
                batches += 1
                metrics += len(request.metrics)
        except BerthError as exc:
            committed = {COMMITTED_BATCHES_KEY: str(batches), COMMITTED_METRICS_KEY: str(metrics)}
            raise BerthError(exc.code, exc.message, metadata={**exc.metadata, **committed}) from exc
        return pb.LogMetrics.Response(batches=batches, metrics=metrics)

    async def log_model(self, request: pb.LogModel) -> pb.LogModel.Response:
        """MLflow 2.x's model history: kept as the ``mlflow.log-model.history`` run tag."""
        require(request, "run_id", "model_json")
        await self._service.append_model_history(request.run_id, request.model_json)
        return pb.LogModel.Response()

    async def log_inputs(self, request: pb.LogInputs) -> pb.LogInputs.Response:
        require(request, "run_id")
        await self._service.log_inputs(
            request.run_id,
            [convert.dataset_input_from_proto(d) for d in request.datasets],
            [m.model_id for m in request.models],
        )
        return pb.LogInputs.Response()

    async def log_outputs(self, request: pb.LogOutputs) -> pb.LogOutputs.Response:
        require(request, "run_id")
        await self._service.log_outputs(
            request.run_id, [ModelOutput(m.model_id, m.step) for m in request.models]
        )
        return pb.LogOutputs.Response()

    async def get_metric_history(self, request: pb.GetMetricHistory) -> DualResponse:
        require(request, "metric_key")
        page = await self._service.metric_history(
            run_id_of(request),
            request.metric_key,
            request.max_results if request.HasField("max_results") else None,
            request.page_token or None,
        )
        key = request.metric_key
        return DualResponse(
            message=lambda: _paged(convert.metric_history_to_proto(key, page.items), page),
            document=lambda: documents.paged(documents.metric_history(key, page.items), page),
        )

    async def get_metric_history_bulk(self, request: pb.GetMetricHistoryBulk) -> DualResponse:
        metrics = await self._service.metric_histories(
            list(request.run_id),
            request.metric_key if request.HasField("metric_key") else None,
            request.max_results if request.HasField("max_results") else None,
        )
        message = pb.GetMetricHistoryBulk.Response(
            metrics=[convert.metric_with_run_to_proto(m) for m in metrics]
        )
        # MLflow's route builds its JSON by hand: "metrics" is there even when empty.
        return DualResponse(
            message=lambda: message, document=lambda: {"metrics": [], **message_to_dict(message)}
        )

    async def get_metric_history_bulk_interval(
        self, request: pb.GetMetricHistoryBulkInterval
    ) -> pb.GetMetricHistoryBulkInterval.Response:
        require(request, "run_ids", "metric_key")
        metrics = await self._service.metric_history_sampled(
            list(request.run_ids),
            request.metric_key,
            request.start_step if request.HasField("start_step") else None,
            request.end_step if request.HasField("end_step") else None,
            request.max_results if request.HasField("max_results") else None,
        )
        return pb.GetMetricHistoryBulkInterval.Response(
            metrics=[convert.metric_with_run_to_proto(m) for m in metrics]
        )

    async def search_runs(self, request: pb.SearchRuns) -> DualResponse:
        page = await self._service.search_runs(
            list(request.experiment_ids),
            request.filter or None,
            ViewType(request.run_view_type),
            request.max_results,
            list(request.order_by),
            request.page_token or None,
        )
        return DualResponse(
            message=lambda: _paged(
                pb.SearchRuns.Response(runs=[convert.run_to_proto(r.run()) for r in page.items]),
                page,
            ),
            document=lambda: documents.paged(documents.runs(page.items), page),
        )

    async def list_artifacts(self, request: pb.ListArtifacts) -> pb.ListArtifacts.Response:
        root, files = await self._service.list_artifacts(run_id_of(request), request.path)
        return pb.ListArtifacts.Response(
            root_uri=root, files=[convert.file_info_to_proto(f) for f in files]
        )

    # ------------------------------------------------------------------ logged models

    async def create_logged_model(
        self, request: pb.CreateLoggedModel
    ) -> pb.CreateLoggedModel.Response:
        require(request, "experiment_id")
        model = await self._service.create_logged_model(
            request.experiment_id,
            request.name or None,
            request.model_type or None,
            request.source_run_id or None,
            convert.params_from_proto(request.params),
            convert.tags_from_proto(request.tags),
        )
        return pb.CreateLoggedModel.Response(model=convert.logged_model_to_proto(model))

    async def get_logged_model(self, request: pb.GetLoggedModel) -> pb.GetLoggedModel.Response:
        require(request, "model_id")
        model = await self._service.get_logged_model(request.model_id)
        return pb.GetLoggedModel.Response(model=convert.logged_model_to_proto(model))

    async def finalize_logged_model(
        self, request: pb.FinalizeLoggedModel
    ) -> pb.FinalizeLoggedModel.Response:
        require(request, "model_id", "status")
        model = await self._service.finalize_logged_model(
            request.model_id, LoggedModelStatus(request.status)
        )
        return pb.FinalizeLoggedModel.Response(model=convert.logged_model_to_proto(model))

    async def delete_logged_model(
        self, request: pb.DeleteLoggedModel
    ) -> pb.DeleteLoggedModel.Response:
        require(request, "model_id")
        await self._service.delete_logged_model(request.model_id)
        return pb.DeleteLoggedModel.Response()

    async def search_logged_models(
        self, request: pb.SearchLoggedModels
    ) -> pb.SearchLoggedModels.Response:
        page = await self._service.search_logged_models(
            list(request.experiment_ids),
            request.filter or None,
            [(d.dataset_name, d.dataset_digest or None) for d in request.datasets],
            request.max_results if request.HasField("max_results") else None,
            [
                ModelOrder(
                    o.field_name, o.ascending, o.dataset_name or None, o.dataset_digest or None
                )
                for o in request.order_by
            ],
            request.page_token or None,
        )
        return _paged(
            pb.SearchLoggedModels.Response(
                models=[convert.logged_model_to_proto(m) for m in page.items]
            ),
            page,
        )

    async def set_logged_model_tags(
        self, request: pb.SetLoggedModelTags
    ) -> pb.SetLoggedModelTags.Response:
        require(request, "model_id")
        await self._service.set_logged_model_tags(
            request.model_id, convert.tags_from_proto(request.tags)
        )
        return pb.SetLoggedModelTags.Response()

    async def delete_logged_model_tag(
        self, request: pb.DeleteLoggedModelTag
    ) -> pb.DeleteLoggedModelTag.Response:
        require(request, "model_id", "tag_key")
        await self._service.delete_logged_model_tag(request.model_id, request.tag_key)
        return pb.DeleteLoggedModelTag.Response()

    async def list_logged_model_artifacts(
        self, request: pb.ListLoggedModelArtifacts
    ) -> pb.ListLoggedModelArtifacts.Response:
        require(request, "model_id")
        root, files = await self._service.list_logged_model_artifacts(
            request.model_id, request.artifact_directory_path
        )
        return pb.ListLoggedModelArtifacts.Response(
            root_uri=root, files=[convert.file_info_to_proto(f) for f in files]
        )

    async def log_logged_model_params(
        self, request: pb.LogLoggedModelParamsRequest
    ) -> pb.LogLoggedModelParamsRequest.Response:
        require(request, "model_id")
        await self._service.log_logged_model_params(
            request.model_id, convert.params_from_proto(request.params)
        )
        return pb.LogLoggedModelParamsRequest.Response()


def _metrics(metrics: Sequence[pb.Metric]) -> list[Metric]:
    """The metrics of a batch, each with a key, a value and a timestamp. The common case is
    tested inline (a non-empty key is a set one); ``require`` names what is missing."""
    for index, metric in enumerate(metrics):
        if not (metric.key and metric.HasField("value") and metric.HasField("timestamp")):
            require(metric, "key", "value", "timestamp", path=f"metrics[{index}]")
    return [convert.metric_from_proto(m) for m in metrics]
