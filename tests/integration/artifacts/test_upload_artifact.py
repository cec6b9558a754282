"""``POST /ajax-api/2.0/mlflow/upload-artifact``: the UI writes one file into a run's artifacts,
as ``mlflow server`` accepts it (query ``run_uuid`` and ``path``, the file as the raw body, at
most 10 MB), through the server's own artifact store in proxied and direct mode alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from berth.artifacts.run_artifacts import UPLOAD_MAX_BYTES
from tests.fixtures.s3 import S3Server
from tests.integration.artifacts.support import (
    create_experiment,
    create_run,
    proxied_path,
    running,
    s3_settings,
    server_settings,
)
from tests.integration.artifacts.test_get_artifact_traversal import TRAVERSALS

UPLOAD = "/ajax-api/2.0/mlflow/upload-artifact"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A proxied server (the default) over a local store in ``tmp_path/store``."""
    async with running(server_settings(tmp_path)) as c:
        yield c


@pytest.fixture
async def run(client: httpx.AsyncClient) -> dict[str, str]:
    """A new run's ``info``."""
    info: dict[str, str] = await create_run(client)
    return info


async def _read(client: httpx.AsyncClient, run_id: str, path: str) -> httpx.Response:
    return await client.get("/get-artifact", params={"run_uuid": run_id, "path": path})


def _files(store: Path) -> list[str]:
    return sorted(str(p.relative_to(store)) for p in store.rglob("*") if p.is_file())


def _refused(response: httpx.Response, status: int, error_code: str) -> str:
    assert response.status_code == status, response.text
    assert response.json()["error_code"] == error_code
    message: str = response.json()["message"]
    return message


# Writing


async def test_the_body_becomes_the_runs_artifact(
    client: httpx.AsyncClient, run: dict[str, str]
) -> None:
    response = await client.post(
        UPLOAD, params={"run_uuid": run["run_id"], "path": "notes.txt"}, content=b"hello"
    )

    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["content-type"] == "application/json"
    assert (await _read(client, run["run_id"], "notes.txt")).content == b"hello"


async def test_a_nested_path_lands_in_its_directory(
    client: httpx.AsyncClient, run: dict[str, str], store: Path
) -> None:
    params = {"run_uuid": run["run_id"], "path": "plots/2024/loss.csv"}

    await client.post(UPLOAD, params=params, content=b"step,loss\n")

    stored = store / proxied_path(run["artifact_uri"]) / "plots/2024/loss.csv"
    assert stored.read_bytes() == b"step,loss\n"


async def test_an_upload_replaces_the_file_at_its_path(
    client: httpx.AsyncClient, run: dict[str, str]
) -> None:
    params = {"run_uuid": run["run_id"], "path": "notes.txt"}
    await client.post(UPLOAD, params=params, content=b"first")

    await client.post(UPLOAD, params=params, content=b"second")

    assert (await _read(client, run["run_id"], "notes.txt")).content == b"second"


async def test_run_id_names_the_run_like_run_uuid(
    client: httpx.AsyncClient, run: dict[str, str]
) -> None:
    await client.post(UPLOAD, params={"run_id": run["run_id"], "path": "a.txt"}, content=b"a")

    assert (await _read(client, run["run_id"], "a.txt")).content == b"a"


async def test_a_deleted_run_still_takes_uploads(
    client: httpx.AsyncClient, run: dict[str, str]
) -> None:
    await client.post("/api/2.0/mlflow/runs/delete", json={"run_id": run["run_id"]})

    response = await client.post(
        UPLOAD, params={"run_uuid": run["run_id"], "path": "late.txt"}, content=b"late"
    )

    assert response.status_code == 200


async def test_a_file_of_exactly_the_limit_is_stored(
    client: httpx.AsyncClient, run: dict[str, str]
) -> None:
    payload = b"x" * UPLOAD_MAX_BYTES

    response = await client.post(
        UPLOAD, params={"run_uuid": run["run_id"], "path": "big.bin"}, content=payload
    )

    assert response.status_code == 200
    assert len((await _read(client, run["run_id"], "big.bin")).content) == UPLOAD_MAX_BYTES


# Refusals


async def test_an_unknown_run_is_resource_does_not_exist(
    client: httpx.AsyncClient, store: Path
) -> None:
    response = await client.post(
        UPLOAD, params={"run_uuid": "0" * 32, "path": "a.txt"}, content=b"a"
    )

    _refused(response, 404, "RESOURCE_DOES_NOT_EXIST")
    assert _files(store) == []


