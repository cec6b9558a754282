"""The registry REST API in process: ``create_app`` on SQLite and PostgreSQL, over httpx.

``api`` is the module's app in proxied mode (the default: ``mlflow-artifacts:`` URIs over a
local store), in front of an emptied database; ``serve(**settings)`` starts an app of the
test's own (direct mode, registry-only, artifacts-only ...).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from berth.config import Settings
from berth.db.transaction import Database
from tests.fixtures.apps import in_process, reset_database
from tests.integration.tracking.rest.conftest import Api

Serve = Callable[..., AbstractAsyncContextManager["RegistryApi"]]


class RegistryApi(Api):
    async def delete(self, endpoint: str, body: Any) -> httpx.Response:
        """DELETE with a JSON body, as the mlflow client sends it."""
        return await self.client.request("DELETE", f"/api/2.0/mlflow/{endpoint}", json=body)

    async def patch(self, endpoint: str, body: Any) -> httpx.Response:
        return await self.client.patch(f"/api/2.0/mlflow/{endpoint}", json=body)

    async def create_model(self, name: str, **fields: Any) -> dict[str, Any]:
        body = self.ok(await self.post("registered-models/create", {"name": name, **fields}))
        model: dict[str, Any] = body["registered_model"]
        return model

    async def create_version(self, name: str, source: str, **fields: Any) -> httpx.Response:
        return await self.post("model-versions/create", {"name": name, "source": source, **fields})

    async def version_from_run(self, name: str) -> tuple[dict[str, Any], str]:
        """A version of ``name`` (created if missing) from a new run's ``model`` folder."""
        if (await self.get("registered-models/get", {"name": name})).status_code == 404:
            await self.create_model(name)
        run_id = await self.create_run_id()
        body = self.ok(await self.create_version(name, f"runs:/{run_id}/model", run_id=run_id))
        version: dict[str, Any] = body["model_version"]
        return version, run_id


@asynccontextmanager
async def _running(settings: Settings) -> AsyncIterator[RegistryApi]:
    async with in_process(settings) as (_app, client):
        yield RegistryApi(client, settings)


def _settings(database_uri: str, destination: Path, **overrides: Any) -> Settings:
    return Settings(
        backend_store_uri=database_uri, artifacts_destination=str(destination), **overrides
    )


@pytest.fixture(scope="module")
def artifacts_destination(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("artifacts")


@pytest.fixture(scope="module")
async def module_api(
    module_database_uri: str, artifacts_destination: Path
) -> AsyncIterator[RegistryApi]:
    async with _running(_settings(module_database_uri, artifacts_destination)) as running:
        yield running


@pytest.fixture
async def api(module_api: RegistryApi, module_db: Database) -> RegistryApi:
    """The proxied-mode app, in front of an emptied store."""
    await reset_database(module_db, module_api.settings.artifact_root)
    return module_api


@pytest.fixture
def serve(module_database_uri: str, module_db: Database, artifacts_destination: Path) -> Serve:
    @asynccontextmanager
    async def _serve(**overrides: Any) -> AsyncIterator[RegistryApi]:
        settings = _settings(module_database_uri, artifacts_destination, **overrides)
        await reset_database(module_db, None if settings.artifacts_only else settings.artifact_root)
        async with _running(settings) as running:
            yield running

    return _serve
