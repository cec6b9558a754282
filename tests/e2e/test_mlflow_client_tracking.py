"""The released mlflow client, unchanged, against berth server: every tracking call it makes."""

from __future__ import annotations

import math
import time
import uuid
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException, RestException

# The released client warns from its own code (a pandas deprecation in dataset digests, type-hint
# advice when logging models); those are not ours to fix.
pytestmark = [
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_set_experiment_creates_and_then_finds_it(client: mlflow.MlflowClient) -> None:
    name = _name("exp")
    created = mlflow.set_experiment(name)
    found = mlflow.set_experiment(name)
    assert found.experiment_id == created.experiment_id
    assert client.get_experiment_by_name(name).name == name


def test_default_experiment_exists(client: mlflow.MlflowClient) -> None:
    default = client.get_experiment("0")
    assert default.name == "Default"
    assert default.lifecycle_stage == "active"


def test_run_logs_params_metrics_and_tags(client: mlflow.MlflowClient) -> None:
    mlflow.set_experiment(_name("log"))
    with mlflow.start_run(run_name="first") as run:
        mlflow.log_param("alpha", 0.5)
        mlflow.log_params({"beta": "x", "gamma": 3})
        for step in range(5):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"acc": 0.9, "f1": 0.8})
        mlflow.set_tag("team", "ml")
        mlflow.set_tags({"stage": "dev"})
    fetched = client.get_run(run.info.run_id)
    assert fetched.info.run_name == "first"
    assert fetched.info.status == "FINISHED"
    assert fetched.info.end_time is not None
    assert fetched.data.params == {"alpha": "0.5", "beta": "x", "gamma": "3"}
    assert fetched.data.metrics == {"loss": pytest.approx(0.2), "acc": 0.9, "f1": 0.8}
    assert fetched.data.tags["team"] == "ml"
    assert fetched.data.tags["stage"] == "dev"
    assert fetched.data.tags["mlflow.runName"] == "first"


def test_metric_history_keeps_every_step(client: mlflow.MlflowClient) -> None:
    mlflow.set_experiment(_name("history"))
    with mlflow.start_run() as run:
        for step in range(20):
            mlflow.log_metric("loss", float(step), step=step)
    history = client.get_metric_history(run.info.run_id, "loss")
    assert [m.step for m in history] == list(range(20))
    assert [m.value for m in history] == [float(s) for s in range(20)]


def test_nan_and_infinite_metrics_round_trip(client: mlflow.MlflowClient) -> None:
    mlflow.set_experiment(_name("nan"))
    with mlflow.start_run() as run:
        mlflow.log_metric("nan", float("nan"))
        mlflow.log_metric("pos", float("inf"))
        mlflow.log_metric("neg", float("-inf"))
    metrics = client.get_run(run.info.run_id).data.metrics
    assert math.isnan(metrics["nan"])
    assert metrics["pos"] == float("inf")
    assert metrics["neg"] == float("-inf")


def test_log_batch_writes_everything_at_once(client: mlflow.MlflowClient) -> None:
    experiment_id = client.create_experiment(_name("batch"))
    run = client.create_run(experiment_id)
    now = int(time.time() * 1000)
    client.log_batch(
        run.info.run_id,
        metrics=[Metric("m", float(i), now + i, i) for i in range(500)],
        params=[Param(f"p{i}", str(i)) for i in range(50)],
        tags=[RunTag(f"t{i}", str(i)) for i in range(50)],
    )
    fetched = client.get_run(run.info.run_id)
    assert fetched.data.metrics["m"] == 499.0
    assert len(fetched.data.params) == 50
    assert len(client.get_metric_history(run.info.run_id, "m")) == 500


def test_failed_batch_writes_nothing(client: mlflow.MlflowClient) -> None:
    experiment_id = client.create_experiment(_name("atomic"))
    run = client.create_run(experiment_id)
    client.log_param(run.info.run_id, "fixed", "1")
    with pytest.raises(MlflowException, match="Changing param values is not allowed"):
        client.log_batch(
            run.info.run_id,
            metrics=[Metric("written", 1.0, 0, 0)],
            params=[Param("fixed", "2")],
            tags=[RunTag("written", "yes")],
        )
    fetched = client.get_run(run.info.run_id)
    assert "written" not in fetched.data.metrics
    assert "written" not in fetched.data.tags


