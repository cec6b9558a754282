"""``berth server`` and ``berth artifacts`` as processes: an artifact mode that cannot work stops
the process before it listens (exit 2, saying why); one that can starts and reports itself.

Each test runs ``python -m berth`` with an environment of its own: no ``BERTH_*`` or
``MLFLOW_*`` variables, no ambient AWS configuration (credentials only where a test passes
them, no shared files, no instance metadata), so what the process finds is what the test gave.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.s3 import REGION, S3Server
from tests.fixtures.services import free_port, serving

START_TIMEOUT = 60.0
"""Seconds a server may take to answer /health, or to give up on its store and exit."""


def _environment(tmp_path: Path, credentials: S3Server | None = None) -> dict[str, str]:
    """The test process's environment without Berth's, MLflow's or AWS's settings, with the
    standard AWS variables for ``credentials`` when given."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("BERTH_", "MLFLOW_", "AWS_"))
    }
    env.update(
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
        AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_DEFAULT_REGION=REGION,
    )
    if credentials is not None:
        env.update(
            AWS_ACCESS_KEY_ID=credentials.access_key_id,
            AWS_SECRET_ACCESS_KEY=credentials.secret_access_key,
        )
    return env


def _command(mode: str, tmp_path: Path, *flags: str) -> list[str]:
    """``python -m berth <mode>`` on a free port (and a SQLite database for ``server``)."""
    command = [sys.executable, "-m", "berth", mode, "--port", str(free_port())]
    command += ["--grpc-port", str(free_port())]
    if mode == "server":
        command += ["--backend-store-uri", f"sqlite:///{tmp_path / 'mlflow.db'}"]
    return [*command, *flags]


def _refused_start(
    mode: str, tmp_path: Path, env: dict[str, str], *flags: str
) -> subprocess.CompletedProcess[str]:
    """Run a server expected to exit before listening."""
    return subprocess.run(
        _command(mode, tmp_path, *flags),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )


def _running(
    mode: str, tmp_path: Path, env: dict[str, str], *flags: str
) -> AbstractContextManager[str]:
    """A server expected to start; yields its URL once /health answers, stops it after."""
    command = _command(mode, tmp_path, *flags)
    url = f"http://127.0.0.1:{command[command.index('--port') + 1]}"
    log = tmp_path / f"{mode}.log"
    return serving(command, url, cwd=tmp_path, env=env, log=log, timeout=START_TIMEOUT)


