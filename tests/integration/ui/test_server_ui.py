"""``berth server`` as a process: ``--ui-dir`` and ``BERTH_UI`` decide what ``/`` answers,
and the start-up log says where the UI comes from, or that there is none and how to get it.

Each server runs with no ``BERTH_*`` variables of the test process and its cache in
``tmp_path``, so the build it finds is the one the test gave it.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fixtures.services import free_port, serving

INDEX = b"<!doctype html><title>MLflow</title>"


@pytest.fixture
def build(tmp_path: Path) -> Path:
    build = tmp_path / "build"
    build.mkdir()
    (build / "index.html").write_bytes(INDEX)
    return build


@contextmanager
def berth_server(tmp_path: Path, *flags: str, **env: str) -> Iterator[tuple[str, Path]]:
    """``berth server`` with ``flags`` and ``env``; yields its URL and its log file."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BERTH_")}
    environment.update(XDG_CACHE_HOME=str(tmp_path / "cache"), BERTH_GRPC_PORT="0", **env)
    command = [sys.executable, "-m", "berth", "server", "--port", str(port)]
    command += ["--backend-store-uri", f"sqlite:///{tmp_path / 'berth.db'}", *flags]
    log = tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}"
    with serving(command, url, cwd=tmp_path, env=environment, log=log):
        yield url, log


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_ui_dir_makes_the_root_answer_that_build(tmp_path: Path, build: Path) -> None:
    with berth_server(tmp_path, "--ui-dir", str(build)) as (url, log):
        status, body = get(f"{url}/")

    assert (status, body) == (200, INDEX)
    assert f"Web UI on {url}/ (build in {build})" in log.read_text()


def test_berth_ui_false_serves_no_ui_and_says_nothing_about_it(tmp_path: Path, build: Path) -> None:
    with berth_server(tmp_path, BERTH_UI="false", BERTH_UI_DIR=str(build)) as (url, log):
        status, body = get(f"{url}/")

    assert status == 404
    assert json.loads(body)["error_code"] == "ENDPOINT_NOT_FOUND"
    assert "Web UI" not in log.read_text()
    assert "No web UI build" not in log.read_text()


def test_without_a_build_the_api_starts_and_the_log_says_how_to_get_one(tmp_path: Path) -> None:
    with berth_server(tmp_path) as (url, log):
        root_status, _ = get(f"{url}/")
        api_status, _ = get(f"{url}/api/2.0/mlflow/experiments/get?experiment_id=0")

    assert (root_status, api_status) == (404, 200)
    [warning] = [line for line in log.read_text().splitlines() if "No web UI build" in line]
    assert str(tmp_path / "cache" / "berth" / "mlflow-ui") in warning
    assert "python -m berth.ui.fetch" in warning
