"""A ``RegistryService`` wired as ``app.py`` wires it (proxied mode, an in-memory store), on
SQLite and on PostgreSQL, beside the ``TrackingService`` that makes runs and logged models.

Each test gets the module's migrated database emptied; the clock is moved by hand.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

import berth.registry.tables  # registers the tables on Base.metadata
import berth.tracking.tables  # noqa: F401
from berth.artifacts.backends.memory import MemoryBackend
from berth.db.base import Base
from berth.db.engine import create_engine
from berth.db.transaction import Database
from berth.errors import BerthError
from berth.registry.entities import Tag
from berth.registry.service import RegistryService
from berth.registry.sources import SourcePolicy
from berth.registry.sql_store import SqlRegistryStore
from berth.tracking.lineage import TrackingLineage
from berth.tracking.locations import ArtifactLister
from berth.tracking.service import TrackingService
from berth.tracking.sql_store import SqlTrackingStore
from tests.integration.tracking.service.support import FakeClock


@dataclass
class World:
    registry: RegistryService
    tracking: TrackingService
    store: MemoryBackend
    clock: FakeClock
    db: Database

    async def run_id(self) -> str:
        """A run of the Default experiment (artifacts under mlflow-artifacts:/0/<run>)."""
        run = await self.tracking.create_run("0", "alice", None, None, [])
        return run.info.run_id

    async def logged_model_id(self, run_id: str | None = None) -> str:
        model = await self.tracking.create_logged_model("0", "model", None, run_id, [], [])
        return model.model_id

    async def version(self, name: str, **tags: str) -> int:
        """A new version of ``name`` (created if missing) from a fresh run's artifacts."""
        with contextlib.suppress(BerthError):
            await self.registry.create_registered_model(name, [], None)
        run_id = await self.run_id()
        created = await self.registry.create_model_version(
            name,
            f"runs:/{run_id}/model",
            None,
            [Tag(k, v) for k, v in tags.items()],
            None,
            None,
            None,
        )
        return created.version


async def _wipe(db: Database) -> None:
    async with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())


@pytest.fixture
async def world(module_database_uri: str) -> AsyncIterator[World]:
    db = Database(create_engine(module_database_uri))
    try:
        await _wipe(db)
        clock = FakeClock()
        store = MemoryBackend()
        tracking_store = SqlTrackingStore("mlflow-artifacts:/")
        tracking = TrackingService(db, tracking_store, ArtifactLister(store), clock=clock)
        await tracking.bootstrap()
        registry = RegistryService(
            db,
            SqlRegistryStore(),
            SourcePolicy(store.root, proxied=True),
            store,
            TrackingLineage(tracking_store),
            clock=clock,
        )
        yield World(registry, tracking, store, clock, db)
    finally:
        await db.dispose()


@pytest.fixture
def registry(world: World) -> RegistryService:
    return world.registry
