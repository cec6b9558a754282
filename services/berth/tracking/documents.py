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

from berth.tracking.entities import DatasetInput, MetricPoint, Page
from berth.tracking.run_rows import (
    METRIC,
    MODEL_INPUT,
    MODEL_OUTPUT,
    PARAM,
    TAG,
    StoredRun,
)
from berth.wire.json import json_number

Document = dict[str, Any]


def paged(document: Document, page: Page[Any]) -> Document:
    if page.next_page_token:
        document["next_page_token"] = page.next_page_token
    return document


def runs(items: Iterable[StoredRun]) -> Document:
    """A SearchRuns response's runs."""
    found = [run(r) for r in items]
    return {"runs": found} if found else {}


def run(stored: StoredRun) -> Document:
    """A run's document, straight from its rows (see :mod:`berth.tracking.run_rows`)."""
    row = stored.row
    info: Document = {
        "run_uuid": row.run_id,
        "experiment_id": str(row.experiment_id),
        "user_id": row.user_id,
        "status": row.status,
        "start_time": row.start_time,
        "artifact_uri": row.artifact_uri,
        "lifecycle_stage": row.lifecycle_stage,
        "run_id": row.run_id,
        "run_name": row.name,
    }
    if row.end_time is not None:
        info["end_time"] = row.end_time
    metrics: list[Document] = []
    params: list[Document] = []
    tags: list[Document] = []
    model_inputs: list[Document] = []
    model_outputs: list[Document] = []
    dataset_inputs: list[Document] = []
    for _, kind, key, text_value, number, is_nan, timestamp, step in stored.children:
        if kind == PARAM:
            params.append({"key": key, "value": text_value})
        elif kind == TAG:
            tags.append({"key": key, "value": text_value})
        elif kind == METRIC:
            value = "NaN" if is_nan else json_number(number)
            metrics.append({"key": key, "value": value, "timestamp": timestamp, "step": step})
        elif kind == MODEL_OUTPUT:
            model_outputs.append({"model_id": key, "step": step})
        elif kind == MODEL_INPUT:
            model_inputs.append({"model_id": key})
        else:
            dataset_inputs.append(dataset_input(stored.datasets[key]))
    data: Document = {}
    if metrics:
        data["metrics"] = metrics
    if params:
        data["params"] = params
    if tags:
        data["tags"] = tags
    inputs: Document = {}
    if dataset_inputs:
        inputs["dataset_inputs"] = dataset_inputs
    if model_inputs:
        inputs["model_inputs"] = model_inputs
    document: Document = {"info": info, "data": data, "inputs": inputs}
    if model_outputs:
        document["outputs"] = {"model_outputs": model_outputs}
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