def test_changing_a_param_is_refused(client: mlflow.MlflowClient) -> None:
    mlflow.set_experiment(_name("param"))
    with mlflow.start_run():
        mlflow.log_param("lr", "0.1")
        mlflow.log_param("lr", "0.1")
        with pytest.raises(MlflowException) as error:
            mlflow.log_param("lr", "0.2")
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"


def test_nested_runs_record_their_parent(client: mlflow.MlflowClient) -> None:
    mlflow.set_experiment(_name("nested"))
    with mlflow.start_run() as parent, mlflow.start_run(nested=True) as child:
        pass
    child_run = client.get_run(child.info.run_id)
    assert child_run.data.tags["mlflow.parentRunId"] == parent.info.run_id
    children = mlflow.search_runs(
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'", output_format="list"
    )
    assert [r.info.run_id for r in children] == [child.info.run_id]


def test_search_runs_filters_and_orders_in_pandas(client: mlflow.MlflowClient) -> None:
    experiment = mlflow.set_experiment(_name("search"))
    for lr in (0.1, 0.2, 0.3):
        with mlflow.start_run():
            mlflow.log_param("lr", str(lr))
            mlflow.log_metric("score", lr * 10)
    frame = mlflow.search_runs(
        experiment_ids=[experiment.experiment_id],
        filter_string="metrics.score > 1.5",
        order_by=["metrics.score DESC"],
    )
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["params.lr"]) == ["0.3", "0.2"]
    assert list(frame["metrics.score"]) == [3.0, 2.0]


def test_search_runs_pages_through_results(client: mlflow.MlflowClient) -> None:
    experiment_id = client.create_experiment(_name("pages"))
    created = {client.create_run(experiment_id).info.run_id for _ in range(7)}
    first = client.search_runs([experiment_id], max_results=3)
    assert len(first) == 3
    assert first.token
    seen = {r.info.run_id for r in first}
    token = first.token
    while token:
        page = client.search_runs([experiment_id], max_results=3, page_token=token)
        seen |= {r.info.run_id for r in page}
        token = page.token
    assert seen == created


def test_search_experiments_by_name_and_tag(client: mlflow.MlflowClient) -> None:
    prefix = _name("searchexp")
    client.create_experiment(f"{prefix}-a", tags={"owner": "alice"})
    client.create_experiment(f"{prefix}-b", tags={"owner": "bob"})
    by_name = client.search_experiments(filter_string=f"name LIKE '{prefix}%'")
    assert sorted(e.name for e in by_name) == [f"{prefix}-a", f"{prefix}-b"]
    by_tag = mlflow.search_experiments(
        filter_string=f"name LIKE '{prefix}%' AND tags.owner = 'bob'"
    )
    assert [e.name for e in by_tag] == [f"{prefix}-b"]


def test_delete_and_restore_experiment_and_run(client: mlflow.MlflowClient) -> None:
    experiment_id = client.create_experiment(_name("lifecycle"))
    run = client.create_run(experiment_id)
    client.delete_run(run.info.run_id)
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "deleted"
    assert client.search_runs([experiment_id]) == []
    deleted = client.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)
    assert [r.info.run_id for r in deleted] == [run.info.run_id]
    client.restore_run(run.info.run_id)
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "active"

    client.delete_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "deleted"
    client.restore_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"


def test_rename_experiment_and_experiment_tags(client: mlflow.MlflowClient) -> None:
    experiment_id = client.create_experiment(_name("rename"))
    new_name = _name("renamed")
    client.rename_experiment(experiment_id, new_name)
    client.set_experiment_tag(experiment_id, "k", "v")
    experiment = client.get_experiment(experiment_id)
    assert experiment.name == new_name
    assert experiment.tags["k"] == "v"
    client.delete_experiment_tag(experiment_id, "k")
    assert "k" not in client.get_experiment(experiment_id).tags


def test_delete_run_tag(client: mlflow.MlflowClient) -> None:
    experiment_id = client.create_experiment(_name("deltag"))
    run = client.create_run(experiment_id)
    client.set_tag(run.info.run_id, "gone", "soon")
    client.delete_tag(run.info.run_id, "gone")
    assert "gone" not in client.get_run(run.info.run_id).data.tags


