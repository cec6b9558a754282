"""``GET /get-artifact``: the UI downloads one artifact of a run, as ``mlflow server`` serves it.

The negative corpus (path traversal in all its encodings, symlinks, other runs) is in
``test_get_artifact_traversal.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from berth.artifacts.backends.base import CHUNK_SIZE
from tests.fixtures.s3 import S3Server
from tests.integration.artifacts.support import (
    create_experiment,
    create_run,
    proxied_path,
    running,
    s3_settings,
    server_settings,
    upload,
)

GET_ARTIFACT = "/get-artifact"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A proxied server (the default) over a local store."""
    async with running(server_settings(tmp_path)) as c:
        yield c


@pytest.fixture
async def run_id(client: httpx.AsyncClient) -> str:
    """A run holding ``notes.txt`` (b"hello"), ``digits`` and ``plots/loss.csv``."""
    info = await create_run(client)
    base = proxied_path(info["artifact_uri"])
    await upload(client, f"{base}/notes.txt", b"hello")
    await upload(client, f"{base}/digits", b"0123456789")
    await upload(client, f"{base}/plots/loss.csv", b"step,loss\n1,0.5\n")
    run: str = info["run_id"]
    return run


def _error_code(response: httpx.Response) -> str:
    code: str = response.json()["error_code"]
    return code


# The file


async def test_get_artifact_returns_the_files_bytes(client: httpx.AsyncClient, run_id: str) -> None:
    response = await client.get(GET_ARTIFACT, params={"path": "notes.txt", "run_uuid": run_id})

    assert response.status_code == 200
    assert response.content == b"hello"
    assert response.headers["content-length"] == "5"
    assert response.headers["accept-ranges"] == "bytes"


async def test_run_id_names_the_run_like_run_uuid(client: httpx.AsyncClient, run_id: str) -> None:
    response = await client.get(GET_ARTIFACT, params={"path": "digits", "run_id": run_id})

    assert response.content == b"0123456789"


async def test_a_nested_path_is_served(client: httpx.AsyncClient, run_id: str) -> None:
    response = await client.get(GET_ARTIFACT, params={"path": "plots/loss.csv", "run_uuid": run_id})

    assert response.content == b"step,loss\n1,0.5\n"


async def test_the_ajax_path_serves_the_same_file(client: httpx.AsyncClient, run_id: str) -> None:
    response = await client.get(
        "/ajax-api/2.0/mlflow/get-artifact", params={"path": "notes.txt", "run_uuid": run_id}
    )

    assert response.content == b"hello"


async def test_a_file_larger_than_a_chunk_streams_whole(client: httpx.AsyncClient) -> None:
    info = await create_run(client)
    payload = bytes(range(256)) * (3 * CHUNK_SIZE // 256 + 7)
    await upload(client, f"{proxied_path(info['artifact_uri'])}/model.bin", payload)

    response = await client.get(
        GET_ARTIFACT, params={"path": "model.bin", "run_uuid": info["run_id"]}
    )

    assert response.headers["content-length"] == str(len(payload))
    assert hashlib.sha256(response.content).digest() == hashlib.sha256(payload).digest()


# Headers that keep artifacts from running in the browser


async def test_the_file_is_sent_as_an_attachment_named_by_its_basename(
    client: httpx.AsyncClient, run_id: str
) -> None:
    response = await client.get(GET_ARTIFACT, params={"path": "plots/loss.csv", "run_uuid": run_id})

    assert response.headers["content-disposition"].startswith('attachment; filename="loss.csv"')
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "name", ["page.html", "page.htm", "page.xhtml", "image.svg", "data.xml", "code.js", "s.xsl"]
)
async def test_active_content_is_served_as_plain_text(client: httpx.AsyncClient, name: str) -> None:
    info = await create_run(client)
    script = b"<script>alert(document.cookie)</script>"
    await upload(client, f"{proxied_path(info['artifact_uri'])}/{name}", script)

    response = await client.get(GET_ARTIFACT, params={"path": name, "run_uuid": info["run_id"]})

    assert response.content == script
    assert response.headers["content-type"].split(";")[0] == "text/plain"
    assert response.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("MLmodel", "text/plain"),
        ("conda.yaml", "text/plain"),
        ("metrics.json", "text/plain"),
        ("plot.png", "image/png"),
        ("model.pkl", "application/octet-stream"),
    ],
)
async def test_the_content_type_follows_mlflows_choice_for_the_name(
    client: httpx.AsyncClient, name: str, media_type: str
) -> None:
    info = await create_run(client)
    await upload(client, f"{proxied_path(info['artifact_uri'])}/{name}", b"x")

    response = await client.get(GET_ARTIFACT, params={"path": name, "run_uuid": info["run_id"]})

    assert response.headers["content-type"].split(";")[0] == media_type


# Ranges


async def test_a_range_is_answered_with_partial_content(
    client: httpx.AsyncClient, run_id: str
) -> None:
    response = await client.get(
        GET_ARTIFACT,
        params={"path": "digits", "run_uuid": run_id},
        headers={"Range": "bytes=2-5"},
    )

    assert response.status_code == 206
    assert response.content == b"2345"
    assert response.headers["content-range"] == "bytes 2-5/10"
    assert response.headers["content-length"] == "4"