def _server_info(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/api/2.0/berth/server-info", timeout=10) as response:
        info: dict[str, Any] = json.load(response)
    return info


# Refused starts: exit 2, saying why, before listening


@pytest.mark.parametrize(
    ("mode", "mode_name"), [("server", "proxied"), ("artifacts", "artifacts-only")]
)
def test_missing_bucket_stops_the_start_naming_the_bucket(
    mode: str, mode_name: str, s3_server: S3Server, tmp_path: Path
) -> None:
    result = _refused_start(
        mode,
        tmp_path,
        _environment(tmp_path, s3_server),
        "--artifacts-destination", "s3://berth-test-no-such-bucket/mlartifacts",
        "--s3-endpoint-url", s3_server.endpoint_url,
    )  # fmt: skip

    assert result.returncode == 2, result.stderr
    assert f"berth: cannot start in {mode_name} mode:" in result.stderr
    assert "bucket 'berth-test-no-such-bucket' does not exist" in result.stderr


def test_missing_bucket_of_the_direct_artifact_root_stops_the_start(
    s3_server: S3Server, tmp_path: Path
) -> None:
    result = _refused_start(
        "server",
        tmp_path,
        _environment(tmp_path, s3_server),
        "--no-serve-artifacts",
        "--default-artifact-root", "s3://berth-test-no-such-bucket/path",
        "--s3-endpoint-url", s3_server.endpoint_url,
    )  # fmt: skip

    assert result.returncode == 2, result.stderr
    assert "berth: cannot start in direct mode:" in result.stderr
    assert "bucket 'berth-test-no-such-bucket' does not exist" in result.stderr


def test_unreachable_endpoint_stops_the_start(s3_server: S3Server, tmp_path: Path) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"  # released: nothing listens there

    result = _refused_start(
        "server",
        tmp_path,
        _environment(tmp_path, s3_server),
        "--artifacts-destination", "s3://bucket/mlartifacts",
        "--s3-endpoint-url", endpoint,
    )  # fmt: skip

    assert result.returncode == 2, result.stderr
    assert "berth: cannot start in proxied mode:" in result.stderr
    assert f"the S3 endpoint {endpoint} is unreachable" in result.stderr


def test_no_credentials_stops_the_start(
    s3_server: S3Server, module_s3_bucket: str, tmp_path: Path
) -> None:
    result = _refused_start(
        "artifacts",
        tmp_path,
        _environment(tmp_path, credentials=None),
        "--artifacts-destination", f"s3://{module_s3_bucket}/mlartifacts",
        "--s3-endpoint-url", s3_server.endpoint_url,
    )  # fmt: skip

    assert result.returncode == 2, result.stderr
    assert "berth: cannot start in artifacts-only mode:" in result.stderr
    assert "no credentials found" in result.stderr


@pytest.mark.parametrize(
    ("mode", "mode_name"), [("server", "proxied"), ("artifacts", "artifacts-only")]
)
def test_presigned_delegation_on_a_local_store_stops_the_start(
    mode: str, mode_name: str, tmp_path: Path
) -> None:
    result = _refused_start(
        mode,
        tmp_path,
        _environment(tmp_path),
        "--artifacts-destination", str(tmp_path / "mlartifacts"),
        "--artifacts-delegation", "presigned",
    )  # fmt: skip

    assert result.returncode == 2, result.stderr
    assert f"berth: cannot start in {mode_name} mode:" in result.stderr
    assert "Presigned delegation needs a store that can presign URLs" in result.stderr


def test_refused_start_prints_no_traceback(s3_server: S3Server, tmp_path: Path) -> None:
    result = _refused_start(
        "server",
        tmp_path,
        _environment(tmp_path, s3_server),
        "--artifacts-destination", "s3://bucket/mlartifacts",
        "--s3-endpoint-url", "not a url",
    )  # fmt: skip

    assert result.returncode == 2, result.stderr
    assert "berth: cannot start in proxied mode:" in result.stderr
    assert "Traceback" not in result.stderr


# Valid S3 configurations: the server starts and reports its mode


def test_proxied_server_on_s3_reports_its_mode_and_delegation(
    s3_server: S3Server, module_s3_bucket: str, tmp_path: Path
) -> None:
    flags = (
        "--artifacts-destination", f"s3://{module_s3_bucket}/proxied",
        "--s3-endpoint-url", s3_server.endpoint_url,
        "--artifacts-delegation", "presigned",
    )  # fmt: skip

    with _running("server", tmp_path, _environment(tmp_path, s3_server), *flags) as url:
        info = _server_info(url)

    assert info["artifacts_mode"] == "proxied"
    assert info["artifacts_delegation"] == "presigned"
    assert info["default_artifact_root"] == "mlflow-artifacts:/"


def test_direct_server_on_s3_reports_its_mode_and_root(
    s3_server: S3Server, module_s3_bucket: str, tmp_path: Path
) -> None:
    root = f"s3://{module_s3_bucket}/direct"
    flags = (
        "--no-serve-artifacts",
        "--default-artifact-root", root,
        "--s3-endpoint-url", s3_server.endpoint_url,
    )  # fmt: skip

    with _running("server", tmp_path, _environment(tmp_path, s3_server), *flags) as url:
        info = _server_info(url)

    assert info["artifacts_mode"] == "direct"
    assert "artifacts_delegation" not in info  # clients write to the store themselves
    assert info["default_artifact_root"] == root
    assert info["services"] == ["tracking", "registry"]


def test_artifacts_only_server_on_s3_reports_its_mode_and_delegation(
    s3_server: S3Server, module_s3_bucket: str, tmp_path: Path
) -> None:
    flags = (
        "--artifacts-destination", f"s3://{module_s3_bucket}/shared",
        "--s3-endpoint-url", s3_server.endpoint_url,
    )  # fmt: skip

    with _running("artifacts", tmp_path, _environment(tmp_path, s3_server), *flags) as url:
        info = _server_info(url)

    assert info["artifacts_mode"] == "artifacts-only"
    assert info["artifacts_delegation"] == "off"
    assert info["services"] == ["artifacts"]
