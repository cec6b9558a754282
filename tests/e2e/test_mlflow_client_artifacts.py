"""The released client moves artifact bytes through berth server's proxy (the default mode)."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import mlflow
import pytest

# The released client warns from its own code (type-hint advice when logging models).
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def no_storage_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)


def test_runs_get_proxied_artifact_uris(client: mlflow.MlflowClient) -> None:
    experiment_id = client.create_experiment(f"proxied-{uuid.uuid4().hex[:8]}")
    run = client.create_run(experiment_id)

    assert run.info.artifact_uri == f"mlflow-artifacts:/{experiment_id}/{run.info.run_id}/artifacts"


def test_artifacts_round_trip_through_the_proxy(
    client: mlflow.MlflowClient, tmp_path: Path, no_storage_credentials: None
) -> None:
    source = tmp_path / "source"
    (source / "nested" / "deeper").mkdir(parents=True)
    (source / "nested" / "deeper" / "weights.bin").write_bytes(os.urandom(101 * 1024 * 1024))
    (source / "empty.txt").write_bytes(b"")
    (source / "with space é.txt").write_text("non-ascii name")
    mlflow.set_experiment(f"roundtrip-{uuid.uuid4().hex[:8]}")
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(source), artifact_path="bundle")

    target = Path(
        mlflow.artifacts.download_artifacts(
            run_id=run.info.run_id, artifact_path="bundle", dst_path=str(tmp_path / "copy")
        )
    )

    originals = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    copies = sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file())
    assert copies == originals
    for relative in originals:
        assert _digest(target / relative) == _digest(source / relative)


def test_a_logged_model_loads_back_through_the_proxy(
    client: mlflow.MlflowClient, no_storage_credentials: None
) -> None:
    sklearn = pytest.importorskip("sklearn.linear_model")
    import mlflow.sklearn

    mlflow.set_experiment(f"proxied-model-{uuid.uuid4().hex[:8]}")
    model = sklearn.LinearRegression().fit([[0.0], [1.0]], [0.0, 2.0])
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(model, name="model")

    logged = mlflow.get_logged_model(info.model_id)
    assert logged.artifact_location.startswith("mlflow-artifacts:/")
    loaded = mlflow.sklearn.load_model(info.model_uri)
    assert loaded.predict([[3.0]])[0] == pytest.approx(6.0)
