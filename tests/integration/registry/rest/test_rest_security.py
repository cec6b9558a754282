"""Model-version sources and version downloads against SECURITY.md's known attacks.

Each CVE row is one test: the malicious request is refused with INVALID_PARAMETER_VALUE (or
finds nothing), no file outside the store is read, and the server never fetches a source.
The server under test proxies artifacts (the default) unless a test starts its own.
"""

from __future__ import annotations

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


async def test_direct_mode_accepts_a_file_uri_under_the_artifact_root(serve: Serve) -> None:
    async with serve(serve_artifacts=False) as api:
        await api.create_model("x")
        inside = f"{api.settings.artifact_root}/0/abc/artifacts/model"
        response = await api.create_version("x", inside)

    assert api.ok(response)["model_version"]["source"] == inside


@pytest.mark.parametrize(
    "source_of",
    [
        "file:///etc/",
        "{root}/../../etc",
        "{root}/0/%2e%2e/%2e%2e/%2e%2e/etc",
        "{root}-elsewhere/0/model",
        "mlflow-artifacts:/0/abc/artifacts/model",
    ],
)
async def test_direct_mode_refuses_sources_outside_the_artifact_root(
    serve: Serve, source_of: str
) -> None:
    async with serve(serve_artifacts=False) as api:
        await api.create_model("x")
        response = await api.create_version("x", source_of.format(root=api.settings.artifact_root))

    refused(api, response)


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
