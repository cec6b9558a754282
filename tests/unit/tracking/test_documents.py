"""The REST edge's documents for runs and metric histories are exactly what proto JSON makes
of the gRPC edge's messages for the same entities."""

from __future__ import annotations

import math
from typing import Any

import pytest

from berth.proto import tracking_pb2 as pb
from berth.tracking import convert, documents
from berth.tracking.entities import (
    Dataset,
    DatasetInput,
    LifecycleStage,
    Metric,
    MetricPoint,
    ModelOutput,
    Page,
    Param,
    Run,
    RunInfo,
    RunStatus,
    Tag,
)
from berth.wire.json import message_to_dict


def info(**changes: Any) -> RunInfo:
    fields: dict[str, Any] = {
        "run_id": "a" * 32,
        "run_name": "brave-owl-1",
        "experiment_id": "7",
        "user_id": "ada",
        "status": RunStatus.RUNNING,
        "start_time": 1_764_650_000_000,
        "end_time": None,
        "artifact_uri": "mlflow-artifacts:/7/" + "a" * 32 + "/artifacts",
        "lifecycle_stage": LifecycleStage.ACTIVE,
    }
    return RunInfo(**(fields | changes))


RUNS = {
    "bare": Run(info=info()),
    "empty name, finished, deleted": Run(
        info=info(
            run_name="",
            status=RunStatus.FINISHED,
            end_time=1_764_650_009_999,
            lifecycle_stage=LifecycleStage.DELETED,
        )
    ),
    "data": Run(
        info=info(),
        metrics=(
            Metric("loss", 0.25, 1, 0),
            Metric("nan", math.nan, 2, 3),
            Metric("up", math.inf, 3, -1),
            Metric("down", -math.inf, 4, 2**62),
            Metric("big", 1e300, 5, 1),
        ),
        params=(Param("lr", "0.1"), Param("empty", "")),
        tags=(Tag("mlflow.runName", "brave-owl-1"), Tag("note", "ünïcode ✓")),
    ),
    "inputs and outputs": Run(
        info=info(),
        dataset_inputs=(
            DatasetInput(Dataset("train", "d1", "local", "/data/train.csv")),
            DatasetInput(
                Dataset("eval", "d2", "s3", "s3://b/eval", schema='{"a": 1}', profile="{}"),
                tags=(Tag("mlflow.data.context", "eval"),),
            ),
        ),
        model_inputs=("m-1", "m-2"),
        model_outputs=(ModelOutput("m-3", 0), ModelOutput("m-4", 12)),
    ),
}


@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
def test_a_runs_document_is_proto_json_of_its_message(run: Run) -> None:
    assert documents.run(run) == message_to_dict(convert.run_to_proto(run))


@pytest.mark.parametrize("token", [None, "next"])
@pytest.mark.parametrize("count", [0, 1, 4])
def test_a_search_pages_document_is_proto_json_of_its_response(
    count: int, token: str | None
) -> None:
    page = Page(list(RUNS.values())[:count], token)
    response = pb.SearchRuns.Response(runs=[convert.run_to_proto(r) for r in page.items])
    if token:
        response.next_page_token = token
    assert documents.paged(documents.runs(page.items), page) == message_to_dict(response)


def test_a_metric_with_links_renders_them() -> None:
    linked = Metric("acc", 0.5, 1, 2, "r", model_id="m", dataset_name="d", dataset_digest="x")
    assert documents.metric(linked) == message_to_dict(convert.metric_to_proto(linked))


POINTS: list[MetricPoint] = [
    (0.5, 10, 0, False, None, None, None),
    (0.0, 11, 1, True, None, None, None),
    (math.inf, 12, 2, False, "m-1", "train", "d1"),
    (-math.inf, 13, 2, False, None, "eval", None),
    (-0.0, 14, 3, False, "", "", ""),
]


@pytest.mark.parametrize("count", [0, 1, len(POINTS)])
def test_a_metric_historys_document_is_proto_json_of_its_response(count: int) -> None:
    points = POINTS[:count]
    expected = message_to_dict(convert.metric_history_to_proto("loss", points))
    assert documents.metric_history("loss", points) == expected


def test_nan_is_written_as_the_string_nan_in_a_history() -> None:
    document = documents.metric_history("loss", POINTS[1:2])
    assert document["metrics"][0]["value"] == "NaN"