def test_duplicate_experiment_is_resource_already_exists(client: mlflow.MlflowClient) -> None:
    name = _name("dup")
    client.create_experiment(name)
    with pytest.raises(RestException) as error:
        client.create_experiment(name)
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_missing_run_is_resource_does_not_exist(client: mlflow.MlflowClient) -> None:
    with pytest.raises(RestException) as error:
        client.get_run(uuid.uuid4().hex)
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_dataset_inputs_are_recorded_and_searchable(client: mlflow.MlflowClient) -> None:
    experiment = mlflow.set_experiment(_name("datasets"))
    frame = pd.DataFrame({"x": [1, 2, 3], "y": [0, 1, 0]})
    dataset = mlflow.data.from_pandas(frame, name="toy")
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training")
    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert [i.dataset.name for i in inputs] == ["toy"]
    assert {t.key: t.value for t in inputs[0].tags}["mlflow.data.context"] == "training"
    found = mlflow.search_runs(
        [experiment.experiment_id],
        filter_string="datasets.name = 'toy' AND datasets.context = 'training'",
        output_format="list",
    )
    assert [r.info.run_id for r in found] == [run.info.run_id]


def test_log_model_uses_logged_models_api(client: mlflow.MlflowClient) -> None:
    sklearn = pytest.importorskip("sklearn.linear_model")
    import mlflow.sklearn

    mlflow.set_experiment(_name("model"))
    model = sklearn.LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0])
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model")
    logged = mlflow.get_logged_model(info.model_id)
    assert logged.status == "READY"
    assert logged.source_run_id == run.info.run_id
    outputs = client.get_run(run.info.run_id).outputs.model_outputs
    assert [o.model_id for o in outputs] == [info.model_id]
    loaded = mlflow.sklearn.load_model(f"models:/{info.model_id}")
    assert loaded.predict([[2.0]])[0] == pytest.approx(2.0)
    assert mlflow.sklearn.load_model(f"runs:/{run.info.run_id}/model").predict([[3.0]])[0] == (
        pytest.approx(3.0)
    )


def test_logged_model_params_tags_and_search(client: mlflow.MlflowClient) -> None:
    experiment = mlflow.set_experiment(_name("lm"))
    model = mlflow.initialize_logged_model(
        name="candidate", params={"depth": "3"}, tags={"kind": "tree"}
    )
    client.set_logged_model_tags(model.model_id, {"extra": "1"})
    client.delete_logged_model_tag(model.model_id, "extra")
    client.log_model_params(model.model_id, {"width": "8"})
    fetched = mlflow.get_logged_model(model.model_id)
    assert fetched.params == {"depth": "3", "width": "8"}
    assert fetched.tags["kind"] == "tree"
    assert "extra" not in fetched.tags
    found = mlflow.search_logged_models(
        experiment_ids=[experiment.experiment_id],
        filter_string="name = 'candidate' AND params.depth = '3'",
        output_format="list",
    )
    assert [m.model_id for m in found] == [model.model_id]
    client.delete_logged_model(model.model_id)
    assert (
        mlflow.search_logged_models(experiment_ids=[experiment.experiment_id], output_format="list")
        == []
    )


def test_metric_history_bulk_interval(client: mlflow.MlflowClient, berth_url: str) -> None:
    import requests

    experiment_id = client.create_experiment(_name("bulk"))
    run = client.create_run(experiment_id)
    client.log_batch(run.info.run_id, metrics=[Metric("m", float(i), i, i) for i in range(100)])
    response = requests.get(
        f"{berth_url}/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval",
        params={"run_ids": run.info.run_id, "metric_key": "m", "max_results": 10},
        timeout=10,
    )
    assert response.status_code == 200
    steps = [m["step"] for m in response.json()["metrics"]]
    assert len(steps) == 10
    assert steps[0] == 0
    assert steps[-1] == 99


def test_logged_artifacts_are_listed_by_the_client_and_the_server(
    client: mlflow.MlflowClient, berth_url: str, tmp_path: Path
) -> None:
    import requests

    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "plots").mkdir()
    (tmp_path / "plots" / "loss.csv").write_text("1,2\n")
    mlflow.set_experiment(_name("artifacts"))
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(tmp_path / "notes.txt"))
        mlflow.log_artifacts(str(tmp_path / "plots"), artifact_path="plots")
    assert sorted(f.path for f in client.list_artifacts(run.info.run_id)) == ["notes.txt", "plots"]
    response = requests.get(
        f"{berth_url}/api/2.0/mlflow/artifacts/list",
        params={"run_id": run.info.run_id, "path": "plots"},
        timeout=10,
    )
    assert response.json()["files"] == [{"path": "plots/loss.csv", "is_dir": False, "file_size": 4}]
