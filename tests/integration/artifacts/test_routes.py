"""The mlflow-artifacts REST API over the local store: bytes in and out, safe paths."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from berth.app import create_app
from berth.artifacts.service import ArtifactService
from berth.config import Settings
from berth.db.migrate import upgrade

API = "/api/2.0/mlflow-artifacts"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        backend_store_uri=f"sqlite:///{tmp_path / 'berth.db'}",
        artifacts_destination=str(tmp_path / "store"),
    )
    await upgrade(settings.backend_store_uri)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as c:
            yield c


def _files_holding(root: Path, content: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.read_bytes() == content]


async def _put(client: httpx.AsyncClient, path: str, content: bytes) -> httpx.Response:
    return await client.put(f"{API}/artifacts/{path}", content=content)


async def test_upload_then_download_returns_the_same_bytes(client: httpx.AsyncClient) -> None:
    payload = bytes(range(256)) * 20_000
    assert (await _put(client, "1/run/artifacts/model.bin", payload)).json() == {}

    response = await client.get(f"{API}/artifacts/1/run/artifacts/model.bin")

    assert response.status_code == 200
    assert hashlib.sha256(response.content).digest() == hashlib.sha256(payload).digest()
    assert response.headers["content-length"] == str(len(payload))
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["accept-ranges"] == "bytes"


async def test_download_sets_the_content_type_from_the_name(client: httpx.AsyncClient) -> None:
    await _put(client, "r/notes.txt", b"hello")

    response = await client.get(f"{API}/artifacts/r/notes.txt")

    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("name", ["page.html", "image.svg", "data.xml", "code.js"])
async def test_download_serves_active_content_as_plain_text_attachments(
    client: httpx.AsyncClient, name: str
) -> None:
    await _put(client, f"r/{name}", b"<script>alert(1)</script>")

    response = await client.get(f"{API}/artifacts/r/{name}")

    assert response.headers["content-type"].split(";")[0] == "text/plain"
    assert response.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("header", "status", "body", "content_range"),
    [
        ("bytes=2-5", 206, b"2345", "bytes 2-5/10"),
        ("bytes=7-", 206, b"789", "bytes 7-9/10"),
        ("bytes=-3", 206, b"789", "bytes 7-9/10"),
        ("bytes=8-100", 206, b"89", "bytes 8-9/10"),
    ],
)
async def test_download_honours_a_range(
    client: httpx.AsyncClient, header: str, status: int, body: bytes, content_range: str
) -> None:
    await _put(client, "r/digits", b"0123456789")

    response = await client.get(f"{API}/artifacts/r/digits", headers={"Range": header})

    assert response.status_code == status
    assert response.content == body
    assert response.headers["content-range"] == content_range
    assert response.headers["content-length"] == str(len(body))


async def test_a_range_past_the_end_is_416(client: httpx.AsyncClient) -> None:
    await _put(client, "r/digits", b"0123456789")

    response = await client.get(f"{API}/artifacts/r/digits", headers={"Range": "bytes=10-"})

    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */10"


async def test_list_names_children_by_basename_with_sizes(client: httpx.AsyncClient) -> None:
    await _put(client, "e/r/artifacts/a.txt", b"abc")
    await _put(client, "e/r/artifacts/plots/loss.csv", b"1,2\n")
    await _put(client, "e/r/artifacts/empty", b"")

    response = await client.get(f"{API}/artifacts", params={"path": "e/r/artifacts"})

    assert response.json() == {
        "files": [
            {"path": "a.txt", "is_dir": False, "file_size": 3},
            {"path": "empty", "is_dir": False, "file_size": 0},
            {"path": "plots", "is_dir": True},
        ]
    }


async def test_listing_a_missing_directory_is_empty(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/artifacts", params={"path": "nothing/here"})

    assert response.status_code == 200
    assert response.json() == {}


async def test_names_with_spaces_and_non_ascii_round_trip(client: httpx.AsyncClient) -> None:
    await _put(client, "r/d%C3%A9j%C3%A0%20vu/r%C3%A9sum%C3%A9 1.txt", b"ok")

    listing = await client.get(f"{API}/artifacts", params={"path": "r/déjà vu"})
    download = await client.get(f"{API}/artifacts/r/d%C3%A9j%C3%A0%20vu/r%C3%A9sum%C3%A9 1.txt")

    assert listing.json()["files"][0]["path"] == "résumé 1.txt"
    assert download.content == b"ok"
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9%201.txt" in download.headers["content-disposition"]


async def test_delete_removes_a_directory_tree(client: httpx.AsyncClient) -> None:
    await _put(client, "r/artifacts/a/b.txt", b"x")

    assert (await client.delete(f"{API}/artifacts/r/artifacts")).json() == {}

    assert (await client.get(f"{API}/artifacts/r/artifacts/a/b.txt")).status_code == 404


async def test_downloading_a_missing_artifact_is_resource_does_not_exist(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(f"{API}/artifacts/r/missing.bin")

    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


async def test_the_ajax_prefix_serves_the_same_store(client: httpx.AsyncClient) -> None:
    await _put(client, "r/x", b"1")

    response = await client.get("/ajax-api/2.0/mlflow-artifacts/artifacts/r/x")

    assert response.content == b"1"


async def test_server_info_advertises_no_multipart_so_bytes_go_through_the_proxy(
    client: httpx.AsyncClient,
) -> None:
    info = (await client.get("/api/3.0/mlflow/server-info")).json()

    assert info["multipart_uploads_enabled"] is False
    assert info["multipart_downloads_enabled"] is False


TRAVERSALS = [
    "%252e%252e%252f%252e%252e%252fetc/passwd",  # CVE-2023-6730 / CVE-2024-1560
    "%2e%2e%2f%2e%2e%2fetc/passwd",
    "..%2f..%2fetc/passwd",
    "a%5c..%5c..%5cetc",  # backslash
    "a%23/%2e%2e/b",  # '#'
    "a%3f/%2e%2e/b",  # '?', CVE-2024-8859
    "%2fetc/passwd",  # absolute
    "C:%5cwindows",  # drive letter
    "a%00b",  # NUL
]


@pytest.mark.parametrize("path", TRAVERSALS)
async def test_read_traversal_is_refused(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(f"{API}/artifacts/{path}")

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


@pytest.mark.parametrize("path", TRAVERSALS)
async def test_write_traversal_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, path: str, tmp_path: Path
) -> None:
    response = await client.put(f"{API}/artifacts/{path}", content=b"pwned")

    assert response.status_code == 400
    assert _files_holding(tmp_path, b"pwned") == []


@pytest.mark.parametrize("path", TRAVERSALS)
async def test_delete_traversal_is_refused(client: httpx.AsyncClient, path: str) -> None:
    response = await client.delete(f"{API}/artifacts/{path}")

    assert response.status_code == 400


@pytest.mark.parametrize("path", ["../../etc", "%2e%2e/%2e%2e/etc", "%252e%252e%252fetc", "/etc"])
async def test_list_traversal_is_refused(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(f"{API}/artifacts", params={"path": path})

    assert response.status_code == 400


async def test_an_unexpected_failure_is_mlflows_internal_error_json(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(*_args: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(ArtifactService, "list", fail)

    response = await client.get(f"{API}/artifacts", params={"path": "r"})

    assert response.status_code == 500
    assert response.json() == {
        "error_code": "INTERNAL_ERROR",
        "message": "Internal server error; see the log.",
    }


async def _body(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


@pytest.mark.parametrize(
    ("declared", "chunks"),
    [(10, (b"12345",)), (4, (b"123", b"45"))],
    ids=["ends-short", "runs-past"],
)
async def test_upload_whose_body_differs_from_its_content_length_is_refused_and_not_stored(
    client: httpx.AsyncClient, tmp_path: Path, declared: int, chunks: tuple[bytes, ...]
) -> None:
    response = await client.put(
        f"{API}/artifacts/r/model.bin",
        content=_body(*chunks),
        headers={"Content-Length": str(declared)},
    )

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert str(declared) in response.json()["message"]
    assert (await client.get(f"{API}/artifacts/r/model.bin")).status_code == 404
    assert _files_holding(tmp_path / "store", b"12345") == []
