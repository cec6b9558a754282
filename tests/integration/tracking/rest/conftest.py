"""The tracking REST API in process: ``create_app`` on SQLite and PostgreSQL, over httpx.

Each module starts one app per database kind (``create_app`` with its lifespan run) and
talks to it through ``httpx.ASGITransport``. The database is the module's migrated database
(``module_database_uri``), emptied and given back its Default experiment before each test:
creating and migrating a database per test (``migrated_database_uri``) costs most of a second
on PostgreSQL, and starting an app per test a few hundredths; resetting costs milliseconds.

``api`` is the module's app, with default settings; ``serve(**settings)`` starts an app of the
test's own with other settings (``async with serve(max_request_bytes=2048) as api: ...``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from berth.config import Settings
from berth.db.transaction import Database
from tests.fixtures.apps import in_process, reset_database

MLFLOW = "/api/2.0/mlflow"
ERROR_BODY_KEYS = {"error_code", "message"}


class Api:
    """A client of one running app, with short-hands for MLflow's tracking endpoints."""

    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings

    async def post(self, endpoint: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        """``POST /api/2.0/mlflow/<endpoint>`` with ``body`` as JSON (or ``content=...``)."""
        if body is not None:
            kwargs["json"] = body
        return await self.client.post(f"{MLFLOW}/{endpoint}", **kwargs)

    async def get(self, endpoint: str, params: Any = None) -> httpx.Response:
        return await self.client.get(f"{MLFLOW}/{endpoint}", params=params)

    @staticmethod
    def ok(response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def create_experiment(self, name: str, **fields: Any) -> str:
        body = self.ok(await self.post("experiments/create", {"name": name, **fields}))
        experiment_id: str = body["experiment_id"]
        return experiment_id

    async def create_run(self, experiment_id: str = "0", **fields: Any) -> dict[str, Any]:
        """The new run as the server renders it (``{"info": ..., "data": ...}``)."""
        body = self.ok(await self.post("runs/create", {"experiment_id": experiment_id, **fields}))
        run: dict[str, Any] = body["run"]
        return run

    async def create_run_id(self, experiment_id: str = "0", **fields: Any) -> str:
        run_id: str = (await self.create_run(experiment_id, **fields))["info"]["run_id"]
        return run_id

    async def get_run(self, run_id: str) -> dict[str, Any]:
        run: dict[str, Any] = (self.ok(await self.get("runs/get", {"run_id": run_id})))["run"]
        return run

    async def experiment_exists(self, name: str) -> bool:
        response = await self.get("experiments/get-by-name", {"experiment_name": name})
        if response.status_code == 404:
            return False
        self.ok(response)
        return True

    @staticmethod
    def artifact_dir(run: dict[str, Any]) -> Path:
        """The local directory of a run whose artifacts live under the server's file root."""
        uri = urlsplit(run["info"]["artifact_uri"])
        assert uri.scheme == "file", run["info"]["artifact_uri"]
        return Path(unquote(uri.path))

    @staticmethod
    def error(response: httpx.Response, status: int, error_code: str) -> str:
        """Assert ``response`` is MLflow's error body with this status and code; its message."""
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert set(body) == ERROR_BODY_KEYS, body
        assert body["error_code"] == error_code, body
        message: str = body["message"]
        assert message
        return message


@asynccontextmanager
async def _running(settings: Settings) -> AsyncIterator[Api]:
    async with in_process(settings) as (_app, client):
        yield Api(client, settings)


def _settings(database_uri: str, artifacts_destination: Path, **overrides: Any) -> Settings:
    """The tracking slice on its own: runs get ``file:`` artifact URIs under the destination
    (``--no-serve-artifacts``), so tests can arrange artifacts on disk."""
    return Settings(
        backend_store_uri=database_uri,
        artifacts_destination=str(artifacts_destination),
        default_artifact_root=None,
        **{"serve_artifacts": False, **overrides},
    )


@pytest.fixture(scope="module")
def artifacts_destination(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's local artifact root; runs have unique ids, so tests never collide in it."""
    return tmp_path_factory.mktemp("artifacts")


@pytest.fixture(scope="module")
async def module_api(module_database_uri: str, artifacts_destination: Path) -> AsyncIterator[Api]:
    async with _running(_settings(module_database_uri, artifacts_destination)) as running:
        yield running


@pytest.fixture
async def api(module_api: Api, module_db: Database) -> Api:
    """The app with default settings, in front of an emptied store."""
    await reset_database(module_db, module_api.settings.artifact_root)
    return module_api


Serve = Callable[..., AbstractAsyncContextManager[Api]]


@pytest.fixture
def serve(module_database_uri: str, module_db: Database, artifacts_destination: Path) -> Serve:
    """``async with serve(**settings) as api``: an app of its own, started on an emptied store
    (its lifespan creates the Default experiment)."""

    @asynccontextmanager
    async def _serve(**overrides: Any) -> AsyncIterator[Api]:
        settings = _settings(module_database_uri, artifacts_destination, **overrides)
        await reset_database(module_db, None)
        async with _running(settings) as running:
            yield running

    return _serve
