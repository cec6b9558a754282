"""``GET /ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files``: the UI reads one file of a
logged model's artifacts, streamed as ``/get-artifact`` streams a run's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from tests.integration.artifacts.support import (
    create_experiment,
    proxied_path,
    running,
    server_settings,
    upload,
)
from tests.integration.artifacts.test_get_artifact_traversal import TRAVERSALS


def files_url(model_id: str) -> str:
    return f"/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files"


async def create_model(client: httpx.AsyncClient, experiment_id: str = "0") -> dict[str, Any]:
    """A new logged model's ``info`` (model_id, artifact_uri ...)."""
    response = await client.post(
        "/api/2.0/mlflow/logged-models", json={"experiment_id": experiment_id, "name": "m"}
    )
    assert response.status_code == 200, response.text
    info: dict[str, Any] = response.json()["model"]["info"]
    return info


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A proxied server (the default) over a local store."""
    async with running(server_settings(tmp_path)) as c:
        yield c


@pytest.fixture
async def model_id(client: httpx.AsyncClient) -> str:
    """A logged model holding ``MLmodel``, ``digits`` and ``data/page.html``."""
    info = await create_model(client)
    base = proxied_path(info["artifact_uri"])
    await upload(client, f"{base}/MLmodel", b"flavors: {}\n")
    await upload(client, f"{base}/digits", b"0123456789")
    await upload(client, f"{base}/data/page.html", b"<script>alert(1)</script>")
    model: str = info["model_id"]
    return model


def _error(response: httpx.Response, status: int, error_code: str) -> str:
    assert response.status_code == status, response.text
    assert response.json()["error_code"] == error_code
    message: str = response.json()["message"]
    return message


async def test_the_file_is_served_as_an_attachment(
    client: httpx.AsyncClient, model_id: str
) -> None:
    response = await client.get(files_url(model_id), params={"artifact_file_path": "MLmodel"})

    assert response.status_code == 200
    assert response.content == b"flavors: {}\n"
    assert response.headers["content-type"].split(";")[0] == "text/plain"
    assert response.headers["content-disposition"].startswith('attachment; filename="MLmodel"')
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_active_content_in_a_nested_file_is_served_as_plain_text(
    client: httpx.AsyncClient, model_id: str
) -> None:
    response = await client.get(
        files_url(model_id), params={"artifact_file_path": "data/page.html"}
    )

    assert response.content == b"<script>alert(1)</script>"
    assert response.headers["content-type"].split(";")[0] == "text/plain"


async def test_a_range_is_answered_with_partial_content(
    client: httpx.AsyncClient, model_id: str
) -> None:
    response = await client.get(
        files_url(model_id),
        params={"artifact_file_path": "digits"},
        headers={"Range": "bytes=3-4"},
    )

    assert (response.status_code, response.content) == (206, b"34")


async def test_a_missing_artifact_file_path_is_bad_request(
    client: httpx.AsyncClient, model_id: str
) -> None:
    response = await client.get(files_url(model_id))

    assert "artifact_file_path" in _error(response, 400, "BAD_REQUEST")


async def test_an_unknown_model_is_resource_does_not_exist(client: httpx.AsyncClient) -> None:
    response = await client.get(files_url("m-nope"), params={"artifact_file_path": "MLmodel"})

    _error(response, 404, "RESOURCE_DOES_NOT_EXIST")


@pytest.mark.parametrize("path", ["nope.txt", "data"])
async def test_a_path_that_is_no_file_is_resource_does_not_exist(
    client: httpx.AsyncClient, model_id: str, path: str
) -> None:
    response = await client.get(files_url(model_id), params={"artifact_file_path": path})

    _error(response, 404, "RESOURCE_DOES_NOT_EXIST")


@pytest.mark.parametrize("raw_path", TRAVERSALS.values(), ids=TRAVERSALS.keys())
async def test_a_traversing_path_is_refused(
    client: httpx.AsyncClient, model_id: str, raw_path: str
) -> None:
    response = await client.get(f"{files_url(model_id)}?artifact_file_path={raw_path}")

    _error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_a_model_whose_artifacts_are_outside_the_store_is_refused(
    client: httpx.AsyncClient,
) -> None:
    elsewhere = await create_experiment(client, "elsewhere", artifact_location="s3://other/x")
    info = await create_model(client, elsewhere)

    response = await client.get(
        files_url(info["model_id"]), params={"artifact_file_path": "MLmodel"}
    )

    assert "outside this server's artifact store" in _error(
        response, 400, "INVALID_PARAMETER_VALUE"
    )


def _write_as_a_client_would(artifact_uri: str, name: str, content: bytes) -> None:
    """A direct-mode client writes to the model's ``file:`` artifact URI itself."""
    artifacts = Path(unquote(urlsplit(artifact_uri).path))
    artifacts.mkdir(parents=True)
    (artifacts / name).write_bytes(content)


async def test_direct_mode_serves_files_under_the_servers_own_root(tmp_path: Path) -> None:
    async with running(server_settings(tmp_path, serve_artifacts=False)) as client:
        info = await create_model(client)
        _write_as_a_client_would(info["artifact_uri"], "MLmodel", b"written by the client")

        response = await client.get(
            files_url(info["model_id"]), params={"artifact_file_path": "MLmodel"}
        )

    assert response.content == b"written by the client"
