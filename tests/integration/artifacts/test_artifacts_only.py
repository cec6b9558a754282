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


async def test_readiness_is_503_when_the_store_is_unreachable(tmp_path: Path) -> None:
    store = tmp_path / "store"
    app = create_app(Settings(artifacts_only=True, artifacts_destination=str(store)))
    async with app.router.lifespan_context(app):
        store.rmdir()
        store.write_text("a file where the artifact root was")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as c:
            ready = await c.get("/ready")

    assert ready.status_code == 503
    assert ready.json()["reason"] == "artifact store unreachable"


async def test_metrics_count_requests_by_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/secret-name.txt")

    metrics = (await client.get("/metrics")).text

    assert (
        'berth_http_requests_total{method="GET",'
        'route="/api/2.0/mlflow-artifacts/artifacts/{artifact_path:path}",status="404"} 1.0'
    ) in metrics
    assert "secret-name" not in metrics
