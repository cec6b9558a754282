"""The web UI's tracking queries over REST, as MLflow 3.17.2 renders them:
``POST /ajax-api/2.0/mlflow/experiments/search-datasets`` and
``GET /ajax-api/2.0/mlflow/metrics/get-history-bulk``."""

from __future__ import annotations

from typing import Any

import pytest

SEARCH_DATASETS = "/ajax-api/2.0/mlflow/experiments/search-datasets"
HISTORY_BULK = "/ajax-api/2.0/mlflow/metrics/get-history-bulk"


async def log_dataset(api: Any, run_id: str, name: str, context: str | None) -> None:
    tags = [] if context is None else [{"key": "mlflow.data.context", "value": context}]
    dataset = {"name": name, "digest": "d1", "source_type": "local", "source": "{}"}
    body = {"run_id": run_id, "datasets": [{"dataset": dataset, "tags": tags}]}
    api.ok(await api.post("runs/log-inputs", body))


async def log_metrics(api: Any, run_id: str, *points: tuple[float | str, int, int]) -> None:
    metrics = [{"key": "loss", "value": v, "timestamp": t, "step": s} for v, t, s in points]
    api.ok(await api.post("runs/log-batch", {"run_id": run_id, "metrics": metrics}))


# search-datasets


async def test_dataset_summaries_render_a_context_only_when_there_is_one(api: Any) -> None:
    experiment_id = await api.create_experiment("datasets")
    run_id = await api.create_run_id(experiment_id)
    await log_dataset(api, run_id, "eval-set", "eval")
    await log_dataset(api, run_id, "raw", None)

    response = await api.client.post(SEARCH_DATASETS, json={"experiment_ids": [experiment_id]})

    assert api.ok(response) == {
        "dataset_summaries": [
            {"experiment_id": experiment_id, "name": "eval-set", "digest": "d1", "context": "eval"},
            {"experiment_id": experiment_id, "name": "raw", "digest": "d1"},
        ]
    }


async def test_no_datasets_render_an_empty_object(api: Any) -> None:
    response = await api.client.post(SEARCH_DATASETS, json={"experiment_ids": ["0"]})

    assert api.ok(response) == {}


async def test_search_datasets_without_experiment_ids_is_400(api: Any) -> None:
    response = await api.client.post(SEARCH_DATASETS, json={})

    assert "experiment_id" in api.error(response, 400, "INVALID_PARAMETER_VALUE")


# get-history-bulk


async def test_bulk_history_renders_each_point_with_its_run(api: Any) -> None:
    run_id = await api.create_run_id()
    await log_metrics(api, run_id, (0.5, 20, 1), ("NaN", 10, 0))

    response = await api.client.get(HISTORY_BULK, params={"run_id": run_id, "metric_key": "loss"})

    assert api.ok(response) == {
        "metrics": [
            {"key": "loss", "value": "NaN", "timestamp": 10, "step": 0, "run_id": run_id},
            {"key": "loss", "value": 0.5, "timestamp": 20, "step": 1, "run_id": run_id},
        ]
    }


async def test_bulk_history_reads_every_repeated_run_id(api: Any) -> None:
    run_ids = sorted([await api.create_run_id(), await api.create_run_id()])
    for run_id in run_ids:
        await log_metrics(api, run_id, (1.0, 1, 0))

    response = await api.client.get(
        HISTORY_BULK,
        params=[("run_id", run_ids[1]), ("run_id", run_ids[0]), ("metric_key", "loss")],
    )

    assert [m["run_id"] for m in api.ok(response)["metrics"]] == run_ids


async def test_bulk_history_without_points_still_has_its_metrics_list(api: Any) -> None:
    response = await api.client.get(HISTORY_BULK, params={"run_id": "a" * 32, "metric_key": "x"})

    assert api.ok(response) == {"metrics": []}


async def test_bulk_history_max_results_limits_the_points(api: Any) -> None:
    run_id = await api.create_run_id()
    await log_metrics(api, run_id, (1.0, 1, 0), (2.0, 2, 0), (3.0, 3, 0))

    response = await api.client.get(
        HISTORY_BULK, params={"run_id": run_id, "metric_key": "loss", "max_results": "2"}
    )

    assert [m["value"] for m in api.ok(response)["metrics"]] == [1.0, 2.0]


async def test_bulk_history_of_more_than_a_hundred_runs_is_400(api: Any) -> None:
    params = [("run_id", f"{i:032x}") for i in range(101)] + [("metric_key", "loss")]

    response = await api.client.get(HISTORY_BULK, params=params)

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "more than 100 run_ids" in message


@pytest.mark.parametrize(
    ("params", "mentioned"),
    [
        ({"metric_key": "loss"}, "run_id"),
        ({"run_id": "a" * 32}, "metric_key"),
        ({"run_id": "a" * 32, "metric_key": "loss", "max_results": "abc"}, "max_results"),
        ({"run_id": "a" * 32, "metric_key": "loss", "max_results": "-1"}, "max_results"),
    ],
)
async def test_bulk_history_with_bad_parameters_is_400(
    api: Any, params: dict[str, str], mentioned: str
) -> None:
    response = await api.client.get(HISTORY_BULK, params=params)

    assert mentioned in api.error(response, 400, "INVALID_PARAMETER_VALUE")
