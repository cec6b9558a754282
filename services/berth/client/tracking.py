"""TrackingService's client: every unary rpc, and ``log_metrics`` over the LogMetrics stream."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

from berth.client.calls import AsyncService, SyncService, Unary
from berth.client.errors import BerthClientError
from berth.proto import tracking_pb2 as pb

BATCH_SIZE = 1000
"""Metrics per LogMetrics message: MLflow's limit for one batch."""

# The server's berth.tracking.handlers.COMMITTED_BATCHES_KEY and COMMITTED_METRICS_KEY.
COMMITTED_BATCHES_KEY = "berth-committed-batches"
COMMITTED_METRICS_KEY = "berth-committed-metrics"


def committed_before(error: BerthClientError) -> pb.LogMetrics.Response | None:
    """What a failed ``log_metrics`` had committed when the server refused a batch: the
    batches and metrics before it, which stay. None where the server could not say (the
    stream failed in transport, or on its deadline)."""
    if COMMITTED_BATCHES_KEY not in error.trailers:
        return None
    return pb.LogMetrics.Response(
        batches=int(error.trailers[COMMITTED_BATCHES_KEY]),
        metrics=int(error.trailers[COMMITTED_METRICS_KEY]),
    )


class TrackingMethods:
    SERVICE = "berth.v1.TrackingService"

    get_experiment_by_name = Unary(pb.GetExperimentByName, pb.GetExperimentByName.Response)
    create_experiment = Unary(pb.CreateExperiment, pb.CreateExperiment.Response)
    search_experiments = Unary(pb.SearchExperiments, pb.SearchExperiments.Response)
    get_experiment = Unary(pb.GetExperiment, pb.GetExperiment.Response)
    delete_experiment = Unary(pb.DeleteExperiment, pb.DeleteExperiment.Response)
    restore_experiment = Unary(pb.RestoreExperiment, pb.RestoreExperiment.Response)
    update_experiment = Unary(pb.UpdateExperiment, pb.UpdateExperiment.Response)
    set_experiment_tag = Unary(pb.SetExperimentTag, pb.SetExperimentTag.Response)
    delete_experiment_tag = Unary(pb.DeleteExperimentTag, pb.DeleteExperimentTag.Response)
    search_datasets = Unary(pb.SearchDatasets, pb.SearchDatasets.Response)
    create_run = Unary(pb.CreateRun, pb.CreateRun.Response)
    update_run = Unary(pb.UpdateRun, pb.UpdateRun.Response)
    delete_run = Unary(pb.DeleteRun, pb.DeleteRun.Response)
    restore_run = Unary(pb.RestoreRun, pb.RestoreRun.Response)
    log_metric = Unary(pb.LogMetric, pb.LogMetric.Response)
    log_param = Unary(pb.LogParam, pb.LogParam.Response)
    set_tag = Unary(pb.SetTag, pb.SetTag.Response)
    delete_tag = Unary(pb.DeleteTag, pb.DeleteTag.Response)
    get_run = Unary(pb.GetRun, pb.GetRun.Response)
    search_runs = Unary(pb.SearchRuns, pb.SearchRuns.Response)
    list_artifacts = Unary(pb.ListArtifacts, pb.ListArtifacts.Response)
    get_metric_history = Unary(pb.GetMetricHistory, pb.GetMetricHistory.Response)
    get_metric_history_bulk = Unary(pb.GetMetricHistoryBulk, pb.GetMetricHistoryBulk.Response)
    get_metric_history_bulk_interval = Unary(
        pb.GetMetricHistoryBulkInterval,
        pb.GetMetricHistoryBulkInterval.Response,
    )
    log_batch = Unary(pb.LogBatch, pb.LogBatch.Response)
    log_model = Unary(pb.LogModel, pb.LogModel.Response)
    log_inputs = Unary(pb.LogInputs, pb.LogInputs.Response)
    log_outputs = Unary(pb.LogOutputs, pb.LogOutputs.Response)
    create_logged_model = Unary(pb.CreateLoggedModel, pb.CreateLoggedModel.Response)
    finalize_logged_model = Unary(pb.FinalizeLoggedModel, pb.FinalizeLoggedModel.Response)
    get_logged_model = Unary(pb.GetLoggedModel, pb.GetLoggedModel.Response)
    delete_logged_model = Unary(pb.DeleteLoggedModel, pb.DeleteLoggedModel.Response)
    search_logged_models = Unary(pb.SearchLoggedModels, pb.SearchLoggedModels.Response)
    set_logged_model_tags = Unary(pb.SetLoggedModelTags, pb.SetLoggedModelTags.Response)
    delete_logged_model_tag = Unary(pb.DeleteLoggedModelTag, pb.DeleteLoggedModelTag.Response)
    list_logged_model_artifacts = Unary(
        pb.ListLoggedModelArtifacts,
        pb.ListLoggedModelArtifacts.Response,
    )
    log_logged_model_params = Unary(
        pb.LogLoggedModelParamsRequest,
        pb.LogLoggedModelParamsRequest.Response,
    )


class TrackingClient(TrackingMethods, SyncService):
    def log_metrics(
        self,
        run_id: str,
        metrics: Iterable[pb.Metric],
        *,
        batch_size: int = BATCH_SIZE,
        timeout: float | None = None,
    ) -> pb.LogMetrics.Response:
        """Stream ``metrics`` of ``run_id`` in batches of ``batch_size``, each committed as
        the server receives it; the response counts the batches and metrics committed. A
        refused batch raises :class:`BerthClientError`, and :func:`committed_before` tells
        what was committed before it."""
        requests = _batches(run_id, metrics, batch_size)
        return self._stream_in("LogMetrics", pb.LogMetrics.Response, requests, timeout)


class AsyncTrackingClient(TrackingMethods, AsyncService):
    async def log_metrics(
        self,
        run_id: str,
        metrics: Iterable[pb.Metric] | AsyncIterable[pb.Metric],
        *,
        batch_size: int = BATCH_SIZE,
        timeout: float | None = None,
    ) -> pb.LogMetrics.Response:
        """As :meth:`TrackingClient.log_metrics`; ``metrics`` may also be an async iterable."""
        requests = _async_batches(run_id, metrics, batch_size)
        return await self._stream_in("LogMetrics", pb.LogMetrics.Response, requests, timeout)


def _batches(run_id: str, metrics: Iterable[pb.Metric], size: int) -> Iterator[pb.LogMetrics]:
    batch: list[pb.Metric] = []
    for metric in metrics:
        batch.append(metric)
        if len(batch) == size:
            yield pb.LogMetrics(run_id=run_id, metrics=batch)
            batch = []
    if batch:
        yield pb.LogMetrics(run_id=run_id, metrics=batch)


async def _async_batches(
    run_id: str, metrics: Iterable[pb.Metric] | AsyncIterable[pb.Metric], size: int
) -> AsyncIterator[pb.LogMetrics]:
    if isinstance(metrics, Iterable):
        for message in _batches(run_id, metrics, size):
            yield message
        return
    batch: list[pb.Metric] = []
    async for metric in metrics:
        batch.append(metric)
        if len(batch) == size:
            yield pb.LogMetrics(run_id=run_id, metrics=batch)
            batch = []
    if batch:
        yield pb.LogMetrics(run_id=run_id, metrics=batch)
