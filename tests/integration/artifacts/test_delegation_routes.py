"""Presigned delegation over REST: ``server-info``, ``presigned/<path>`` and ``mpu/*``.

With delegation off (a local store) the 3.x client must be told to send every byte through
the proxy: no multipart advertised, and MLflow's exact NOT_IMPLEMENTED answers, which it
recognises to fall back. With delegation on over S3 (a real S3 API: MinIO or moto), the
client moves the bytes itself with the URLs the server signs.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from berth.artifacts.service import MULTIPART_DOWNLOAD_UNSUPPORTED, MULTIPART_UPLOAD_UNSUPPORTED
from tests.fixtures.s3 import S3Server
from tests.integration.artifacts.support import running, s3_settings, server_settings, upload

API = "/api/2.0/mlflow-artifacts"
DIRECTORY = "1/run/artifacts/models"
MiB = 1024 * 1024
PUBLIC_ENDPOINT = "http://s3.example.test:9000"
# The largest body the mpu/* endpoints read (routes._MAX_MULTIPART_BODY).
MAX_BODY = 4 * MiB


@pytest.fixture
async def local(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A proxied server over a local store: no delegation."""
    async with running(server_settings(tmp_path)) as client:
        yield client


@pytest.fixture
async def delegating(
    tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> AsyncIterator[httpx.AsyncClient]:
    """A proxied server over ``s3://<bucket>/root`` that delegates to S3 with presigned URLs."""
    settings = server_settings(
        tmp_path, artifacts_delegation="presigned", **s3_settings(s3_server, s3_bucket)
    )
    async with running(settings) as client:
        yield client


@pytest.fixture
async def public(
    tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> AsyncIterator[httpx.AsyncClient]:
    """As ``delegating``, with clients reaching S3 at another address than the server."""
    settings = server_settings(
        tmp_path,
        artifacts_delegation="presigned",
        **s3_settings(s3_server, s3_bucket, s3_public_endpoint_url=PUBLIC_ENDPOINT),
    )
    async with running(settings) as client:
        yield client


@pytest.fixture
def s3(s3_server: S3Server) -> Any:
    """boto3, to see what is really in the bucket."""
    return s3_server.client()


def _key(path: str) -> str:
    """The object key of an artifact path, under the store's ``root`` prefix."""
    return f"root/{path}"


def _pending_uploads(s3: Any, bucket: str) -> list[dict[str, Any]]:
    uploads: list[dict[str, Any]] = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    return uploads


def _object_keys(s3: Any, bucket: str) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


async def _fetch(url: str) -> bytes:
    """GET ``url`` with urllib, as a client outside the server would."""

    def get() -> bytes:
        with urllib.request.urlopen(url, timeout=30) as response:
            body: bytes = response.read()
            return body

    return await asyncio.to_thread(get)


async def _put_part(url: str, data: bytes) -> str:
    """PUT one part to its presigned URL with urllib; the part's ETag."""

    def put() -> str:
        # urllib would label the body as a form otherwise; MLflow's client sends bare bytes.
        headers = {"Content-Type": "application/octet-stream"}
        request = urllib.request.Request(url, data=data, headers=headers, method="PUT")
        with urllib.request.urlopen(request, timeout=30) as response:
            etag: str = response.headers["ETag"]
            return etag

    return await asyncio.to_thread(put)


async def _mpu(
    client: httpx.AsyncClient, action: str, body: dict[str, Any], directory: str = DIRECTORY
) -> httpx.Response:
    return await client.post(f"{API}/mpu/{action}/{directory}", json=body)


async def _create(client: httpx.AsyncClient, num_parts: int, name: str = "model.bin") -> Any:
    response = await _mpu(client, "create", {"path": f"/home/me/{name}", "num_parts": num_parts})
    assert response.status_code == 200, response.text
    return response.json()


def _assert_invalid(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


VALID_BODIES: dict[str, dict[str, Any]] = {
    "create": {"path": "model.bin", "num_parts": 2},
    "complete": {
        "path": "model.bin",
        "upload_id": "u-1",
        "parts": [{"part_number": 1, "etag": "e"}],
    },
    "abort": {"path": "model.bin", "upload_id": "u-1"},
}


# Delegation off


@pytest.mark.parametrize("action", VALID_BODIES)
async def test_mpu_without_delegation_is_not_implemented_in_mlflows_words(
    local: httpx.AsyncClient, action: str
) -> None:
    response = await _mpu(local, action, VALID_BODIES[action])

    assert response.status_code == 501
    assert response.json() == {
        "error_code": "NOT_IMPLEMENTED",
        "message": "Multipart upload is not supported for the current artifact repository",
    }
    assert response.json()["message"] == MULTIPART_UPLOAD_UNSUPPORTED


async def test_presigned_without_delegation_is_not_implemented_in_mlflows_words(
    local: httpx.AsyncClient,
) -> None:
    await upload(local, f"{DIRECTORY}/model.bin", b"weights")

    response = await local.get(f"{API}/presigned/{DIRECTORY}/model.bin")

    assert response.status_code == 501
    assert response.json() == {
        "error_code": "NOT_IMPLEMENTED",
        "message": "Multipart download is not supported for the current artifact repository",
    }
    assert response.json()["message"] == MULTIPART_DOWNLOAD_UNSUPPORTED


@pytest.mark.parametrize("action", VALID_BODIES)
async def test_mpu_traversal_without_delegation_is_refused_before_anything_else(
    local: httpx.AsyncClient, action: str
) -> None:
    response = await _mpu(local, action, VALID_BODIES[action], directory="%252e%252e%252fetc")

    _assert_invalid(response)


# server-info


@pytest.mark.parametrize("prefix", ["/api", "/ajax-api"])
async def test_server_info_with_delegation_advertises_multipart(
    delegating: httpx.AsyncClient, prefix: str
) -> None:
    info = (await delegating.get(f"{prefix}/3.0/mlflow/server-info")).json()

    assert info["multipart_uploads_enabled"] is True
    assert info["multipart_downloads_enabled"] is True


# Presigned downloads


async def test_presigned_answers_a_url_its_headers_and_the_file_size(
    delegating: httpx.AsyncClient,
) -> None:
    await upload(delegating, f"{DIRECTORY}/model.bin", b"weights")

    response = await delegating.get(f"{API}/presigned/{DIRECTORY}/model.bin")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"url", "headers", "file_size"}
    assert body["headers"] == {}
    assert body["file_size"] == len(b"weights")


async def test_the_presigned_url_downloads_the_bytes_from_the_store(
    delegating: httpx.AsyncClient, s3_server: S3Server
) -> None:
    payload = bytes(range(256)) * 4096
    await upload(delegating, f"{DIRECTORY}/model.bin", payload)

    url = (await delegating.get(f"{API}/presigned/{DIRECTORY}/model.bin")).json()["url"]

    assert url.startswith(s3_server.endpoint_url)
    assert await _fetch(url) == payload


async def test_the_ajax_prefix_presigns_the_same_file(delegating: httpx.AsyncClient) -> None:
    await upload(delegating, f"{DIRECTORY}/model.bin", b"weights")

    response = await delegating.get(
        f"/ajax-api/2.0/mlflow-artifacts/presigned/{DIRECTORY}/model.bin"
    )

    assert await _fetch(response.json()["url"]) == b"weights"


async def test_presigning_a_missing_artifact_is_resource_does_not_exist(
    delegating: httpx.AsyncClient,
) -> None:
    response = await delegating.get(f"{API}/presigned/{DIRECTORY}/missing.bin")

    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


async def test_presigned_urls_are_signed_for_the_public_endpoint(
    public: httpx.AsyncClient,
) -> None:
    await upload(public, f"{DIRECTORY}/model.bin", b"weights")

    url = (await public.get(f"{API}/presigned/{DIRECTORY}/model.bin")).json()["url"]

    assert urlsplit(url).netloc == "s3.example.test:9000"
    assert urlsplit(url).scheme == "http"


# Multipart uploads


async def test_mpu_create_answers_an_upload_id_and_a_url_per_part(
    delegating: httpx.AsyncClient,
) -> None:
    created = await _create(delegating, num_parts=3)

    assert created["upload_id"]
    credentials = created["credentials"]
    assert [c["part_number"] for c in credentials] == [1, 2, 3]
    for number, credential in enumerate(credentials, start=1):
        query = parse_qs(urlsplit(credential["url"]).query)
        assert query["uploadId"] == [created["upload_id"]]
        assert query["partNumber"] == [str(number)]
        assert credential["headers"] == {}


async def test_parts_put_to_their_urls_then_completed_make_the_object(
    delegating: httpx.AsyncClient, s3: Any, s3_bucket: str
) -> None:
    parts = [bytes([7]) * (5 * MiB), b"the tail"]  # all parts but the last are >= 5 MiB
    created = await _create(delegating, num_parts=len(parts))
    etags = [
        await _put_part(credential["url"], part)
        for credential, part in zip(created["credentials"], parts, strict=True)
    ]

    response = await _mpu(
        delegating,
        "complete",
        {
            "path": "/home/me/model.bin",
            "upload_id": created["upload_id"],
            "parts": [
                {"part_number": number, "etag": etag, "url": "ignored"}
                for number, etag in enumerate(etags, start=1)
            ],
        },
    )

    assert response.status_code == 200
    assert response.json() == {}
    stored = s3.get_object(Bucket=s3_bucket, Key=_key(f"{DIRECTORY}/model.bin"))["Body"].read()
    assert stored == b"".join(parts)
    assert _pending_uploads(s3, s3_bucket) == []


async def test_the_file_is_named_by_the_last_segment_of_a_windows_local_path(
    delegating: httpx.AsyncClient, s3: Any, s3_bucket: str
) -> None:
    response = await _mpu(
        delegating, "create", {"path": "C:\\Users\\me\\model.bin", "num_parts": 1}
    )

    assert response.status_code == 200
    keys = [upload["Key"] for upload in _pending_uploads(s3, s3_bucket)]
    assert keys == [_key(f"{DIRECTORY}/model.bin")]


async def test_abort_leaves_no_pending_upload(
    delegating: httpx.AsyncClient, s3: Any, s3_bucket: str
) -> None:
    created = await _create(delegating, num_parts=2)
    await _put_part(created["credentials"][0]["url"], b"a part that will be dropped")

    response = await _mpu(
        delegating, "abort", {"path": "/home/me/model.bin", "upload_id": created["upload_id"]}
    )

    assert response.status_code == 200
    assert response.json() == {}
    assert _pending_uploads(s3, s3_bucket) == []
    assert _object_keys(s3, s3_bucket) == []


async def test_completing_with_a_wrong_etag_is_refused_and_makes_nothing(
    delegating: httpx.AsyncClient, s3: Any, s3_bucket: str
) -> None:
    created = await _create(delegating, num_parts=1)
    await _put_part(created["credentials"][0]["url"], b"data")

    response = await _mpu(
        delegating,
        "complete",
        {
            "path": "model.bin",
            "upload_id": created["upload_id"],
            "parts": [{"part_number": 1, "etag": '"0000000000000000000000000000dead"'}],
        },
    )

    _assert_invalid(response)
    assert _object_keys(s3, s3_bucket) == []


# Invalid bodies


INVALID_BODIES: dict[str, tuple[str, bytes]] = {
    "malformed JSON": ("create", b'{"path": "model.bin", "num_parts": '),
    "empty body": ("create", b""),
    "not an object": ("create", b'["model.bin", 2]'),
    "create without path": ("create", b'{"num_parts": 2}'),
    "empty path": ("create", b'{"path": "", "num_parts": 2}'),
    "path not a string": ("create", b'{"path": 5, "num_parts": 2}'),
    "num_parts not an integer": ("create", b'{"path": "model.bin", "num_parts": "many"}'),
    "num_parts a boolean": ("create", b'{"path": "model.bin", "num_parts": true}'),
    "num_parts a float": ("create", b'{"path": "model.bin", "num_parts": 2.5}'),
    "no parts at all": ("create", b'{"path": "model.bin", "num_parts": 0}'),
    "more parts than S3 allows": ("create", b'{"path": "model.bin", "num_parts": 10001}'),
    "complete without parts": ("complete", b'{"path": "model.bin", "upload_id": "u"}'),
    "complete with empty parts": ("complete", b'{"path": "m", "upload_id": "u", "parts": []}'),
    "parts not a list": ("complete", b'{"path": "m", "upload_id": "u", "parts": "1"}'),
    "part_number a string": (
        "complete",
        b'{"path": "m", "upload_id": "u", "parts": [{"part_number": "1", "etag": "e"}]}',
    ),
    "part_number zero": (
        "complete",
        b'{"path": "m", "upload_id": "u", "parts": [{"part_number": 0, "etag": "e"}]}',
    ),
    "part without etag": (
        "complete",
        b'{"path": "m", "upload_id": "u", "parts": [{"part_number": 1}]}',
    ),
    "complete without upload_id": (
        "complete",
        b'{"path": "m", "parts": [{"part_number": 1, "etag": "e"}]}',
    ),
    "upload_id not a string": (
        "complete",
        b'{"path": "m", "upload_id": 7, "parts": [{"part_number": 1, "etag": "e"}]}',
    ),
    "abort without upload_id": ("abort", b'{"path": "model.bin"}'),
    "abort without path": ("abort", b'{"upload_id": "u"}'),
}


@pytest.mark.parametrize(("action", "body"), INVALID_BODIES.values(), ids=INVALID_BODIES.keys())
async def test_an_invalid_mpu_body_is_invalid_parameter_value(
    delegating: httpx.AsyncClient, s3: Any, s3_bucket: str, action: str, body: bytes
) -> None:
    response = await delegating.post(
        f"{API}/mpu/{action}/{DIRECTORY}",
        content=body,
        headers={"Content-Type": "application/json"},
    )

    _assert_invalid(response)
    assert _pending_uploads(s3, s3_bucket) == []


def _oversized_chunks() -> Iterator[bytes]:
    """A valid completion listing more parts than fit in MAX_BODY."""
    yield b'{"path": "model.bin", "upload_id": "u", "parts": ['
    part = json.dumps({"part_number": 1, "etag": "e" * 1000}).encode() + b","
    for _ in range(MAX_BODY // len(part) + 1):
        yield part
    yield b'{"part_number": 1, "etag": "e"}]}'


async def _streamed(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_an_oversized_mpu_body_is_refused(
    delegating: httpx.AsyncClient, declared: bool
) -> None:
    body = b"".join(_oversized_chunks())
    assert len(body) > MAX_BODY
    content: bytes | AsyncIterator[bytes] = body if declared else _streamed(_oversized_chunks())

    response = await delegating.post(f"{API}/mpu/complete/{DIRECTORY}", content=content)

    _assert_invalid(response)
    assert "at most" in response.json()["message"]


# Traversal (CVE-2023-6730, CVE-2024-1560 and their kin, on the presigned and mpu routes)


TRAVERSALS = [
    "%252e%252e%252f%252e%252e%252fetc/passwd",
    "%2e%2e%2f%2e%2e%2fetc/passwd",
    "..%2f..%2fetc/passwd",
    "1/run/artifacts/%2e%2e/%2e%2e/other/artifacts",
    "a%5c..%5c..%5cetc",
    "a%23/%2e%2e/b",
    "a%3f/%2e%2e/b",
    "%2fetc/passwd",
    "C:%5cwindows",
    "a%00b",
]


@pytest.mark.parametrize("path", TRAVERSALS)
async def test_presigning_a_traversing_path_is_refused(
    delegating: httpx.AsyncClient, path: str
) -> None:
    _assert_invalid(await delegating.get(f"{API}/presigned/{path}"))


@pytest.mark.parametrize("path", TRAVERSALS)
@pytest.mark.parametrize("action", VALID_BODIES)
async def test_mpu_to_a_traversing_path_is_refused_and_starts_nothing(
    delegating: httpx.AsyncClient, s3: Any, s3_bucket: str, action: str, path: str
) -> None:
    response = await delegating.post(f"{API}/mpu/{action}/{path}", json=VALID_BODIES[action])

    _assert_invalid(response)
    assert _pending_uploads(s3, s3_bucket) == []


@pytest.mark.parametrize("name", ["..", "%2e%2e", "%252e%252e", "a%2f..%2f..%2fx", "\\..\\..\\"])
async def test_a_traversing_file_name_in_the_body_is_refused(
    delegating: httpx.AsyncClient, s3: Any, s3_bucket: str, name: str
) -> None:
    response = await _mpu(delegating, "create", {"path": name, "num_parts": 1})

    _assert_invalid(response)
    assert _pending_uploads(s3, s3_bucket) == []


async def test_mpu_part_urls_are_signed_for_the_public_endpoint(
    public: httpx.AsyncClient,
) -> None:
    created = await _create(public, num_parts=2)

    hosts = {urlsplit(c["url"]).netloc for c in created["credentials"]}
    assert hosts == {"s3.example.test:9000"}
