"""The data scientist's side of the local check: the released mlflow client, unmodified,
through the gateway URL in MLFLOW_TRACKING_URI.

    python client.py direct|proxied|artifactsOnly

Prints one ``ok:`` line per step and exits non-zero at the first failure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.request
import uuid
from pathlib import Path

URI = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
PAYLOAD_BYTES = 3 * 1024 * 1024 + 17


def ok(message: str) -> None:
    print(f"ok: {message}", flush=True)


def payload(directory: Path) -> tuple[Path, str]:
    path = directory / "weights.bin"
    path.write_bytes(os.urandom(PAYLOAD_BYTES))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tracking(mode: str) -> None:
    import mlflow
    import numpy as np
    from mlflow.tracking import MlflowClient
    from sklearn.linear_model import LogisticRegression

    mlflow.set_tracking_uri(URI)
    mlflow.set_experiment(f"local-check-{uuid.uuid4().hex[:8]}")
    features = np.array([[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.2]])
    labels = np.array([0, 1, 0, 1])
    with tempfile.TemporaryDirectory() as scratch:
        weights, checksum = payload(Path(scratch))
        with mlflow.start_run() as run:
            mlflow.log_params({"C": 1.0, "solver": "lbfgs"})
            for step in range(5):
                mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
            mlflow.log_artifact(str(weights), "blobs")
            model = LogisticRegression().fit(features, labels)
            info = mlflow.sklearn.log_model(model, name="model")
        ok(f"logged run {run.info.run_id} with params, metrics, a file and a model")

        scheme = "mlflow-artifacts:" if mode == "proxied" else "s3://"
        assert run.info.artifact_uri.startswith(scheme), run.info.artifact_uri
        ok(f"run artifact URI is {run.info.artifact_uri}")

        stored = MlflowClient().get_run(run.info.run_id)
        assert stored.data.params == {"C": "1.0", "solver": "lbfgs"}, stored.data.params
        assert stored.data.metrics == {"loss": 0.2}, stored.data.metrics
        ok("params and latest metric read back")

        copy = mlflow.artifacts.download_artifacts(
            run_id=run.info.run_id, artifact_path="blobs/weights.bin", dst_path=scratch + "/dl"
        )
        assert digest(copy) == checksum
        ok(f"{PAYLOAD_BYTES} bytes downloaded with the same checksum")

        name = f"local-check-{uuid.uuid4().hex[:8]}"
        version = mlflow.register_model(info.model_uri, name)
        loaded = mlflow.pyfunc.load_model(f"models:/{name}/{version.version}")
        ok(f"registered model {name} version {version.version}")
        predictions = list(loaded.predict(features))
        assert predictions == list(model.predict(features)), predictions
        ok("loaded model predicts as the trained one")


def artifacts_only() -> None:
    from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository

    root = f"{URI}/api/2.0/mlflow-artifacts/artifacts/team-a/{uuid.uuid4().hex}"
    repository = HttpArtifactRepository(root)
    with tempfile.TemporaryDirectory() as scratch:
        weights, checksum = payload(Path(scratch))
        repository.log_artifact(str(weights), "blobs")
        listed = [entry.path for entry in repository.list_artifacts("blobs")]
        assert listed == ["blobs/weights.bin"], listed
        target = Path(scratch, "dl")
        target.mkdir()
        copy = repository.download_artifacts("blobs/weights.bin", str(target))
        assert digest(copy) == checksum
    ok(f"uploaded, listed and downloaded {PAYLOAD_BYTES} bytes through the gateway")

    request = urllib.request.Request(f"{URI}/api/2.0/mlflow/experiments/search?max_results=1")
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as exc:
        body = json.loads(exc.read())
        if (exc.code, body["error_code"]) != (404, "ENDPOINT_NOT_FOUND"):
            raise AssertionError(f"unexpected answer {exc.code}: {body}") from exc
    else:
        raise AssertionError("an artifacts-only release answered a tracking request")
    ok("tracking requests are refused: this release is artifacts-only")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["direct", "proxied", "artifactsOnly"])
    args = parser.parse_args()
    if args.mode == "artifactsOnly":
        artifacts_only()
    else:
        tracking(args.mode)


if __name__ == "__main__":
    main()