async def test_a_range_past_the_end_is_416(client: httpx.AsyncClient, run_id: str) -> None:
    response = await client.get(
        GET_ARTIFACT,
        params={"path": "digits", "run_uuid": run_id},
        headers={"Range": "bytes=10-"},
    )

    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */10"


# What is not there


async def test_a_missing_run_is_resource_does_not_exist(client: httpx.AsyncClient) -> None:
    response = await client.get(GET_ARTIFACT, params={"path": "a.txt", "run_uuid": "0" * 32})

    assert response.status_code == 404
    assert _error_code(response) == "RESOURCE_DOES_NOT_EXIST"


async def test_a_missing_file_is_resource_does_not_exist(
    client: httpx.AsyncClient, run_id: str
) -> None:
    response = await client.get(GET_ARTIFACT, params={"path": "nope.txt", "run_uuid": run_id})

    assert response.status_code == 404
    assert _error_code(response) == "RESOURCE_DOES_NOT_EXIST"


async def test_a_directory_is_not_a_file(client: httpx.AsyncClient, run_id: str) -> None:
    response = await client.get(GET_ARTIFACT, params={"path": "plots", "run_uuid": run_id})

    assert response.status_code == 404
    assert _error_code(response) == "RESOURCE_DOES_NOT_EXIST"


@pytest.mark.parametrize("params", [{}, {"path": ""}, {"path": "."}, {"path": "./"}])
async def test_a_missing_path_is_invalid(
    client: httpx.AsyncClient, run_id: str, params: dict[str, str]
) -> None:
    response = await client.get(GET_ARTIFACT, params={"run_uuid": run_id, **params})

    assert response.status_code == 400
    assert _error_code(response) == "INVALID_PARAMETER_VALUE"
    assert "'path'" in response.json()["message"]


@pytest.mark.parametrize("params", [{}, {"run_uuid": ""}, {"run_id": ""}])
async def test_a_missing_run_id_is_invalid(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await client.get(GET_ARTIFACT, params={"path": "notes.txt", **params})

    assert response.status_code == 400
    assert _error_code(response) == "INVALID_PARAMETER_VALUE"
    assert "'run_id'" in response.json()["message"]


async def test_a_run_whose_artifacts_are_outside_the_store_is_refused_with_the_reason(
    client: httpx.AsyncClient,
) -> None:
    elsewhere = await create_experiment(client, "elsewhere", artifact_location="s3://other/x")
    info = await create_run(client, elsewhere)

    response = await client.get(
        GET_ARTIFACT, params={"path": "model.pkl", "run_uuid": info["run_id"]}
    )

    assert response.status_code == 400
    assert _error_code(response) == "INVALID_PARAMETER_VALUE"
    assert "outside this server's artifact store" in response.json()["message"]
    assert "s3://other/x" in response.json()["message"]


# Modes


def _write_as_a_client_would(artifact_uri: str, name: str, content: bytes) -> None:
    """A direct-mode client writes to the run's ``file:`` artifact URI itself."""
    artifacts = Path(unquote(urlsplit(artifact_uri).path))
    artifacts.mkdir(parents=True)
    (artifacts / name).write_bytes(content)


async def test_direct_mode_serves_files_under_the_servers_own_root(tmp_path: Path) -> None:
    async with running(server_settings(tmp_path, serve_artifacts=False)) as client:
        info = await create_run(client)
        _write_as_a_client_would(info["artifact_uri"], "direct.txt", b"written by the client")

        response = await client.get(
            GET_ARTIFACT, params={"path": "direct.txt", "run_uuid": info["run_id"]}
        )

    assert response.content == b"written by the client"


async def test_an_artifacts_only_server_has_no_get_artifact(tmp_path: Path) -> None:
    settings = server_settings(tmp_path, artifacts_only=True)
    async with running(settings) as client:
        await upload(client, "0/r/artifacts/a.txt", b"hi")

        responses = [
            await client.get(path, params={"path": "a.txt", "run_uuid": "r"})
            for path in (GET_ARTIFACT, "/ajax-api/2.0/mlflow/get-artifact")
        ]

    assert [r.status_code for r in responses] == [404, 404]
    assert [_error_code(r) for r in responses] == ["ENDPOINT_NOT_FOUND"] * 2


async def test_an_s3_store_streams_the_file_through_the_server(
    tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> None:
    settings = server_settings(tmp_path, **s3_settings(s3_server, s3_bucket))
    async with running(settings) as client:
        info = await create_run(client)
        await upload(client, f"{proxied_path(info['artifact_uri'])}/notes.txt", b"from s3")

        response = await client.get(
            GET_ARTIFACT, params={"path": "notes.txt", "run_uuid": info["run_id"]}
        )

    assert response.content == b"from s3"
    key = f"root/{proxied_path(info['artifact_uri'])}/notes.txt"
    assert s3_server.client().get_object(Bucket=s3_bucket, Key=key)["Body"].read() == b"from s3"
