"""Model-version sources and version downloads against SECURITY.md's known attacks.

Each CVE row is one test: the malicious request is refused with INVALID_PARAMETER_VALUE (or
finds nothing), no file outside the store is read, and the server never fetches a source.
The server under test proxies artifacts (the default) unless a test starts its own.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from berth.registry.service import RegistryService
from tests.integration.registry.rest.conftest import RegistryApi, Serve


def refused(api: RegistryApi, response: httpx.Response) -> str:
    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "root:" not in response.text
    return message


async def get_artifact(api: RegistryApi, **params: Any) -> httpx.Response:
    return await api.client.get("/model-versions/get-artifact", params=params)


async def test_cve_2023_1177_file_uri_source_and_get_artifact(api: RegistryApi) -> None:
    await api.client.post("/ajax-api/2.0/mlflow/registered-models/create", json={"name": "x"})

    created = await api.client.post(
        "/ajax-api/2.0/mlflow/model-versions/create", json={"name": "x", "source": "file:///etc/"}
    )
    read = await get_artifact(api, name="x", version="1", path="passwd")

    refused(api, created)
    api.error(read, 404, "RESOURCE_DOES_NOT_EXIST")
    assert "root:" not in read.text


@pytest.mark.parametrize("source", ["/etc", "/etc/passwd", "etc/../../", "C:/Windows"])
async def test_cve_2023_1176_absolute_local_path_source(api: RegistryApi, source: str) -> None:
    await api.create_model("x")

    refused(api, await api.create_version("x", source))


@pytest.mark.parametrize(
    "source",
    [
        "mlflow-artifacts:/../../../../etc",
        "mlflow-artifacts://host:5000/../../../../etc",
        "s3://b/../../",
        "http://host/api/2.0/mlflow-artifacts/artifacts/../../../../etc",
        "file://path/to/../../../../etc",
    ],
)
async def test_cve_2023_2356_relative_traversal_source(api: RegistryApi, source: str) -> None:
    await api.create_model("x")

    refused(api, await api.create_version("x", source))


async def test_cve_2023_2780_backslash_traversal_in_a_file_uri(api: RegistryApi) -> None:
    await api.create_model("x")

    refused(api, await api.create_version("x", "file:///tmp/\\..\\..\\etc"))


async def test_cve_2023_6977_double_slash_host_path_source(api: RegistryApi) -> None:
    await api.create_model("x")

    created = await api.create_version("x", "//proc/self/root")
    read = await get_artifact(api, name="x", version="1", path="etc%2Fpasswd")

    refused(api, created)
    api.error(read, 404, "RESOURCE_DOES_NOT_EXIST")


async def test_cve_2024_1483_fragment_location_then_file_source_with_run(
    api: RegistryApi,
) -> None:
    experiment = await api.post(
        "experiments/create", {"name": "x", "artifact_location": "http:///#/../../../../etc/"}
    )
    run_id = await api.create_run_id()
    await api.create_model("x")

    created = await api.create_version("x", "file:///etc/", run_id=run_id)

    api.error(experiment, 400, "INVALID_PARAMETER_VALUE")
    refused(api, created)


async def test_cve_2024_2928_fragment_chain_ending_in_get_artifact(api: RegistryApi) -> None:
    await api.post(
        "experiments/create", {"name": "y", "artifact_location": "http:///#/../../../../etc/"}
    )
    run_id = await api.create_run_id()
    await api.create_model("x")
    created = await api.create_version("x", "file:///etc/", run_id=run_id)

    read = await get_artifact(api, name="x", version="1", path="passwd")

    refused(api, created)
    api.error(read, 404, "RESOURCE_DOES_NOT_EXIST")


@pytest.mark.parametrize(
    "source_of",
    [
        "dbfs:/{run}/artifacts/a%3f/../../../../",
        "dbfs:/{run}/artifacts/a?/x",
        "mlflow-artifacts:/0/{run}/artifacts/a%3f/../../../../",
    ],
)
async def test_cve_2024_8859_question_mark_and_dbfs_source(
    api: RegistryApi, source_of: str
) -> None:
    run_id = await api.create_run_id()
    await api.create_model("x")

    refused(api, await api.create_version("x", source_of.format(run=run_id), run_id=run_id))


@pytest.mark.parametrize(
    "source_of",
    [
        "runs:/{run}/../../../../etc",
        "runs:/{run}/%2e%2e/%2e%2e/%2e%2e/etc",
        "runs://{run}/model",
        "mlflow-artifacts:/0/{run}/artifacts/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc",
        "mlflow-artifacts:/0/{run}/artifacts/%252e%252e/%252e%252e/%252e%252e/etc",
        "models:/../../etc",
        "models://host/m/1",
        "file:///etc/passwd",
        "http://oast.example/x",
        "https://169.254.169.254/latest/meta-data/",
    ],
)
async def test_cve_2025_11201_source_resolving_outside_the_store(
    api: RegistryApi, source_of: str
) -> None:
    run_id = await api.create_run_id()
    await api.create_model("x")

    refused(api, await api.create_version("x", source_of.format(run=run_id), run_id=run_id))


async def test_get_artifact_refuses_traversal_out_of_a_real_version(api: RegistryApi) -> None:
    await api.version_from_run("x")

    for path in ["../../../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/etc/passwd"]:
        refused(api, await get_artifact(api, name="x", version="1", path=path))


async def test_direct_mode_accepts_a_file_uri_inside_the_named_runs_artifacts(
    serve: Serve,
) -> None:
    async with serve(serve_artifacts=False) as api:
        await api.create_model("x")
        run = await api.create_run()
        inside = f"{run['info']['artifact_uri']}/model"
        response = await api.create_version("x", inside, run_id=run["info"]["run_id"])

    assert inside.startswith(f"{api.settings.artifact_root}/0/")
    assert api.ok(response)["model_version"]["source"] == inside


@pytest.mark.parametrize(
    "source_of",
    [
        "file:///etc/",
        "{root}",
        "{root}/../../etc",
        "{root}/0/%2e%2e/%2e%2e/%2e%2e/etc",
        "{root}-elsewhere/0/{run}/artifacts/model",
        "{root}/0/{other}/artifacts/model",
        "{root}/0/{run}",
        "mlflow-artifacts:/0/{run}/artifacts/model",
    ],
)
async def test_direct_mode_refuses_sources_outside_the_named_runs_artifacts(
    serve: Serve, source_of: str
) -> None:
    async with serve(serve_artifacts=False) as api:
        await api.create_model("x")
        run_id, other = await api.create_run_id(), await api.create_run_id()
        source = source_of.format(root=api.settings.artifact_root, run=run_id, other=other)
        response = await api.create_version("x", source, run_id=run_id)

    refused(api, response)


async def test_a_uri_source_naming_no_run_or_logged_model_is_refused(api: RegistryApi) -> None:
    run_id = await api.create_run_id()
    await api.create_model("x")

    response = await api.create_version("x", f"mlflow-artifacts:/0/{run_id}/artifacts/model")

    assert "needs the run_id" in refused(api, response)


async def test_a_source_in_another_runs_artifacts_is_refused(api: RegistryApi) -> None:
    mine, theirs = await api.create_run_id(), await api.create_run_id()
    await api.create_model("x")

    response = await api.create_version(
        "x", f"mlflow-artifacts:/0/{theirs}/artifacts/model", run_id=mine
    )

    assert "run_id request parameter must identify" in refused(api, response)


@pytest.mark.parametrize(
    "source", ["mlflow-artifacts:/", "mlflow-artifacts:///", "mlflow-artifacts:/0"]
)
async def test_the_store_root_and_an_experiment_folder_are_refused(
    api: RegistryApi, source: str
) -> None:
    run_id = await api.create_run_id()
    await api.create_model("x")

    refused(api, await api.create_version("x", source, run_id=run_id))


async def test_a_source_outside_the_named_logged_model_is_refused(api: RegistryApi) -> None:
    run_id = await api.create_run_id()
    model = api.ok(await api.post("logged-models", {"experiment_id": "0", "source_run_id": run_id}))
    await api.create_model("x")

    response = await api.create_version(
        "x",
        f"mlflow-artifacts:/0/{run_id}/artifacts/model",
        model_id=model["model"]["info"]["model_id"],
    )

    assert "model_id request parameter must identify" in refused(api, response)


async def test_a_source_inside_the_named_logged_model_is_accepted(api: RegistryApi) -> None:
    model = api.ok(await api.post("logged-models", {"experiment_id": "0"}))["model"]["info"]
    await api.create_model("x")
    source = f"{model['artifact_uri']}/model"

    response = await api.create_version("x", source, model_id=model["model_id"])

    assert api.ok(response)["model_version"]["source"] == source


async def test_a_runs_root_in_another_bucket_is_accepted_but_never_read(
    api: RegistryApi,
) -> None:
    experiment_id = await api.create_experiment("elsewhere", artifact_location="s3://other/exp")
    run = await api.create_run(experiment_id)
    source = f"{run['info']['artifact_uri']}/model"
    await api.create_model("x")

    created = await api.create_version("x", source, run_id=run["info"]["run_id"])
    uri = await api.get("model-versions/get-download-uri", {"name": "x", "version": "1"})
    read = await get_artifact(api, name="x", version="1", path="MLmodel")

    assert api.ok(created)["model_version"]["source"] == source
    assert api.ok(uri) == {"artifact_uri": source}
    assert "does not read artifacts at s3://other/exp/" in api.error(read, 501, "NOT_IMPLEMENTED")


async def test_the_server_never_connects_to_a_source(api: RegistryApi) -> None:
    connections: list[object] = []

    def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(reader)
        writer.close()

    listener = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    try:
        version, run_id = await api.version_from_run("x")
        remote = await api.create_version("x", f"http://127.0.0.1:{port}/x", run_id=run_id)
        read = await get_artifact(api, name="x", version=version["version"], path="MLmodel")
        await asyncio.sleep(0.2)
    finally:
        listener.close()
        await listener.wait_closed()

    refused(api, remote)
    api.error(read, 404, "RESOURCE_DOES_NOT_EXIST")
    assert connections == []


async def test_get_artifact_refuses_a_nul_in_a_query_parameter(api: RegistryApi) -> None:
    await api.version_from_run("x")

    response = await get_artifact(api, name="x\x00", version="1", path="MLmodel")

    assert "control characters" in api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_an_unexpected_failure_in_get_artifact_is_mlflows_internal_error(
    api: RegistryApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(*_args: Any) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(RegistryService, "download_artifact", fail)

    response = await get_artifact(api, name="x", version="1", path="MLmodel")

    api.error(response, 500, "INTERNAL_ERROR")
    assert "secret detail" not in response.text
