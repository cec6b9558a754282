"""An artifacts-only server serves the mlflow-artifacts API and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from berth.app import create_app
from berth.config import Settings


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    # A backend store that does not exist: an artifacts-only server never opens one.
    settings = Settings(
        artifacts_only=True,
        backend_store_uri="postgresql://nobody@127.0.0.1:1/none",
        artifacts_destination=str(tmp_path / "store"),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as c:
            yield c


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/2.0/mlflow/experiments/create"),
        ("GET", "/api/2.0/mlflow/runs/get"),
        ("POST", "/ajax-api/2.0/mlflow/registered-models/create"),
        ("GET", "/api/3.0/mlflow/traces/get"),
    ],
)
async def test_tracking_and_registry_routes_say_the_server_is_artifacts_only(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path)

    assert response.status_code == 404
    assert response.json()["error_code"] == "ENDPOINT_NOT_FOUND"
    assert "artifacts-only" in response.json()["message"]


async def test_artifacts_are_served_without_a_database(client: httpx.AsyncClient) -> None:
    await client.put("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a.txt", content=b"hi")

    response = await client.get("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a.txt")

    assert response.content == b"hi"


async def test_readiness_and_server_info_describe_the_mode(client: httpx.AsyncClient) -> None:
    ready = await client.get("/ready")
    info = (await client.get("/api/2.0/berth/server-info")).json()

    assert ready.json() == {"status": "ready"}
    assert info["artifacts_mode"] == "artifacts-only"
    assert info["services"] == ["artifacts"]
