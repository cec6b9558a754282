"""Responses in MLflow's proto JSON: int64 as numbers, NaN and infinities as strings, unset
fields absent, and the same answers under ``/api`` and ``/ajax-api``."""

from __future__ import annotations

import pytest

MAX_INT64 = 2**63 - 1


async def test_experiment_times_are_json_numbers(api) -> None:
    experiment_id = await api.create_experiment("timed")

    experiment = api.ok(await api.get("experiments/get", {"experiment_id": experiment_id}))[
        "experiment"
    ]

    assert type(experiment["creation_time"]) is int
    assert type(experiment["last_update_time"]) is int
    assert experiment["creation_time"] > 0


async def test_run_start_time_is_the_json_number_given(api) -> None:
    run = await api.create_run(start_time=1_700_000_000_123)

    assert run["info"]["start_time"] == 1_700_000_000_123
    assert type(run["info"]["start_time"]) is int


async def test_metric_timestamp_and_step_are_json_numbers(api) -> None:
    run_id = await api.create_run_id()
    await api.post(
        "runs/log-metric",
        {"run_id": run_id, "key": "m", "value": 0.5, "timestamp": 1234, "step": 7},
    )

    (metric,) = (await api.get_run(run_id))["data"]["metrics"]

    assert metric == {"key": "m", "value": 0.5, "timestamp": 1234, "step": 7}


async def test_int64_extremes_round_trip_exactly(api) -> None:
    run_id = await api.create_run_id()
    await api.post(
        "runs/log-metric",
        {"run_id": run_id, "key": "m", "value": 1, "timestamp": MAX_INT64, "step": -(2**63)},
    )

    history = api.ok(await api.get("metrics/get-history", {"run_id": run_id, "metric_key": "m"}))

    (metric,) = history["metrics"]
    assert metric["timestamp"] == MAX_INT64
    assert metric["step"] == -(2**63)


@pytest.mark.parametrize(
    ("sent", "rendered"),
    [("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity")],
)
async def test_non_finite_metric_values_are_rendered_as_mlflow_strings(
    api, sent: str, rendered: str
) -> None:
    run_id = await api.create_run_id()
    await api.post(
        "runs/log-batch",
        {"run_id": run_id, "metrics": [{"key": "m", "value": sent, "timestamp": 1}]},
    )

    run = await api.get_run(run_id)
    history = api.ok(await api.get("metrics/get-history", {"run_id": run_id, "metric_key": "m"}))

    assert run["data"]["metrics"][0]["value"] == rendered
    assert history["metrics"][0]["value"] == rendered


async def test_nan_metric_logged_through_log_metric_is_rendered_as_nan(api) -> None:
    run_id = await api.create_run_id()
    await api.post(
        "runs/log-metric", {"run_id": run_id, "key": "m", "value": "NaN", "timestamp": 1}
    )

    (metric,) = (await api.get_run(run_id))["data"]["metrics"]

    assert metric["value"] == "NaN"


async def test_unset_optional_fields_are_absent_from_a_new_run(api) -> None:
    run = await api.create_run()

    assert "end_time" not in run["info"]
    assert "metrics" not in run["data"]
    assert "params" not in run["data"]


async def test_metric_without_model_or_dataset_has_no_such_keys(api) -> None:
    run_id = await api.create_run_id()
    await api.post("runs/log-metric", {"run_id": run_id, "key": "m", "value": 1, "timestamp": 1})

    (metric,) = (await api.get_run(run_id))["data"]["metrics"]

    assert set(metric) == {"key", "value", "timestamp", "step"}


async def test_experiment_without_tags_has_no_tags_key(api) -> None:
    experiment_id = await api.create_experiment("bare")

    experiment = api.ok(await api.get("experiments/get", {"experiment_id": experiment_id}))[
        "experiment"
    ]

    assert "tags" not in experiment


async def test_end_time_is_rendered_once_set(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post(
        "runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": 1_700_000_000_999}
    )

    info = api.ok(response)["run_info"]
    assert info["end_time"] == 1_700_000_000_999
    assert info["status"] == "FINISHED"


async def test_empty_response_message_is_an_empty_object(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post("runs/log-parameter", {"run_id": run_id, "key": "k", "value": "v"})

    assert api.ok(response) == {}
    assert response.headers["content-type"] == "application/json"


async def test_last_page_has_no_next_page_token(api) -> None:
    response = await api.post("experiments/search", {"max_results": 10})

    assert "next_page_token" not in api.ok(response)


# --- both prefixes -----------------------------------------------------------------------------


async def test_ajax_api_prefix_reads_the_same_run(api) -> None:
    run_id = await api.create_run_id()

    under_api = await api.client.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id})
    under_ajax = await api.client.get("/ajax-api/2.0/mlflow/runs/get", params={"run_id": run_id})

    assert under_ajax.status_code == under_api.status_code == 200
    assert under_ajax.json() == under_api.json()


async def test_ajax_api_prefix_writes(api) -> None:
    response = await api.client.post(
        "/ajax-api/2.0/mlflow/experiments/create", json={"name": "from-the-ui"}
    )

    assert response.status_code == 200, response.text
    assert await api.experiment_exists("from-the-ui")


async def test_ajax_api_prefix_answers_errors_alike(api) -> None:
    under_api = await api.client.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=x")
    under_ajax = await api.client.get(
        "/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=x"
    )

    api.error(under_ajax, 404, "RESOURCE_DOES_NOT_EXIST")
    assert under_ajax.json() == under_api.json()


async def test_a_run_renders_inputs_always_and_outputs_only_when_it_has_some(api) -> None:
    created = api.ok(await api.post("runs/create", {"experiment_id": "0"}))

    run = created["run"]

    assert run["inputs"] == {}
    assert "outputs" not in run
