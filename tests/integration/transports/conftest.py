"""The proxied-mode app of the module on SQLite and PostgreSQL, emptied before each test, and the
transport pairs that contract tests take: ``transport`` writes, ``other`` (the other wire)
reads, for REST -> gRPC and gRPC -> REST."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import berth.registry.tables  # registers the tables on Base.metadata
import berth.tracking.tables  # noqa: F401
from berth.db.base import Base
from berth.db.engine import create_engine
from berth.db.transaction import Database
from berth.tracking.service import now_ms
from berth.tracking.sql_store import SqlTrackingStore
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


@pytest.fixture(scope="module")
async def module_db(module_database_uri: str) -> AsyncIterator[Database]:
    db = Database(create_engine(module_database_uri))
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def app(module_running: Running, module_db: Database) -> Running:
    async with module_db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(table.delete())
        root = module_running.settings.artifact_root
        await SqlTrackingStore(root).ensure_default_experiment(session, now_ms())
    return module_running


@pytest.fixture(params=["rest", "grpc"])
def transport(request: pytest.FixtureRequest, app: Running) -> Transport:
    return app.transport(request.param)


@pytest.fixture
def other(transport: Transport, app: Running) -> Transport:
    return app.transport("grpc" if transport.name == "rest" else "rest")
