"""MLflow's error bodies and statuses at the REST edge: codes, unknown paths, wrong methods."""

from __future__ import annotations

MISSING_RUN = "0123456789abcdef0123456789abcdef"


async def test_duplicate_experiment_is_resource_already_exists_with_status_400(api) -> None:
    await api.create_experiment("twice")

    response = await api.post("experiments/create", {"name": "twice"})

    message = api.error(response, 400, "RESOURCE_ALREADY_EXISTS")
    assert "twice" in message


async def test_unknown_run_is_resource_does_not_exist_with_status_404(api) -> None:
    response = await api.get("runs/get", {"run_id": MISSING_RUN})

    message = api.error(response, 404, "RESOURCE_DOES_NOT_EXIST")
    assert MISSING_RUN in message


async def test_unknown_experiment_is_resource_does_not_exist_with_status_404(api) -> None:
    response = await api.get("experiments/get", {"experiment_id": "424242"})

    message = api.error(response, 404, "RESOURCE_DOES_NOT_EXIST")
    assert "424242" in message


async def test_unknown_experiment_name_is_resource_does_not_exist_with_status_404(api) -> None:
    response = await api.get("experiments/get-by-name", {"experiment_name": "nobody"})

    message = api.error(response, 404, "RESOURCE_DOES_NOT_EXIST")
    assert "nobody" in message


async def test_unknown_logged_model_is_resource_does_not_exist_with_status_404(api) -> None:
    response = await api.get("logged-models/m-0123456789abcdef")

    message = api.error(response, 404, "RESOURCE_DOES_NOT_EXIST")
    assert "m-0123456789abcdef" in message


async def test_logging_to_an_unknown_run_is_resource_does_not_exist(api) -> None:
    response = await api.post(
        "runs/log-parameter", {"run_id": MISSING_RUN, "key": "k", "value": "v"}
    )

    api.error(response, 404, "RESOURCE_DOES_NOT_EXIST")


async def test_invalid_parameter_value_has_status_400(api) -> None:
    response = await api.post("experiments/create", {"name": ""})

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_non_integer_experiment_id_is_invalid_parameter_value(api) -> None:
    response = await api.get("experiments/get", {"experiment_id": "abc"})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "abc" in message


async def test_experiment_id_beyond_int64_is_invalid_parameter_value(api) -> None:
    response = await api.get("experiments/get", {"experiment_id": "9" * 20})

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_unknown_path_is_endpoint_not_found_json(api) -> None:
    response = await api.client.get("/api/2.0/mlflow/no-such-endpoint")

    api.error(response, 404, "ENDPOINT_NOT_FOUND")


async def test_unknown_path_outside_the_api_is_endpoint_not_found_json(api) -> None:
    response = await api.client.post("/no/such/place", json={})

    api.error(response, 404, "ENDPOINT_NOT_FOUND")


async def test_unknown_path_under_ajax_api_is_endpoint_not_found_json(api) -> None:
    response = await api.client.get("/ajax-api/2.0/mlflow/no-such-endpoint")

    api.error(response, 404, "ENDPOINT_NOT_FOUND")


async def test_wrong_method_is_405_with_an_error_body(api) -> None:
    response = await api.client.get("/api/2.0/mlflow/experiments/create")

    api.error(response, 405, "ENDPOINT_NOT_FOUND")


async def test_wrong_method_on_a_get_endpoint_is_405(api) -> None:
    response = await api.client.post("/api/2.0/mlflow/runs/get", json={"run_id": MISSING_RUN})

    api.error(response, 405, "ENDPOINT_NOT_FOUND")


async def test_wrong_method_names_the_allowed_method(api) -> None:
    response = await api.client.get("/api/2.0/mlflow/experiments/create")

    assert response.status_code == 405
    assert response.headers.get("allow") == "POST"
