"""MLflow's logging limits over REST: each refusal is INVALID_PARAMETER_VALUE, writing nothing."""

from __future__ import annotations

from typing import Any

import pytest


def metrics(count: int) -> list[dict[str, Any]]:
    return [{"key": f"m{i}", "value": float(i), "timestamp": 1, "step": 0} for i in range(count)]


def params(count: int) -> list[dict[str, str]]:
    return [{"key": f"p{i}", "value": "v"} for i in range(count)]


async def log_batch(api, run_id: str, **entries: Any) -> Any:
    return await api.post("runs/log-batch", {"run_id": run_id, **entries})


def assert_nothing_logged(run: dict[str, Any]) -> None:
    assert "metrics" not in run["data"]
    assert "params" not in run["data"]
    assert {tag["key"] for tag in run["data"].get("tags", [])} == {"mlflow.runName"}


# --- values and keys ---------------------------------------------------------------------------


async def test_param_value_of_6000_characters_is_accepted(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post(
        "runs/log-parameter", {"run_id": run_id, "key": "p", "value": "v" * 6000}
    )

    assert response.status_code == 200, response.text


async def test_param_value_over_6000_characters_is_truncated_as_mlflow_does(api) -> None:
    run_id = await api.create_run_id()

    api.ok(
        await api.post("runs/log-parameter", {"run_id": run_id, "key": "p", "value": "v" * 6001})
    )

    assert (await api.get_run(run_id))["data"]["params"] == [{"key": "p", "value": "v" * 6000}]


async def test_tag_value_of_8000_characters_is_accepted(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post("runs/set-tag", {"run_id": run_id, "key": "t", "value": "v" * 8000})

    assert response.status_code == 200, response.text


async def test_tag_value_over_8000_characters_is_truncated_as_mlflow_does(api) -> None:
    run_id = await api.create_run_id()

    api.ok(await api.post("runs/set-tag", {"run_id": run_id, "key": "t", "value": "v" * 8001}))

    tags = {t["key"]: t["value"] for t in (await api.get_run(run_id))["data"]["tags"]}
    assert tags["t"] == "v" * 8000


async def test_run_name_tag_over_250_characters_is_refused(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post(
        "runs/set-tag", {"run_id": run_id, "key": "mlflow.runName", "value": "n" * 251}
    )

    assert "250" in api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_key_of_250_characters_is_accepted(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post(
        "runs/log-parameter", {"run_id": run_id, "key": "k" * 250, "value": "v"}
    )

    assert response.status_code == 200, response.text


async def test_key_over_250_characters_is_refused(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post(
        "runs/log-metric", {"run_id": run_id, "key": "k" * 251, "value": 1, "timestamp": 1}
    )

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "250" in message
    assert_nothing_logged(await api.get_run(run_id))


@pytest.mark.parametrize(
    "key",
    ["a!b", "a\\b", "a;b", "a\x00b", "a/../b", "/abs", "../up", "a/", "a//b", "./a", ".", ".."],
)
async def test_param_key_that_is_not_a_safe_name_is_refused(api, key: str) -> None:
    run_id = await api.create_run_id()

    response = await api.post("runs/log-parameter", {"run_id": run_id, "key": key, "value": "v"})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "'key'" in message
    assert_nothing_logged(await api.get_run(run_id))


async def test_negative_metric_timestamp_is_refused(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post(
        "runs/log-metric", {"run_id": run_id, "key": "m", "value": 1, "timestamp": -1}
    )

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "timestamp" in message


async def test_changing_a_logged_param_is_refused(api) -> None:
    run_id = await api.create_run_id()
    await api.post("runs/log-parameter", {"run_id": run_id, "key": "p", "value": "1"})

    response = await api.post("runs/log-parameter", {"run_id": run_id, "key": "p", "value": "2"})

    api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert (await api.get_run(run_id))["data"]["params"] == [{"key": "p", "value": "1"}]


# --- batches -----------------------------------------------------------------------------------


async def test_batch_of_1000_metrics_is_accepted(api) -> None:
    run_id = await api.create_run_id()

    response = await log_batch(api, run_id, metrics=metrics(1000))

    assert response.status_code == 200, response.text
    assert len((await api.get_run(run_id))["data"]["metrics"]) == 1000


async def test_batch_of_more_than_1000_metrics_is_refused_and_writes_nothing(api) -> None:
    run_id = await api.create_run_id()

    response = await log_batch(api, run_id, metrics=metrics(1001), params=params(1))

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "1000 metrics" in message
    assert_nothing_logged(await api.get_run(run_id))


async def test_batch_of_more_than_100_params_is_refused_and_writes_nothing(api) -> None:
    run_id = await api.create_run_id()

    response = await log_batch(api, run_id, params=params(101), metrics=metrics(1))

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "100 params" in message
    assert_nothing_logged(await api.get_run(run_id))


async def test_batch_of_more_than_100_tags_is_refused_and_writes_nothing(api) -> None:
    run_id = await api.create_run_id()
    tags = [{"key": f"t{i}", "value": "v"} for i in range(101)]

    response = await log_batch(api, run_id, tags=tags, params=params(1))

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "100 tags" in message
    assert_nothing_logged(await api.get_run(run_id))


async def test_batch_with_one_bad_entry_writes_nothing(api) -> None:
    run_id = await api.create_run_id()
    bad_metrics = [*metrics(3), {"key": "a/../b", "value": 1, "timestamp": 1}]

    response = await log_batch(
        api, run_id, metrics=bad_metrics, params=params(2), tags=[{"key": "t", "value": "v"}]
    )

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "metrics[3].key" in message
    assert_nothing_logged(await api.get_run(run_id))


async def test_batch_that_changes_a_logged_param_writes_nothing(api) -> None:
    run_id = await api.create_run_id()
    await api.post("runs/log-parameter", {"run_id": run_id, "key": "p0", "value": "old"})

    response = await log_batch(
        api,
        run_id,
        metrics=metrics(2),
        params=[{"key": "fresh", "value": "v"}, {"key": "p0", "value": "new"}],
        tags=[{"key": "t", "value": "v"}],
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")
    run = await api.get_run(run_id)
    assert run["data"]["params"] == [{"key": "p0", "value": "old"}]
    assert "metrics" not in run["data"]
    assert "t" not in {tag["key"] for tag in run["data"]["tags"]}


async def test_batch_with_duplicate_param_keys_is_refused(api) -> None:
    run_id = await api.create_run_id()

    response = await log_batch(
        api, run_id, params=[{"key": "p", "value": "1"}, {"key": "p", "value": "2"}]
    )

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "'p'" in message
    assert_nothing_logged(await api.get_run(run_id))


# --- lifecycle and search bounds ---------------------------------------------------------------


async def test_logging_to_a_deleted_run_is_invalid_parameter_value(api) -> None:
    run_id = await api.create_run_id()
    api.ok(await api.post("runs/delete", {"run_id": run_id}))

    response = await api.post("runs/log-parameter", {"run_id": run_id, "key": "k", "value": "v"})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert run_id in message
    assert "active" in message


async def test_batch_to_a_deleted_run_is_invalid_parameter_value(api) -> None:
    run_id = await api.create_run_id()
    api.ok(await api.post("runs/delete", {"run_id": run_id}))

    response = await log_batch(api, run_id, metrics=metrics(1))

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_search_runs_with_max_results_over_50000_is_refused(api) -> None:
    response = await api.post("runs/search", {"experiment_ids": ["0"], "max_results": 50001})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "max_results" in message
    assert "50000" in message


async def test_search_runs_with_max_results_of_50000_is_served(api) -> None:
    response = await api.post("runs/search", {"experiment_ids": ["0"], "max_results": 50000})

    assert response.status_code == 200, response.text


async def test_search_experiments_with_max_results_over_50000_is_refused(api) -> None:
    response = await api.post("experiments/search", {"max_results": 50001})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "max_results" in message


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        # tracking/service.py checks run_name against 8000 characters; runs.name is String(250)
        ("runs/create", {"experiment_id": "0", "run_name": "r" * 251}),
        # user_id is not checked at all; runs.user_id is String(256)
        ("runs/create", {"experiment_id": "0", "user_id": "u" * 257}),
        # validate_artifact_location has no length limit; experiments.artifact_location is 1000
        ("experiments/create", {"name": "long", "artifact_location": "s3://b/" + "x" * 1000}),
        # model_type is not checked; logged_models.model_type is String(500)
        ("logged-models", {"experiment_id": "0", "model_type": "t" * 501}),
    ],
    ids=["run_name", "user_id", "artifact_location", "model_type"],
)
async def test_string_longer_than_its_column_is_invalid_parameter_value(
    api, endpoint: str, body: dict[str, Any]
) -> None:
    response = await api.post(endpoint, body)

    api.error(response, 400, "INVALID_PARAMETER_VALUE")
