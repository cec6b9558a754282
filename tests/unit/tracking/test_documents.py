"""The REST edge's documents for runs and metric histories are exactly what proto JSON makes
of the gRPC edge's messages for the same data; a run's document is rendered from the rows
the store read, the message from the entity those rows make."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest

from berth.proto import tracking_pb2 as pb
from berth.tracking import convert, documents, run_rows
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
from berth.tracking.run_rows import StoredRun
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


def stored(run: Run) -> StoredRun:
    """The rows the SQL store reads for ``run`` (``run_rows.children_statement``'s layout)."""
    i = run.info
    row = SimpleNamespace(
        run_id=i.run_id,
        name=i.run_name,
        experiment_id=int(i.experiment_id),
        user_id=i.user_id,
        status=i.status.value,
        start_time=i.start_time,
        end_time=i.end_time,
        artifact_uri=i.artifact_uri,
        lifecycle_stage=i.lifecycle_stage.value,
    )
    none = (None, None, None, None, None)
    children: list[tuple[Any, ...]] = [
        *((i.run_id, run_rows.PARAM, p.key, p.value, *none[1:]) for p in run.params),
        *((i.run_id, run_rows.TAG, t.key, t.value, *none[1:]) for t in run.tags),
        *(
            (
                i.run_id,
                run_rows.METRIC,
                m.key,
                None,
                *run_rows.stored_value(m.value),
                m.timestamp,
                m.step,
            )
            for m in run.metrics
        ),
        *(
            (i.run_id, run_rows.MODEL_OUTPUT, o.model_id, *none[:4], o.step)
            for o in run.model_outputs
        ),
        *((i.run_id, run_rows.MODEL_INPUT, m, *none) for m in run.model_inputs),
        *(
            (i.run_id, run_rows.DATASET_INPUT, f"in-{n}", *none)
            for n in range(len(run.dataset_inputs))
        ),
    ]
    datasets = {f"in-{n}": d for n, d in enumerate(run.dataset_inputs)}
    return StoredRun(row, children, datasets)


@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
def test_a_stored_runs_entity_is_the_run_its_rows_describe(run: Run) -> None:
    made = stored(run).run()

    assert (made.info, made.params, made.tags) == (run.info, run.params, run.tags)
    assert [(m.key, m.timestamp, m.step) for m in made.metrics] == [
        (m.key, m.timestamp, m.step) for m in run.metrics
    ]
    assert [str(m.value) for m in made.metrics] == [str(m.value) for m in run.metrics]
    assert made.dataset_inputs == run.dataset_inputs
    assert (made.model_inputs, made.model_outputs) == (run.model_inputs, run.model_outputs)


@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
def test_a_runs_document_is_proto_json_of_its_message(run: Run) -> None:
    rows = stored(run)

    assert documents.run(rows) == message_to_dict(convert.run_to_proto(rows.run()))


@pytest.mark.parametrize("token", [None, "next"])
@pytest.mark.parametrize("count", [0, 1, 4])
def test_a_search_pages_document_is_proto_json_of_its_response(
    count: int, token: str | None
) -> None:
    page = Page([stored(r) for r in list(RUNS.values())[:count]], token)
    response = pb.SearchRuns.Response(runs=[convert.run_to_proto(r.run()) for r in page.items])
    if token:
        response.next_page_token = token
    assert documents.paged(documents.runs(page.items), page) == message_to_dict(response)


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
