"""The released client registers and loads models against a direct-mode berth server whose
artifact root is in S3: the client writes and reads the bucket with its own credentials, the
server records where the files are and never reads them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
import pytest

from tests.e2e.conftest import running_berth
from tests.fixtures.s3 import S3Server

pytestmark = [
    pytest.mark.filterwarnings("ignore::FutureWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

X = [[0.0], [1.0], [2.0]]


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def direct_s3(
    module_postgres_database_uri: str,
    s3_server: S3Server,
    module_s3_bucket: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    root = f"s3://{module_s3_bucket}/direct-registry"
    with running_berth(
        module_postgres_database_uri,
        tmp_path_factory.mktemp("direct-registry"),
        "--no-serve-artifacts",
        "--default-artifact-root",
        root,
        environment=s3_server.environment(),
    ) as url:
        yield url


@pytest.fixture
def client(
    direct_s3: str, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> Iterator[mlflow.MlflowClient]:
    """The client with the bucket's credentials and endpoint (direct mode needs them)."""
    for name, value in s3_server.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", direct_s3)
    mlflow.set_tracking_uri(direct_s3)
    yield mlflow.MlflowClient()
    while mlflow.active_run():
        mlflow.end_run()


def _fitted(slope: float) -> Any:
    linear = pytest.importorskip("sklearn.linear_model")
    return linear.LinearRegression().fit(X, [slope * x[0] for x in X])


def _predict(uri: str) -> list[float]:
    return [float(y) for y in mlflow.pyfunc.load_model(uri).predict([[3.0], [4.0]])]


def test_a_model_logged_to_s3_registers_and_loads_by_alias(
    client: mlflow.MlflowClient, module_s3_bucket: str
) -> None:
    import mlflow.sklearn

    mlflow.set_experiment(_name("direct"))
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(_fitted(2.0), name="model")
    name = _name("churn")

    version = mlflow.register_model(info.model_uri, name)
    client.set_registered_model_alias(name, "champion", version.version)

    assert _predict(f"models:/{name}@champion") == pytest.approx(_predict(info.model_uri))
    assert _predict(f"models:/{name}@champion") == pytest.approx([6.0, 8.0])
    uri = client.get_model_version_download_uri(name, version.version)
    assert uri.startswith(f"s3://{module_s3_bucket}/direct-registry/")


def test_a_runs_folder_in_another_bucket_registers_by_its_s3_uri(
    client: mlflow.MlflowClient, s3_bucket: str, tmp_path: Path
) -> None:
    import mlflow.sklearn

    mlflow.sklearn.save_model(_fitted(3.0), str(tmp_path / "m"))
    experiment_id = client.create_experiment(
        _name("elsewhere"), artifact_location=f"s3://{s3_bucket}/team"
    )
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_artifacts(str(tmp_path / "m"), artifact_path="m")
    name = _name("fraud")

    version = mlflow.register_model(f"runs:/{run.info.run_id}/m", name)

    assert version.source == f"s3://{s3_bucket}/team/{run.info.run_id}/artifacts/m"
    assert client.get_model_version_download_uri(name, "1") == version.source
    assert _predict(f"models:/{name}/1") == pytest.approx([9.0, 12.0])
