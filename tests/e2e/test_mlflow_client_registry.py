"""The released mlflow client, unchanged, against berth server's model registry (proxied)."""

from __future__ import annotations

import uuid
from typing import Any

import mlflow
import pytest
from mlflow.exceptions import MlflowException

# The client's own warnings (stage APIs are deprecated, type-hint advice on log_model) are not
# ours to fix.
pytestmark = [
    pytest.mark.filterwarnings("ignore::FutureWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

X = [[0.0], [1.0], [2.0]]


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _logged_model(slope: float = 2.0) -> Any:
    """A fitted LinearRegression logged under a new run; its ModelInfo."""
    sklearn = pytest.importorskip("sklearn.linear_model")
    import mlflow.sklearn

    mlflow.set_experiment(_name("registry"))
    model = sklearn.LinearRegression().fit(X, [slope * x[0] for x in X])
    with mlflow.start_run():
        return mlflow.sklearn.log_model(model, name="model")


def _predict(uri: str) -> list[float]:
    return [float(y) for y in mlflow.pyfunc.load_model(uri).predict([[3.0], [4.0]])]


def test_a_registered_model_loads_by_alias(client: mlflow.MlflowClient) -> None:
    info = _logged_model()
    name = _name("churn")

    version = mlflow.register_model(info.model_uri, name)
    client.set_registered_model_alias(name, "champion", version.version)

    assert version.version == "1"
    assert _predict(f"models:/{name}@champion") == pytest.approx(_predict(info.model_uri))
    assert _predict(f"models:/{name}@champion") == pytest.approx([6.0, 8.0])


def test_a_version_loads_by_number_and_by_stage(client: mlflow.MlflowClient) -> None:
    info = _logged_model(slope=3.0)
    name = _name("fraud")
    mlflow.register_model(info.model_uri, name)

    client.transition_model_version_stage(name, "1", "Production")

    assert _predict(f"models:/{name}/1") == pytest.approx([9.0, 12.0])
    assert _predict(f"models:/{name}/Production") == pytest.approx([9.0, 12.0])


def test_registering_a_runs_uri_finds_the_runs_logged_model(client: mlflow.MlflowClient) -> None:
    info = _logged_model()
    name = _name("from-run")

    version = mlflow.register_model(f"runs:/{info.run_id}/model", name)

    assert version.run_id == info.run_id
    assert client.get_model_version_download_uri(name, "1").startswith("mlflow-artifacts:/")


def test_log_model_with_a_registered_name_creates_version_one(client: mlflow.MlflowClient) -> None:
    sklearn = pytest.importorskip("sklearn.linear_model")
    import mlflow.sklearn

    name = _name("inline")
    mlflow.set_experiment(_name("registry"))
    with mlflow.start_run():
        mlflow.sklearn.log_model(
            sklearn.LinearRegression().fit(X, [0.0, 1.0, 2.0]),
            name="model",
            registered_model_name=name,
        )

    latest = client.get_latest_versions(name)
    assert [v.version for v in latest] == ["1"]


def test_rename_keeps_the_versions(client: mlflow.MlflowClient) -> None:
    info = _logged_model()
    old, new = _name("old"), _name("new")
    mlflow.register_model(info.model_uri, old)

    client.rename_registered_model(old, new)

    assert client.get_model_version(new, "1").name == new
    with pytest.raises(MlflowException, match="not found"):
        client.get_registered_model(old)


def test_deleted_versions_and_models_are_gone(client: mlflow.MlflowClient) -> None:
    info = _logged_model()
    name = _name("gone")
    mlflow.register_model(info.model_uri, name)
    mlflow.register_model(info.model_uri, name)

    client.delete_model_version(name, "1")
    remaining = [v.version for v in client.search_model_versions(f"name = '{name}'")]
    client.delete_registered_model(name)

    assert remaining == ["2"]
    with pytest.raises(MlflowException, match="not found"):
        client.get_registered_model(name)


def test_search_filters_tags_and_pages(client: mlflow.MlflowClient) -> None:
    prefix = _name("search")
    for i in range(5):
        client.create_registered_model(f"{prefix}-{i}", tags={"parity": str(i % 2)})

    first = client.search_registered_models(f"name LIKE '{prefix}-%'", max_results=2)
    second = client.search_registered_models(
        f"name LIKE '{prefix}-%'", max_results=2, page_token=first.token
    )
    even = client.search_registered_models(f"name LIKE '{prefix}-%' AND tags.parity = '0'")

    assert [m.name for m in first] + [m.name for m in second] == [f"{prefix}-{i}" for i in range(4)]
    assert sorted(m.name for m in even) == [f"{prefix}-0", f"{prefix}-2", f"{prefix}-4"]


def test_model_and_version_tags_and_descriptions(client: mlflow.MlflowClient) -> None:
    info = _logged_model()
    name = _name("tagged")
    mlflow.register_model(info.model_uri, name)

    client.set_registered_model_tag(name, "team", "ml")
    client.set_model_version_tag(name, "1", "validated", "yes")
    client.update_registered_model(name, description="churn model")
    client.update_model_version(name, "1", description="first")

    model = client.get_registered_model(name)
    version = client.get_model_version(name, "1")
    assert (model.tags, model.description) == ({"team": "ml"}, "churn model")
    assert (version.tags, version.description) == ({"validated": "yes"}, "first")


def test_a_local_path_source_is_refused(client: mlflow.MlflowClient) -> None:
    name = _name("evil")
    client.create_registered_model(name)

    with pytest.raises(MlflowException, match="Invalid model version source"):
        client.create_model_version(name, "file:///etc/", run_id=None)


def test_a_prompt_registers_and_loads_by_version_and_alias(client: mlflow.MlflowClient) -> None:
    name = _name("greeting")

    first = mlflow.genai.register_prompt(name, "Hello {{name}}!", commit_message="first")
    second = mlflow.genai.register_prompt(name, "Hi {{name}}.", commit_message="shorter")
    mlflow.genai.set_prompt_alias(name, "production", first.version)

    assert (first.version, second.version) == (1, 2)
    loaded = mlflow.genai.load_prompt(f"prompts:/{name}/2")
    assert loaded.format(name="Ada") == "Hi Ada."
    by_alias = mlflow.genai.load_prompt(f"prompts:/{name}@production", cache_ttl_seconds=0)
    assert (by_alias.version, by_alias.template) == (1, "Hello {{name}}!")
    assert name not in [m.name for m in client.search_registered_models(f"name = '{name}'")]
