"""`helm test` for a Berth release: the mlflow client logs a run with an artifact (or, in
artifactsOnly mode, moves an artifact) through the release's URL and reads it back.

Environment: MLFLOW_TRACKING_URI (the release's URL) and BERTH_MODE (direct, proxied,
artifactsOnly); in direct mode the S3 settings and credentials the client writes with.
"""

import os
import tempfile
import uuid
from pathlib import Path

import mlflow
from mlflow.tracking import MlflowClient

URI = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
MODE = os.environ["BERTH_MODE"]


def artifacts_only() -> None:
    from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository

    root = f"{URI}/api/2.0/mlflow-artifacts/artifacts/helm-test/{uuid.uuid4().hex}"
    repository = HttpArtifactRepository(root)
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory, "hello.txt")
        source.write_text("hello from helm test")
        repository.log_artifact(str(source))
        listed = [entry.path for entry in repository.list_artifacts()]
        assert listed == ["hello.txt"], listed
        target = Path(directory, "out")
        target.mkdir()
        copy = repository.download_artifacts("hello.txt", str(target))
        assert Path(copy).read_text() == "hello from helm test"
    print(f"artifactsOnly: uploaded, listed and downloaded an artifact through {URI}")


def tracking() -> None:
    mlflow.set_tracking_uri(URI)
    mlflow.set_experiment(f"helm-test-{uuid.uuid4().hex[:8]}")
    with mlflow.start_run() as run:
        mlflow.log_param("p", "1")
        mlflow.log_metric("m", 0.5)
        mlflow.log_text("hello from helm test", "hello.txt")
    expected = "mlflow-artifacts:" if MODE == "proxied" else "s3://"
    assert run.info.artifact_uri.startswith(expected), run.info.artifact_uri
    text = mlflow.artifacts.load_text(f"{run.info.artifact_uri}/hello.txt")
    assert text == "hello from helm test", text
    stored = MlflowClient().get_run(run.info.run_id)
    assert stored.data.params == {"p": "1"}, stored.data.params
    assert stored.data.metrics == {"m": 0.5}, stored.data.metrics
    print(f"{MODE}: run {run.info.run_id} logged and read back through {URI}")


if __name__ == "__main__":
    artifacts_only() if MODE == "artifactsOnly" else tracking()
