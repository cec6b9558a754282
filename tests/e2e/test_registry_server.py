"""``berth registry`` runs the model registry alone: the client registers models against it,
and tracking paths answer that they are served elsewhere."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import mlflow
import pytest

from tests.e2e.conftest import running_berth


@pytest.fixture(scope="module")
def registry_url(
    module_database_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("berth-registry")
    with running_berth(module_database_uri, workdir, command="registry") as url:
        yield url


def test_server_info_names_the_registry_alone(registry_url: str) -> None:
    with urllib.request.urlopen(f"{registry_url}/api/2.0/berth/server-info") as response:
        info = json.load(response)

    assert info["services"] == ["registry"]


def test_the_client_creates_and_finds_a_registered_model(
    registry_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", registry_url)
    client = mlflow.MlflowClient(tracking_uri=registry_url, registry_uri=registry_url)
    name = f"alone-{uuid.uuid4().hex[:8]}"

    client.create_registered_model(name, description="registry only")

    assert client.get_registered_model(name).description == "registry only"


def test_tracking_paths_answer_404_with_where_to_go(registry_url: str) -> None:
    request = urllib.request.Request(
        f"{registry_url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=x"
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request)

    assert raised.value.code == 404
    assert "registry only" in json.load(raised.value)["message"]
