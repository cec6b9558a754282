"""The proxied-mode app of the module on SQLite and PostgreSQL, emptied before each test, and the
transport pairs that contract tests take: ``transport`` writes, ``other`` (the other wire)
reads, for REST -> gRPC and gRPC -> REST."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from berth.db.transaction import Database
from tests.fixtures.apps import reset_database
from tests.integration.transports.support import Running, Transport, running, settings


@pytest.fixture(scope="module")
async def module_running(
    module_database_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Running]:
    destination: Path = tmp_path_factory.mktemp("artifacts")
    app_settings = settings(
        backend_store_uri=module_database_uri, artifacts_destination=str(destination)
    )
    async with running(app_settings) as app:
        yield app


@pytest.fixture
async def app(module_running: Running, module_db: Database) -> Running:
    await reset_database(module_db, module_running.settings.artifact_root)
    return module_running


@pytest.fixture(params=["rest", "grpc"])
def transport(request: pytest.FixtureRequest, app: Running) -> Transport:
    return app.transport(request.param)


@pytest.fixture
def other(transport: Transport, app: Running) -> Transport:
    return app.transport("grpc" if transport.name == "rest" else "rest")