@pytest.mark.parametrize(
    ("params", "mentioned"),
    [
        ({"path": "a.txt"}, "run_uuid"),
        ({"run_uuid": "", "path": "a.txt"}, "run_uuid"),
        ({"run_uuid": "RUN"}, "path"),
        ({"run_uuid": "RUN", "path": ""}, "path"),
    ],
)
async def test_a_missing_parameter_is_invalid(
    client: httpx.AsyncClient, run: dict[str, str], params: dict[str, str], mentioned: str
) -> None:
    query = {k: run["run_id"] if v == "RUN" else v for k, v in params.items()}

    response = await client.post(UPLOAD, params=query, content=b"a")

    assert mentioned in _refused(response, 400, "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("path", ["plots/", ".", "./", "plots/."])
async def test_a_path_that_names_no_file_is_invalid(
    client: httpx.AsyncClient, run: dict[str, str], path: str, store: Path
) -> None:
    response = await client.post(
        UPLOAD, params={"run_uuid": run["run_id"], "path": path}, content=b"a"
    )

    _refused(response, 400, "INVALID_PARAMETER_VALUE")
    assert _files(store) == []


@pytest.mark.parametrize("raw_path", TRAVERSALS.values(), ids=TRAVERSALS.keys())
async def test_a_traversing_path_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, run: dict[str, str], raw_path: str, tmp_path: Path
) -> None:
    before = _files(tmp_path)

    response = await client.post(
        f"{UPLOAD}?run_uuid={run['run_id']}&path={raw_path}", content=b"planted"
    )

    _refused(response, 400, "INVALID_PARAMETER_VALUE")
    assert _files(tmp_path) == before


async def test_a_bad_path_is_refused_before_the_run_is_looked_up(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(f"{UPLOAD}?run_uuid=nope&path=../x.txt", content=b"a")

    _refused(response, 400, "INVALID_PARAMETER_VALUE")


async def test_an_empty_body_is_invalid(client: httpx.AsyncClient, run: dict[str, str]) -> None:
    response = await client.post(
        UPLOAD, params={"run_uuid": run["run_id"], "path": "a.txt"}, content=b""
    )

    assert "data" in _refused(response, 400, "INVALID_PARAMETER_VALUE")


async def test_an_empty_chunked_body_is_invalid_and_stores_nothing(
    client: httpx.AsyncClient, run: dict[str, str], store: Path
) -> None:
    async def nothing() -> AsyncIterator[bytes]:
        for chunk in (b"",):
            yield chunk

    response = await client.post(
        UPLOAD, params={"run_uuid": run["run_id"], "path": "a.txt"}, content=nothing()
    )

    assert "data" in _refused(response, 400, "INVALID_PARAMETER_VALUE")
    assert _files(store) == []


async def test_a_body_declared_over_ten_megabytes_is_refused(
    client: httpx.AsyncClient, run: dict[str, str], store: Path
) -> None:
    response = await client.post(
        UPLOAD,
        params={"run_uuid": run["run_id"], "path": "big.bin"},
        content=b"x" * (UPLOAD_MAX_BYTES + 1),
    )

    assert "10MB" in _refused(response, 400, "INVALID_PARAMETER_VALUE")
    assert _files(store) == []


async def test_a_chunked_body_over_ten_megabytes_is_refused_and_stores_nothing(
    client: httpx.AsyncClient, run: dict[str, str], store: Path
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(11):
            yield b"x" * (1024 * 1024)

    response = await client.post(
        UPLOAD, params={"run_uuid": run["run_id"], "path": "big.bin"}, content=chunks()
    )

    assert "10MB" in _refused(response, 400, "INVALID_PARAMETER_VALUE")
    assert _files(store) == []


async def test_a_run_whose_artifacts_are_outside_the_store_is_refused(
    client: httpx.AsyncClient,
) -> None:
    elsewhere = await create_experiment(client, "elsewhere", artifact_location="s3://other/x")
    info = await create_run(client, elsewhere)

    response = await client.post(
        UPLOAD, params={"run_uuid": info["run_id"], "path": "a.txt"}, content=b"a"
    )

    assert "outside this server's artifact store" in _refused(
        response, 400, "INVALID_PARAMETER_VALUE"
    )


# Modes


async def test_direct_mode_writes_under_the_runs_own_artifact_uri(tmp_path: Path) -> None:
    async with running(server_settings(tmp_path, serve_artifacts=False)) as client:
        info = await create_run(client)

        response = await client.post(
            UPLOAD, params={"run_uuid": info["run_id"], "path": "d/x.txt"}, content=b"direct"
        )

    assert response.status_code == 200
    artifacts = Path(unquote(urlsplit(info["artifact_uri"]).path))
    assert (artifacts / "d" / "x.txt").read_bytes() == b"direct"


async def test_an_s3_store_receives_the_file(
    tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> None:
    settings = server_settings(tmp_path, **s3_settings(s3_server, s3_bucket))
    async with running(settings) as client:
        info = await create_run(client)

        await client.post(
            UPLOAD, params={"run_uuid": info["run_id"], "path": "notes.txt"}, content=b"to s3"
        )

    key = f"root/{proxied_path(info['artifact_uri'])}/notes.txt"
    assert s3_server.client().get_object(Bucket=s3_bucket, Key=key)["Body"].read() == b"to s3"


async def test_an_artifacts_only_server_has_no_upload_artifact(tmp_path: Path) -> None:
    async with running(server_settings(tmp_path, artifacts_only=True)) as client:
        response = await client.post(UPLOAD, params={"run_uuid": "r", "path": "a"}, content=b"a")

    _refused(response, 404, "ENDPOINT_NOT_FOUND")
