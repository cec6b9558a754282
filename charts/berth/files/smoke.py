"""`helm test` for a Berth release: the mlflow client logs a run with an artifact (or, in
artifactsOnly mode, moves an artifact) through the release's URL and reads it back; where the
release serves the web UI, that URL opens it and the run's page gets the run.

Environment: MLFLOW_TRACKING_URI (the release's URL), BERTH_MODE (direct, proxied,
artifactsOnly) and BERTH_UI (true: the tracking pods serve the web UI, ui.enabled); in direct
mode the S3 settings and credentials the client writes with.
"""

import json
import os
import re
import tempfile
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import mlflow
from mlflow.tracking import MlflowClient

URI = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
MODE = os.environ["BERTH_MODE"]
UI = os.environ.get("BERTH_UI", "true") == "true"
# The UI's page loads its code from here (index.html names the hashed bundle).
BUNDLE = re.compile(r'src="\.?/?(static-files/static/js/main\.[0-9a-f]+\.js)"')
# What the run page asks first, in MLflow's GraphQL schema.
GET_RUN = (
    "query GetRun($id: String!) "
    "{ mlflowGetRun(input: {runId: $id}) { run { info { runId runName } } } }"
)


def get(path: str) -> tuple[int, str]:
    """The status and body of GET ``path`` on the release's URL, errors included."""
    try:
        with urllib.request.urlopen(f"{URI}{path}", timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


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
    status, _ = get("/")
    assert status == 404, f"/ answered {status}: an artifacts-only release serves no UI"
    print("artifactsOnly: / answers 404, no web UI without tracking")


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
    if UI:
        web_ui()
    run_page(run.info.run_id, stored.info.run_name)


def web_ui() -> None:
    """/ is the UI's page, and the code it names loads from /static-files/."""
    status, page = get("/")
    assert status == 200, f"/ answered {status}: {page[:200]}"
    assert "<title>MLflow</title>" in page, f"/ is not MLflow's UI: {page[:200]}"
    bundle = BUNDLE.search(page)
    assert bundle, f"index.html names no bundle: {page[:300]}"
    status, _ = get(f"/{bundle[1]}")
    assert status == 200, f"/{bundle[1]} answered {status}"
    print(f"{MODE}: the web UI opens at {URI}/ and its code loads from /{bundle[1]}")


def run_page(run_id: str, run_name: str) -> None:
    """The run page (/#/experiments/<id>/runs/<run>) is the UI's page plus its API calls,
    first this GraphQL query (/graphql is served with the UI on or off)."""
    body = json.dumps({"query": GET_RUN, "variables": {"id": run_id}}).encode()
    request = urllib.request.Request(
        f"{URI}/graphql", body, {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    info = (((answer.get("data") or {}).get("mlflowGetRun") or {}).get("run") or {}).get("info")
    assert info == {"runId": run_id, "runName": run_name}, answer
    print(f"{MODE}: the run page's GraphQL query returns run {run_id} ({run_name})")


if __name__ == "__main__":
    artifacts_only() if MODE == "artifactsOnly" else tracking()
