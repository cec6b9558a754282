"""The operational endpoints: liveness, readiness and what the server says about itself."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import text

import berth
from berth.app import create_app
from berth.config import Settings
from berth.db.engine import create_engine
from berth.db.migrate import upgrade


async def test_health_answers_ok(api) -> None:
    response = await api.client.get("/health")

    assert response.status_code == 200
    assert response.text == "OK"


async def test_ready_on_a_migrated_database_is_200(api) -> None:
    response = await api.client.get("/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_server_info_reports_version_services_backend_and_artifact_root(api) -> None:
    response = await api.client.get("/api/2.0/berth/server-info")

    info = api.ok(response)
    assert info["version"] == berth.__version__
    assert info["services"] == ["tracking", "registry"]
    backend_uri = api.settings.backend_store_uri
    assert info["backend"] == ("postgresql" if backend_uri.startswith("postgresql") else "sqlite")
    assert info["default_artifact_root"] == api.settings.artifact_root


async def test_starting_the_app_creates_the_default_experiment(serve) -> None:
    async with serve() as api:
        response = await api.get("experiments/get", {"experiment_id": "0"})

        experiment = api.ok(response)["experiment"]
        assert experiment["name"] == "Default"
        assert experiment["artifact_location"] == f"{api.settings.artifact_root}/0"


async def test_ready_is_503_when_the_schema_revision_is_unknown(tmp_path: Path) -> None:
    database_uri = f"sqlite:///{tmp_path / 'newer.db'}"
    await upgrade(database_uri)
    engine = create_engine(database_uri)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        await engine.dispose()
    app = create_app(
        Settings(
            backend_store_uri=database_uri,
            artifacts_destination=str(tmp_path / "artifacts"),
            default_artifact_root=None,
        )
    )

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://localhost"
        ) as client,
    ):
        response = await client.get("/ready")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "schema is unknown"}


async def test_ready_is_503_when_the_artifact_store_is_unreachable(tmp_path: Path) -> None:
    database_uri = f"sqlite:///{tmp_path / 'b.db'}"
    await upgrade(database_uri)
    store = tmp_path / "artifacts"
    app = create_app(Settings(backend_store_uri=database_uri, artifacts_destination=str(store)))

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://localhost"
        ) as client,
    ):
        store.rmdir()
        store.write_text("a file where the artifact root was")
        response = await client.get("/ready")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "artifact store unreachable"}
