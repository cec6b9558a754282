"""deploy/local-check for each mode: the rendered chart's containers run as local processes
(PostgreSQL, moto's S3, a real nginx with the rendered gateway config) and the released
mlflow client works through the gateway URL, as does the web UI where tracking runs."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.chart.support import MODES, REPO
from tests.fixtures.services import missing_service

SCRIPT = REPO / "deploy" / "local-check" / "local_check.py"
NGINX_PATH = "/usr/sbin:/usr/local/sbin:/usr/bin"


@pytest.fixture(scope="session")
def nginx() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path=NGINX_PATH)
    if found is None:
        missing_service("nginx is not installed (apt-get install -y nginx); .ci/run installs it")
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("mode", MODES)
def test_the_rendered_chart_runs_locally_and_serves_the_mlflow_client(
    mode: str, postgres_server_url: str, nginx: str
) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--mode", mode, "--postgres-url", postgres_server_url],
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"local check passed: {mode}" in output
    assert "helm test pod:" in output
    web_ui_checks = ("web UI: / is the build's index.html", "web UI: the page of run")
    assert all((check in output) is (mode != "artifactsOnly") for check in web_ui_checks)
