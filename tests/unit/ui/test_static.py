"""The web UI as ``berth server`` serves it from a build folder: the page at ``/``, the build's
files under ``/static-files/`` with cache headers by kind, nothing outside the build, and
MLflow's JSON 404 at ``/`` when the UI is off or has no build."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

import berth
from berth.app import create_app
from berth.config import Settings
from berth.ui import static

INDEX = b"<!doctype html><title>MLflow</title>"
ASSET = "static/js/main.c2f5f8d4.js"
SECRET = "not for clients"
NOT_FOUND = {"error_code": "ENDPOINT_NOT_FOUND", "message": "No API endpoint at this path."}


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A tiny build shaped like MLflow's, with a secret file beside it."""
    build = tmp_path / "build"
    (build / "static" / "js").mkdir(parents=True)
    (build / "index.html").write_bytes(INDEX)
    (build / ASSET).write_text("console.log('ui')")
    (build / "static" / "js" / "index.f6d03137.cjs").write_text("module.exports = 1")
    (build / "manifest.json").write_text("{}")
    (tmp_path / "secret.txt").write_text(SECRET)
    return build


def settings_for(tmp_path: Path, **fields: Any) -> Settings:
    return Settings(
        backend_store_uri=f"sqlite:///{tmp_path / 'berth.db'}",
        artifacts_destination=str(tmp_path / "artifacts"),
        **fields,
    )


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client talking to ``app`` in process (no lifespan: the UI needs no database)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client


@pytest.fixture
async def ui(tmp_path: Path, build: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(create_app(settings_for(tmp_path, ui_dir=build))) as client:
        yield client


async def test_the_root_answers_the_build_s_page_revalidated_on_every_load(
    ui: httpx.AsyncClient,
) -> None:
    response = await ui.get("/")

    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/static-files/", "/static-files/index.html"])
async def test_the_page_is_also_served_under_static_files(ui: httpx.AsyncClient, path: str) -> None:
    response = await ui.get(path)

    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_cached_for_good(ui: httpx.AsyncClient) -> None:
    response = await ui.get(f"/static-files/{ASSET}")

    assert response.status_code == 200
    assert response.text == "console.log('ui')"
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_files_outside_the_hashed_folder_are_cached_for_an_hour(
    ui: httpx.AsyncClient,
) -> None:
    response = await ui.get("/static-files/manifest.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "public, max-age=3600"


async def test_commonjs_scripts_are_served_as_javascript(ui: httpx.AsyncClient) -> None:
    response = await ui.get("/static-files/static/js/index.f6d03137.cjs")

    assert response.headers["content-type"].startswith("text/javascript")


async def test_ui_responses_refuse_sniffing_and_framing_by_other_sites(
    ui: httpx.AsyncClient,
) -> None:
    response = await ui.get("/")

    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


@pytest.mark.parametrize("path", ["/", f"/static-files/{ASSET}"])
async def test_head_answers_the_headers_without_the_body(ui: httpx.AsyncClient, path: str) -> None:
    full = await ui.get(path)
    response = await ui.head(path)

    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == full.headers["content-length"]


async def test_a_browser_holding_the_asset_is_told_it_has_not_changed(
    ui: httpx.AsyncClient,
) -> None:
    first = await ui.get(f"/static-files/{ASSET}")
    again = await ui.get(f"/static-files/{ASSET}", headers={"if-none-match": first.headers["etag"]})

    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/static-files/%2e%2e/secret.txt",
        "/static-files/static/%2e%2e/%2e%2e/secret.txt",
        "/static-files/%2e%2e%2fsecret.txt",
        "/static-files/..%5csecret.txt",
        "/static-files/%2F..%2Fsecret.txt",
        f"/static-files/{'%2e%2e/' * 12}etc/passwd",
        "/static-files//etc/passwd",
        "/static-files/%00",
    ],
)
async def test_paths_leading_outside_the_build_are_refused(
    ui: httpx.AsyncClient, path: str
) -> None:
    response = await ui.get(path)

    assert response.status_code in (400, 404)
    assert set(response.json()) == {"error_code", "message"}
    assert SECRET not in response.text


async def test_a_file_missing_from_the_build_answers_mlflow_s_404(
    ui: httpx.AsyncClient,
) -> None:
    response = await ui.get("/static-files/static/js/gone.js")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


async def test_with_the_ui_off_the_root_answers_mlflow_s_404(tmp_path: Path, build: Path) -> None:
    async with serving(create_app(settings_for(tmp_path, ui=False, ui_dir=build))) as client:
        root = await client.get("/")
        asset = await client.get(f"/static-files/{ASSET}")

    assert (root.status_code, root.json()) == (404, NOT_FOUND)
    assert asset.status_code == 404


async def test_without_a_build_the_root_answers_mlflow_s_404(tmp_path: Path) -> None:
    empty = tmp_path / "no-build"
    empty.mkdir()

    async with serving(create_app(settings_for(tmp_path, ui_dir=empty))) as client:
        response = await client.get("/")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


async def test_the_registry_alone_serves_no_ui(tmp_path: Path, build: Path) -> None:
    app = create_app(settings_for(tmp_path, registry_only=True, ui_dir=build))

    async with serving(app) as client:
        response = await client.get("/")

    assert response.status_code == 404


async def test_the_ui_shadows_no_api_route(tmp_path: Path, build: Path) -> None:
    app = create_app(settings_for(tmp_path, ui_dir=build))
    paths = [getattr(route, "path", "") for route in app.routes]

    async with serving(app) as client:
        version = await client.get("/version")

    assert paths[-2:] == ["/", "/static-files"]
    assert not {"/", "/static-files"} & set(paths[:-2])
    assert version.text == berth.__version__


def test_without_a_build_start_up_warns_how_to_get_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    empty = tmp_path / "no-build"

    with caplog.at_level(logging.INFO, logger="berth"):
        static.announce(settings_for(tmp_path, ui_dir=empty), "http://127.0.0.1:5000")

    [record] = caplog.records
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert str(empty) in message
    assert "the API works" in message
    for advice in ("make run", "python -m berth.ui.fetch", "--ui-dir", "--no-ui"):
        assert advice in message


def test_with_a_build_start_up_says_where_it_is_served_from(
    tmp_path: Path, build: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="berth"):
        static.announce(settings_for(tmp_path, ui_dir=build), "http://127.0.0.1:5000")

    [record] = caplog.records
    assert record.levelno == logging.INFO
    assert record.getMessage() == f"Web UI on http://127.0.0.1:5000/ (build in {build})"


def test_with_the_ui_off_start_up_says_nothing_about_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="berth"):
        static.announce(settings_for(tmp_path, ui=False), "http://127.0.0.1:5000")

    assert caplog.records == []
