"""The UI's own endpoints meeting what the released mlflow client wrote and reads: datasets the
client logged are found by search-datasets, histories it logged by get-history-bulk, a file the
UI uploads is downloaded by the client, and a logged model's file is served to the UI."""

from __future__ import annotations

import uuid
from pathlib import Path

import mlflow
import pandas as pd
import pytest
import requests
from mlflow.entities import Metric

# The released client warns from its own code (a pandas deprecation in dataset digests).
pytestmark = [
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]

AJAX = "/ajax-api/2.0/mlflow"


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_datasets_logged_by_the_client_are_found_by_search_datasets(
    client: mlflow.MlflowClient, berth_url: str
) -> None:
    experiment = mlflow.set_experiment(_name("ui-datasets"))
    dataset = mlflow.data.from_pandas(pd.DataFrame({"x": [1, 2]}), name="toy")
    with mlflow.start_run():
        mlflow.log_input(dataset, context="training")

    response = requests.post(
        f"{berth_url}{AJAX}/experiments/search-datasets",
        json={"experiment_ids": [experiment.experiment_id]},
        timeout=10,
    )

    assert response.status_code == 200
    assert response.json() == {
        "dataset_summaries": [
            {
                "experiment_id": experiment.experiment_id,
                "name": "toy",
                "digest": dataset.digest,
                "context": "training",
            }
        ]
    }


def test_histories_logged_by_the_client_are_read_in_bulk(
    client: mlflow.MlflowClient, berth_url: str
) -> None:
    experiment_id = client.create_experiment(_name("ui-bulk"))
    run_ids = sorted(client.create_run(experiment_id).info.run_id for _ in range(2))
    for run_id in run_ids:
        client.log_batch(run_id, metrics=[Metric("m", float(i), 100 - i, i) for i in range(3)])

    response = requests.get(
        f"{berth_url}{AJAX}/metrics/get-history-bulk",
        params={"run_id": run_ids, "metric_key": "m"},
        timeout=10,
    )

    assert response.status_code == 200
    assert [(m["run_id"], m["step"]) for m in response.json()["metrics"]] == [
        (run_id, step) for run_id in run_ids for step in (2, 1, 0)
    ]


def test_a_file_uploaded_by_the_ui_is_downloaded_by_the_client(
    client: mlflow.MlflowClient, berth_url: str, tmp_path: Path
) -> None:
    mlflow.set_experiment(_name("ui-upload"))
    with mlflow.start_run() as run:
        pass

    response = requests.post(
        f"{berth_url}{AJAX}/upload-artifact",
        params={"run_uuid": run.info.run_id, "path": "notes/readme.md"},
        data=b"# written in the UI\n",
        timeout=10,
    )
    downloaded = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="notes/readme.md", dst_path=str(tmp_path)
    )

    assert response.status_code == 200
    assert Path(downloaded).read_bytes() == b"# written in the UI\n"
    assert [f.path for f in client.list_artifacts(run.info.run_id, "notes")] == ["notes/readme.md"]


def test_a_logged_model_file_logged_by_the_client_is_served_to_the_ui(
    client: mlflow.MlflowClient, berth_url: str, tmp_path: Path
) -> None:
    mlflow.set_experiment(_name("ui-model"))
    model = mlflow.initialize_logged_model(name="m")
    (tmp_path / "weights.txt").write_text("0.5\n")
    client.log_model_artifact(model.model_id, str(tmp_path / "weights.txt"))

    response = requests.get(
        f"{berth_url}{AJAX}/logged-models/{model.model_id}/artifacts/files",
        params={"artifact_file_path": "weights.txt"},
        timeout=10,
    )

    assert response.status_code == 200
    assert response.content == b"0.5\n"
