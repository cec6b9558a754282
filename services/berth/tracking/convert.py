"""Entities to protobuf messages and back: the only place that knows both shapes."""

from __future__ import annotations

from collections.abc import Iterable

from berth.proto import tracking_pb2 as pb
from berth.tracking.entities import (
    Dataset,
    DatasetInput,
    DatasetSummary,
    Experiment,
    FileInfo,
    LoggedModel,
    Metric,
    MetricPoint,
    Param,
    Run,
    RunInfo,
    RunStatus,
    Tag,
)

_NAN = float("nan")


def experiment_to_proto(experiment: Experiment) -> pb.Experiment:
    return pb.Experiment(
        experiment_id=experiment.experiment_id,
        name=experiment.name,
        artifact_location=experiment.artifact_location,
        lifecycle_stage=experiment.lifecycle_stage.value,
        creation_time=experiment.creation_time,
        last_update_time=experiment.last_update_time,
        tags=[pb.ExperimentTag(key=t.key, value=t.value) for t in experiment.tags],
    )


def run_info_to_proto(info: RunInfo) -> pb.RunInfo:
    message = pb.RunInfo(
        run_id=info.run_id,
        run_uuid=info.run_id,
        run_name=info.run_name,
        experiment_id=info.experiment_id,
        user_id=info.user_id,
        status=info.status.value,
        start_time=info.start_time,
        artifact_uri=info.artifact_uri,
        lifecycle_stage=info.lifecycle_stage.value,
    )
    if info.end_time is not None:
        message.end_time = info.end_time
    return message


def run_to_proto(run: Run) -> pb.Run:
    message = pb.Run(info=run_info_to_proto(run.info))
    message.data.metrics.extend(metric_to_proto(m) for m in run.metrics)
    message.data.params.extend(pb.Param(key=p.key, value=p.value) for p in run.params)
    message.data.tags.extend(pb.RunTag(key=t.key, value=t.value) for t in run.tags)
    message.inputs.dataset_inputs.extend(dataset_input_to_proto(d) for d in run.dataset_inputs)
    message.inputs.model_inputs.extend(pb.ModelInput(model_id=m) for m in run.model_inputs)
    message.inputs.SetInParent()
    if run.model_outputs:  # as MLflow: "inputs" always present, "outputs" only when any
        message.outputs.model_outputs.extend(
            pb.ModelOutput(model_id=o.model_id, step=o.step) for o in run.model_outputs
        )
    return message


def metric_to_proto(metric: Metric) -> pb.Metric:
    message = pb.Metric(
        key=metric.key, value=metric.value, timestamp=metric.timestamp, step=metric.step
    )
    for name in ("run_id", "model_id", "dataset_name", "dataset_digest"):
        value = getattr(metric, name)
        if value:
            setattr(message, name, value)
    return message


def metric_history_to_proto(
    key: str, points: Iterable[MetricPoint]
) -> pb.GetMetricHistory.Response:
    """The response of one key's history, built in place point by point (no entity or
    message list in between: this is the cost of a long history)."""
    response = pb.GetMetricHistory.Response()
    add = response.metrics.add
    for value, timestamp, step, is_nan, model_id, dataset_name, dataset_digest in points:
        metric = add(key=key, value=_NAN if is_nan else value, timestamp=timestamp, step=step)
        if model_id:
            metric.model_id = model_id
        if dataset_name:
            metric.dataset_name = dataset_name
        if dataset_digest:
            metric.dataset_digest = dataset_digest
    return response


def metric_with_run_to_proto(metric: Metric) -> pb.MetricWithRunId:
    return pb.MetricWithRunId(
        key=metric.key,
        value=metric.value,
        timestamp=metric.timestamp,
        step=metric.step,
        run_id=metric.run_id,
    )


def dataset_summary_to_proto(summary: DatasetSummary) -> pb.DatasetSummary:
    message = pb.DatasetSummary(
        experiment_id=summary.experiment_id, name=summary.name, digest=summary.digest
    )
    if summary.context is not None:
        message.context = summary.context
    return message


def dataset_input_to_proto(dataset_input: DatasetInput) -> pb.DatasetInput:
    dataset = dataset_input.dataset
    message = pb.DatasetInput(
        tags=[pb.InputTag(key=t.key, value=t.value) for t in dataset_input.tags],
        dataset=pb.Dataset(
            name=dataset.name,
            digest=dataset.digest,
            source_type=dataset.source_type,
            source=dataset.source,
        ),
    )
    if dataset.schema is not None:
        message.dataset.schema = dataset.schema
    if dataset.profile is not None:
        message.dataset.profile = dataset.profile
    return message


def logged_model_to_proto(model: LoggedModel) -> pb.LoggedModel:
    info = pb.LoggedModelInfo(
        model_id=model.model_id,
        experiment_id=model.experiment_id,
        name=model.name,
        creation_timestamp_ms=model.creation_timestamp_ms,
        last_updated_timestamp_ms=model.last_updated_timestamp_ms,
        artifact_uri=model.artifact_location,
        status=int(model.status),  # type: ignore[arg-type]
        tags=[pb.LoggedModelTag(key=t.key, value=t.value) for t in model.tags],
    )
    for name in ("model_type", "source_run_id", "status_message"):
        value = getattr(model, name)
        if value:
            setattr(info, name, value)
    data = pb.LoggedModelData(
        params=[pb.LoggedModelParameter(key=p.key, value=p.value) for p in model.params],
        metrics=[metric_to_proto(m) for m in model.metrics],
    )
    return pb.LoggedModel(info=info, data=data)


def file_info_to_proto(info: FileInfo) -> pb.FileInfo:
    message = pb.FileInfo(path=info.path, is_dir=info.is_dir)
    if info.file_size is not None:
        message.file_size = info.file_size
    return message


def tags_from_proto(tags: Iterable[pb.RunTag | pb.ExperimentTag | pb.LoggedModelTag]) -> list[Tag]:
    return [Tag(t.key, t.value) for t in tags]


def params_from_proto(params: Iterable[pb.Param | pb.LoggedModelParameter]) -> list[Param]:
    return [Param(p.key, p.value) for p in params]


def metric_from_proto(metric: pb.Metric) -> Metric:
    return Metric(
        key=metric.key,
        value=metric.value,
        timestamp=metric.timestamp,
        step=metric.step,
        model_id=metric.model_id or None,
        dataset_name=metric.dataset_name or None,
        dataset_digest=metric.dataset_digest or None,
    )


def dataset_input_from_proto(message: pb.DatasetInput) -> DatasetInput:
    dataset = message.dataset
    return DatasetInput(
        dataset=Dataset(
            name=dataset.name,
            digest=dataset.digest,
            source_type=dataset.source_type,
            source=dataset.source,
            schema=dataset.schema if dataset.HasField("schema") else None,
            profile=dataset.profile if dataset.HasField("profile") else None,
        ),
        tags=tuple(Tag(t.key, t.value) for t in message.tags),
    )


def run_status_from_proto(status: int) -> RunStatus:
    return RunStatus(pb.RunStatus.Name(status))
