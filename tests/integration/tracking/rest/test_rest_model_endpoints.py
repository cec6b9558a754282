"""The model endpoints no e2e session covers: MLflow 2.x ``log-model`` and logged-model
artifact listing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit


async def test_log_model_appends_to_the_run_history_tag(api) -> None:
    run_id = await api.create_run_id()
    for flavor in ("sklearn", "pyfunc"):
        model_json = json.dumps({"artifact_path": "model", "flavors": {flavor: {}}})
        api.ok(await api.post("runs/log-model", {"run_id": run_id, "model_json": model_json}))

    tags = {t["key"]: t["value"] for t in (await api.get_run(run_id))["data"]["tags"]}

    history = json.loads(tags["mlflow.log-model.history"])
    assert [list(entry["flavors"]) for entry in history] == [["sklearn"], ["pyfunc"]]


async def test_log_model_with_malformed_model_json_is_invalid(api) -> None:
    run_id = await api.create_run_id()

    response = await api.post("runs/log-model", {"run_id": run_id, "model_json": "{nope"})

    assert "model_json" in api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_logged_model_artifact_directories_are_listed(api) -> None:
    created = api.ok(await api.post("logged-models", {"experiment_id": "0", "name": "m"}))
    info = created["model"]["info"]
    root = Path(unquote(urlsplit(info["artifact_uri"]).path))
    (root / "data").mkdir(parents=True)
    (root / "MLmodel").write_text("flavors: {}\n")

    listing = api.ok(
        await api.client.get(
            f"/api/2.0/mlflow/logged-models/{info['model_id']}/artifacts/directories"
        )
    )

    assert listing["root_uri"] == info["artifact_uri"]
    assert listing["files"] == [
        {"path": "MLmodel", "is_dir": False, "file_size": 12},
        {"path": "data", "is_dir": True},
    ]


async def test_logged_model_artifact_listing_refuses_traversal(api) -> None:
    created = api.ok(await api.post("logged-models", {"experiment_id": "0", "name": "m"}))
    model_id = created["model"]["info"]["model_id"]

    response = await api.client.get(
        f"/api/2.0/mlflow/logged-models/{model_id}/artifacts/directories",
        params={"artifact_directory_path": "%252e%252e%252f%252e%252e"},
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_log_model_refuses_a_history_tag_that_is_not_a_json_list(api) -> None:
    run_id = await api.create_run_id()
    api.ok(
        await api.post(
            "runs/set-tag", {"run_id": run_id, "key": "mlflow.log-model.history", "value": "x"}
        )
    )

    response = await api.post("runs/log-model", {"run_id": run_id, "model_json": "{}"})

    assert "not a JSON list" in api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_concurrent_log_model_calls_all_land_in_the_history(api) -> None:
    run_id = await api.create_run_id()

    responses = await asyncio.gather(
        *(
            api.post("runs/log-model", {"run_id": run_id, "model_json": json.dumps({"n": n})})
            for n in range(10)
        )
    )

    assert {r.status_code for r in responses} == {200}
    tags = {t["key"]: t["value"] for t in (await api.get_run(run_id))["data"]["tags"]}
    assert sorted(e["n"] for e in json.loads(tags["mlflow.log-model.history"])) == list(range(10))
