"""Request bodies and query strings: malformed input, wrong types, missing fields, size limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

SMALL_LIMIT = 2048


# --- JSON bodies -------------------------------------------------------------------------------


async def test_malformed_json_is_invalid_parameter_value(api) -> None:
    response = await api.post("experiments/create", content=b'{"name": "x",')

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "Malformed JSON" in message


async def test_body_that_is_not_utf8_is_invalid_parameter_value(api) -> None:
    response = await api.post("experiments/create", content=b'{"name": "\xff"}')

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("body", [b"[]", b'["name"]', b'"name"', b"5", b"null", b"true"])
async def test_json_that_is_not_an_object_is_invalid_parameter_value(api, body: bytes) -> None:
    response = await api.post("experiments/create", content=body)

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "JSON object" in message


async def test_deeply_nested_json_is_invalid_parameter_value(api) -> None:
    body = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    response = await api.post("experiments/create", content=body)

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_integer_literal_too_long_to_convert_is_invalid_parameter_value(api) -> None:
    body = b'{"name": "x", "tags": ' + b"1" * 5000 + b"}"

    response = await api.post("experiments/create", content=body)

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_empty_body_is_an_empty_request(api) -> None:
    response = await api.post("experiments/create", content=b"")

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "'name'" in message


async def test_unknown_fields_are_ignored(api) -> None:
    response = await api.post("experiments/create", {"name": "lenient", "colour": "blue"})

    assert response.status_code == 200, response.text
    assert await api.experiment_exists("lenient")


async def test_string_field_given_a_number_is_refused_naming_the_field(api) -> None:
    response = await api.post("experiments/create", {"name": 5})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "name" in message
    assert not await api.experiment_exists("5")


async def test_integer_field_given_a_word_is_refused_naming_the_field(api) -> None:
    response = await api.post("runs/search", {"experiment_ids": ["0"], "max_results": "x"})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "max_results" in message


async def test_metric_value_that_is_not_a_number_is_refused_naming_the_entry(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post(
        "runs/log-batch",
        {"run_id": run_id, "metrics": [{"key": "m", "value": "abc", "timestamp": 1}]},
    )

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "metrics[0].value" in message
    assert "abc" in message


async def test_int64_field_out_of_range_is_refused_naming_the_field(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post(
        "runs/log-metric", {"run_id": run_id, "key": "m", "value": 1, "timestamp": 2**63}
    )

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "timestamp" in message


async def test_repeated_field_given_a_scalar_is_refused_naming_the_field(api) -> None:
    response = await api.post("runs/search", {"experiment_ids": "0"})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "experiment_ids" in message


# --- missing required fields -------------------------------------------------------------------


async def test_log_metric_without_timestamp_names_the_field(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post("runs/log-metric", {"run_id": run_id, "key": "m", "value": 1.0})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "'timestamp'" in message
    assert "metrics" not in (await api.get_run(run_id))["data"]


async def test_create_experiment_without_name_names_the_field(api) -> None:
    response = await api.post("experiments/create", {"artifact_location": "s3://bucket/x"})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "'name'" in message


async def test_get_metric_history_without_metric_key_names_the_field(api) -> None:
    run_id = await api.create_run_id()

    response = await api.get("metrics/get-history", {"run_id": run_id})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "'metric_key'" in message


async def test_get_run_without_run_id_names_the_field(api) -> None:
    response = await api.get("runs/get")

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "'run_id'" in message


async def test_get_run_accepts_the_legacy_run_uuid(api) -> None:
    run_id = await api.create_run_id()

    response = await api.get("runs/get", {"run_uuid": run_id})

    assert api.ok(response)["run"]["info"]["run_id"] == run_id


# --- body size limit ---------------------------------------------------------------------------


async def test_body_larger_than_the_limit_is_refused_and_nothing_is_written(serve) -> None:
    async with serve(max_request_bytes=SMALL_LIMIT) as api:
        body = b'{"name": "big", "tags": [{"key": "k", "value": "' + b"v" * SMALL_LIMIT + b'"}]}'

        response = await api.post("experiments/create", content=body)

        message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
        assert str(SMALL_LIMIT) in message
        assert not await api.experiment_exists("big")


async def test_chunked_body_larger_than_the_limit_is_refused_and_nothing_is_written(
    serve,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "chunked", "tags": [{"key": "k", "value": "'
        for _ in range(8):
            yield b"v" * 512
        yield b'"}]}'

    async with serve(max_request_bytes=SMALL_LIMIT) as api:
        response = await api.post("experiments/create", content=chunks())

        assert "content-length" not in response.request.headers
        assert response.request.headers["transfer-encoding"] == "chunked"
        message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
        assert str(SMALL_LIMIT) in message
        assert not await api.experiment_exists("chunked")


async def test_body_within_the_limit_is_served(serve) -> None:
    async with serve(max_request_bytes=SMALL_LIMIT) as api:
        body = b'{"name": "fits", "tags": [{"key": "k", "value": "' + b"v" * 1900 + b'"}]}'
        assert len(body) < SMALL_LIMIT

        response = await api.post("experiments/create", content=body)

        assert response.status_code == 200, response.text
        assert await api.experiment_exists("fits")


# --- GET query strings -------------------------------------------------------------------------


async def test_repeated_query_parameters_fill_a_repeated_field(api) -> None:
    first, second = await api.create_run_id(), await api.create_run_id()
    for run_id in (first, second):
        await api.post(
            "runs/log-metric",
            {"run_id": run_id, "key": "loss", "value": 1.0, "timestamp": 1, "step": 0},
        )

    response = await api.get(
        "metrics/get-history-bulk-interval",
        [("run_ids", first), ("run_ids", second), ("metric_key", "loss")],
    )

    assert {m["run_id"] for m in api.ok(response)["metrics"]} == {first, second}


async def test_integer_query_parameter_is_read_from_its_string(api) -> None:
    run_id = await api.create_run_id()
    for step in range(3):
        await api.post(
            "runs/log-metric",
            {"run_id": run_id, "key": "loss", "value": 1.0, "timestamp": 1, "step": step},
        )

    response = await api.get(
        "metrics/get-history", {"run_id": run_id, "metric_key": "loss", "max_results": "2"}
    )

    body = api.ok(response)
    assert [m["step"] for m in body["metrics"]] == [0, 1]
    assert body["next_page_token"]


async def test_integer_query_parameter_that_is_not_a_number_is_refused(api) -> None:
    response = await api.get("experiments/search", {"max_results": "many"})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "max_results" in message


async def test_enum_query_parameter_is_read_by_name(api) -> None:
    experiment_id = await api.create_experiment("gone")
    await api.post("experiments/delete", {"experiment_id": experiment_id})

    active = api.ok(await api.get("experiments/search", {"view_type": "ACTIVE_ONLY"}))
    everything = api.ok(await api.get("experiments/search", {"view_type": "ALL"}))

    assert "gone" not in {e["name"] for e in active["experiments"]}
    assert "gone" in {e["name"] for e in everything["experiments"]}


async def test_enum_query_parameter_with_an_unknown_name_is_ignored_as_mlflow_does(api) -> None:
    """MLflow parses requests with ``ignore_unknown_fields``, which skips unknown enum names."""
    experiment_id = await api.create_experiment("gone")
    await api.post("experiments/delete", {"experiment_id": experiment_id})

    response = await api.get("experiments/search", {"view_type": "SOME"})

    assert "gone" not in {e["name"] for e in api.ok(response)["experiments"]}


async def test_unknown_query_parameters_are_ignored(api) -> None:
    run_id = await api.create_run_id()

    response = await api.get("runs/get", {"run_id": run_id, "verbose": "yes"})

    assert api.ok(response)["run"]["info"]["run_id"] == run_id


async def test_get_with_a_json_body_reads_the_body(api) -> None:
    run_id = await api.create_run_id()

    response = await api.client.request("GET", "/api/2.0/mlflow/runs/get", json={"run_id": run_id})

    assert api.ok(response)["run"]["info"]["run_id"] == run_id


async def test_a_nul_character_anywhere_is_refused_with_its_field(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post(
        "runs/log-batch", {"run_id": run_id, "tags": [{"key": "k", "value": "a\u0000b"}]}
    )

    assert "tags[0].value" in api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "k" not in {t["key"] for t in (await api.get_run(run_id))["data"].get("tags", [])}


async def test_an_empty_param_value_is_logged(api) -> None:
    run_id = await api.create_run_id()

    api.ok(await api.post("runs/log-parameter", {"run_id": run_id, "key": "k", "value": ""}))

    params = (await api.get_run(run_id))["data"]["params"]
    assert params == [{"key": "k", "value": ""}]


async def test_a_batch_metric_without_timestamp_is_refused_by_its_position(api) -> None:
    run_id = await api.create_run_id()
    metrics = [
        {"key": "ok", "value": 1, "timestamp": 1},
        {"key": "no_ts", "value": 1},
    ]

    response = await api.post("runs/log-batch", {"run_id": run_id, "metrics": metrics})

    assert "metrics[1].timestamp" in api.error(response, 400, "INVALID_PARAMETER_VALUE")
