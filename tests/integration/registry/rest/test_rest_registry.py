"""The registry's REST surface: MLflow's paths, methods, JSON shapes and error bodies."""

from __future__ import annotations

import pytest

from tests.integration.registry.rest.conftest import RegistryApi, Serve


async def test_create_renders_mlflows_registered_model(api: RegistryApi) -> None:
    model = await api.create_model("churn", description="d", tags=[{"key": "k", "value": "v"}])

    assert set(model) == {
        "name",
        "creation_timestamp",
        "last_updated_timestamp",
        "description",
        "tags",
    }
    assert isinstance(model["creation_timestamp"], int)
    assert model["tags"] == [{"key": "k", "value": "v"}]


async def test_a_model_is_served_under_the_ajax_prefix_too(api: RegistryApi) -> None:
    await api.create_model("churn")

    response = await api.client.get("/ajax-api/2.0/mlflow/registered-models/get?name=churn")

    assert api.ok(response)["registered_model"]["name"] == "churn"


async def test_create_without_a_name_is_mlflows_missing_parameter_error(api: RegistryApi) -> None:
    message = api.error(
        await api.post("registered-models/create", {}), 400, "INVALID_PARAMETER_VALUE"
    )

    assert message.startswith("Missing value for required parameter 'name'")


async def test_a_taken_name_is_resource_already_exists_with_400(api: RegistryApi) -> None:
    await api.create_model("churn")

    api.error(
        await api.post("registered-models/create", {"name": "churn"}),
        400,
        "RESOURCE_ALREADY_EXISTS",
    )


async def test_a_missing_model_is_404(api: RegistryApi) -> None:
    response = await api.get("registered-models/get", {"name": "ghost"})

    api.error(response, 404, "RESOURCE_DOES_NOT_EXIST")


async def test_create_version_renders_mlflows_model_version(api: RegistryApi) -> None:
    version, run_id = await api.version_from_run("churn")

    assert version["version"] == "1"
    assert version["current_stage"] == "None"
    assert version["status"] == "READY"
    assert version["run_id"] == run_id
    assert version["source"] == f"runs:/{run_id}/model"


async def test_download_uri_is_an_mlflow_artifacts_uri_in_proxied_mode(api: RegistryApi) -> None:
    _, run_id = await api.version_from_run("churn")

    body = api.ok(
        await api.get("model-versions/get-download-uri", {"name": "churn", "version": "1"})
    )

    assert body == {"artifact_uri": f"mlflow-artifacts:/0/{run_id}/artifacts/model"}


async def test_download_uri_is_the_stores_uri_in_direct_mode(serve: Serve) -> None:
    async with serve(serve_artifacts=False) as api:
        _, run_id = await api.version_from_run("churn")

        body = api.ok(
            await api.get("model-versions/get-download-uri", {"name": "churn", "version": "1"})
        )

    root = api.settings.artifact_root
    assert root.startswith("file:///")
    assert body == {"artifact_uri": f"{root}/0/{run_id}/artifacts/model"}


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_get_latest_versions_answers_get_and_post(api: RegistryApi, method: str) -> None:
    await api.version_from_run("churn")
    await api.version_from_run("churn")
    api.ok(
        await api.post(
            "model-versions/transition-stage",
            {
                "name": "churn",
                "version": "1",
                "stage": "Staging",
                "archive_existing_versions": False,
            },
        )
    )
    path = "/api/2.0/mlflow/registered-models/get-latest-versions"
    if method == "GET":
        response = await api.client.get(path, params=[("name", "churn"), ("stages", "Staging")])
    else:
        response = await api.client.post(path, json={"name": "churn", "stages": ["Staging"]})

    versions = api.ok(response)["model_versions"]
    assert [(v["version"], v["current_stage"]) for v in versions] == [("1", "Staging")]


async def test_aliases_are_set_read_and_deleted_on_one_path(api: RegistryApi) -> None:
    await api.version_from_run("churn")
    alias = {"name": "churn", "alias": "champion", "version": "1"}

    api.ok(await api.post("registered-models/alias", alias))
    found = api.ok(await api.get("registered-models/alias", {"name": "churn", "alias": "champion"}))
    api.ok(await api.delete("registered-models/alias", {"name": "churn", "alias": "champion"}))

    assert found["model_version"]["aliases"] == ["champion"]
    model = api.ok(await api.get("registered-models/get", {"name": "churn"}))
    assert "aliases" not in model["registered_model"]


