"""A tracking server whose artifact root is a separate artifacts-only Berth."""

from __future__ import annotations

import uuid
from pathlib import Path

import mlflow
import pytest
import requests

from tests.e2e.conftest import running_berth


def test_client_artifacts_land_in_the_artifacts_only_server(
    sqlite_database_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "artifacts").mkdir()
    (tmp_path / "tracking").mkdir()
    with running_berth(sqlite_database_uri, tmp_path / "artifacts", "--artifacts-only") as store:
        root = store.replace("http://", "mlflow-artifacts://") + "/"
        flags = ("--no-serve-artifacts", "--default-artifact-root", root)
        with running_berth(sqlite_database_uri, tmp_path / "tracking", *flags) as tracking:
            monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking)
            mlflow.set_tracking_uri(tracking)
            mlflow.set_experiment(f"split-{uuid.uuid4().hex[:8]}")
            with mlflow.start_run() as run:
                mlflow.log_text("stored elsewhere", "notes.txt")
            text = mlflow.artifacts.load_text(f"{run.info.artifact_uri}/notes.txt")
            refused = requests.post(f"{store}/api/2.0/mlflow/experiments/create", timeout=10)

    assert run.info.artifact_uri.startswith(root)
    assert text == "stored elsewhere"
    assert list((tmp_path / "artifacts" / "mlartifacts").rglob("notes.txt"))
    assert refused.status_code == 404
