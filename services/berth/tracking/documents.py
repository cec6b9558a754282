"""Runs and metric histories straight to MLflow's JSON documents, for the REST edge's
:class:`~berth.wire.dual.DualResponse`: the same documents ``wire.json.message_to_dict``
makes of ``convert``'s messages (a test holds them equal), without building the messages.

Proto JSON leaves out what is not set: optional fields the messages do not set here are left
out, and so are empty repeated fields; ``data`` and ``inputs`` are always present (as in
MLflow), ``outputs`` only when a run has model outputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from berth.tracking.entities import DatasetInput, Metric, MetricPoint, Page, Run
from berth.wire.json import json_number

Document = dict[str, Any]


def paged(document: Document, page: Page[Any]) -> Document:
    if page.next_page_token:
        document["next_page_token"] = page.next_page_token
    return document


def runs(items: Iterable[Run]) -> Document:
    """A SearchRuns response's runs."""
    found = [run(r) for r in items]
    return {"runs": found} if found else {}


def run(value: Run) -> Document:
    info = value.info
    info_document: Document = {
        "run_uuid": info.run_id,
        "experiment_id": info.experiment_id,
        "user_id": info.user_id,
        "status": info.status.value,
        "start_time": info.start_time,
        "artifact_uri": info.artifact_uri,
        "lifecycle_stage": info.lifecycle_stage.value,
        "run_id": info.run_id,
        "run_name": info.run_name,
    }
    if info.end_time is not None:
        info_document["end_time"] = info.end_time
    data: Document = {}
    if value.metrics:
        data["metrics"] = [metric(m) for m in value.metrics]
    if value.params:
        data["params"] = [{"key": p.key, "value": p.value} for p in value.params]
    if value.tags:
        data["tags"] = [{"key": t.key, "value": t.value} for t in value.tags]
    inputs: Document = {}
    if value.dataset_inputs:
        inputs["dataset_inputs"] = [dataset_input(d) for d in value.dataset_inputs]
    if value.model_inputs:
        inputs["model_inputs"] = [{"model_id": m} for m in value.model_inputs]
    document: Document = {"info": info_document, "data": data, "inputs": inputs}
    if value.model_outputs:
        document["outputs"] = {
            "model_outputs": [{"model_id": o.model_id, "step": o.step} for o in value.model_outputs]
        }
    return document


def metric(value: Metric) -> Document:
    document: Document = {
        "key": value.key,
        "value": json_number(value.value),
        "timestamp": value.timestamp,
        "step": value.step,
    }
    for name in ("run_id", "model_id", "dataset_name", "dataset_digest"):
        extra = getattr(value, name)
        if extra:
            document[name] = extra
    return document


def dataset_input(value: DatasetInput) -> Document:
    dataset = value.dataset
    dataset_document: Document = {
        "name": dataset.name,
        "digest": dataset.digest,
        "source_type": dataset.source_type,
        "source": dataset.source,
    }
    if dataset.schema is not None:
        dataset_document["schema"] = dataset.schema
    if dataset.profile is not None:
        dataset_document["profile"] = dataset.profile
    document: Document = {"dataset": dataset_document}
    if value.tags:
        document["tags"] = [{"key": t.key, "value": t.value} for t in value.tags]
    return document


def metric_history(key: str, points: Iterable[MetricPoint]) -> Document:
    """A GetMetricHistory response's metrics, point by point (see
    ``convert.metric_history_to_proto``)."""
    found: list[Document] = []
    append = found.append
    for value, timestamp, step, is_nan, model_id, dataset_name, dataset_digest in points:
        point: Document = {
            "key": key,
            "value": "NaN" if is_nan else json_number(value),
            "timestamp": timestamp,
            "step": step,
        }
        if model_id:
            point["model_id"] = model_id
        if dataset_name:
            point["dataset_name"] = dataset_name
        if dataset_digest:
            point["dataset_digest"] = dataset_digest
        append(point)
    return {"metrics": found} if found else {}