async def test_model_tags_are_set_with_post_and_deleted_with_delete(api: RegistryApi) -> None:
    await api.create_model("churn")

    api.ok(await api.post("registered-models/set-tag", {"name": "churn", "key": "k", "value": "v"}))
    tagged = api.ok(await api.get("registered-models/get", {"name": "churn"}))
    api.ok(await api.delete("registered-models/delete-tag", {"name": "churn", "key": "k"}))
    untagged = api.ok(await api.get("registered-models/get", {"name": "churn"}))

    assert tagged["registered_model"]["tags"] == [{"key": "k", "value": "v"}]
    assert "tags" not in untagged["registered_model"]


async def test_version_tags_are_set_with_post_and_deleted_with_delete(api: RegistryApi) -> None:
    await api.version_from_run("churn")
    version = {"name": "churn", "version": "1"}

    api.ok(await api.post("model-versions/set-tag", {**version, "key": "k", "value": "v"}))
    tagged = api.ok(await api.get("model-versions/get", version))
    api.ok(await api.delete("model-versions/delete-tag", {**version, "key": "k"}))
    untagged = api.ok(await api.get("model-versions/get", version))

    assert {"key": "k", "value": "v"} in tagged["model_version"]["tags"]
    assert {"key": "k", "value": "v"} not in untagged["model_version"].get("tags", [])


async def test_update_is_a_patch(api: RegistryApi) -> None:
    await api.create_model("churn")

    body = api.ok(
        await api.patch("registered-models/update", {"name": "churn", "description": "new"})
    )

    assert body["registered_model"]["description"] == "new"


async def test_delete_version_is_a_delete_with_a_json_body(api: RegistryApi) -> None:
    await api.version_from_run("churn")

    api.ok(await api.delete("model-versions/delete", {"name": "churn", "version": "1"}))

    response = await api.get("model-versions/get", {"name": "churn", "version": "1"})
    api.error(response, 404, "RESOURCE_DOES_NOT_EXIST")


async def test_search_versions_pages_over_get(api: RegistryApi) -> None:
    for _ in range(3):
        await api.version_from_run("churn")

    first = api.ok(
        await api.get("model-versions/search", {"filter": "name='churn'", "max_results": 2})
    )
    rest = api.ok(
        await api.get(
            "model-versions/search",
            {"filter": "name='churn'", "max_results": 2, "page_token": first["next_page_token"]},
        )
    )

    versions = [v["version"] for v in first["model_versions"] + rest["model_versions"]]
    assert sorted(versions) == ["1", "2", "3"]
    assert "next_page_token" not in rest


async def test_a_bad_filter_is_invalid_parameter_value(api: RegistryApi) -> None:
    response = await api.get("registered-models/search", {"filter": "params.x = 'y'"})

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_get_artifact_streams_a_file_of_the_version(api: RegistryApi) -> None:
    _, run_id = await api.version_from_run("churn")
    upload = f"/api/2.0/mlflow-artifacts/artifacts/0/{run_id}/artifacts/model/MLmodel"
    assert (await api.client.put(upload, content=b"flavors: {}")).status_code == 200

    response = await api.client.get(
        "/model-versions/get-artifact", params={"name": "churn", "version": "1", "path": "MLmodel"}
    )

    assert response.status_code == 200, response.text
    assert response.content == b"flavors: {}"
    assert "attachment" in response.headers["content-disposition"]


async def test_get_artifact_without_a_path_is_refused(api: RegistryApi) -> None:
    await api.version_from_run("churn")

    response = await api.client.get(
        "/model-versions/get-artifact", params={"name": "churn", "version": "1"}
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_a_registry_only_server_serves_the_registry(serve: Serve) -> None:
    async with serve(registry_only=True) as api:
        model = await api.create_model("churn")

    assert model["name"] == "churn"


async def test_a_registry_only_server_refuses_tracking_paths(serve: Serve) -> None:
    async with serve(registry_only=True) as api:
        response = await api.post("experiments/create", {"name": "x"})

    assert "registry only" in api.error(response, 404, "ENDPOINT_NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/2.0/mlflow/registered-models/create"),
        ("GET", "/ajax-api/2.0/mlflow/model-versions/search"),
        ("DELETE", "/api/2.0/mlflow/registered-models/alias"),
        ("GET", "/model-versions/get-artifact?name=x&version=1&path=MLmodel"),
    ],
)
async def test_an_artifacts_only_server_answers_registry_paths_with_404(
    serve: Serve, method: str, path: str
) -> None:
    async with serve(artifacts_only=True) as api:
        response = await api.client.request(method, path)

    assert "artifacts-only" in api.error(response, 404, "ENDPOINT_NOT_FOUND")
