"""A ``TrackingService`` wired as ``app.py`` wires it, on SQLite and on PostgreSQL.

Each test gets an empty, migrated database: the module's database (``module_database_uri``,
upgraded to head once per module and database kind) is wiped before the test, which costs a
few milliseconds where creating and migrating a database per test (``migrated_database_uri``)
costs most of a second on PostgreSQL. Swap ``module_database_uri`` for
``migrated_database_uri`` in ``tracking_database_uri`` to get a brand-new database per test.

The service's clock is a :class:`~support.FakeClock` the test moves by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

import berth.tracking.tables  # noqa: F401  (registers the tables on Base.metadata)
from berth.db.base import Base
from berth.db.engine import create_engine
from berth.db.transaction import Database
from berth.tracking.locations import ArtifactLister
from berth.tracking.service import TrackingService
from berth.tracking.sql_store import SqlTrackingStore
from tests.integration.tracking.service.support import FakeClock, Tracking


@pytest.fixture
def tracking_database_uri(module_database_uri: str) -> str:
    """A migrated database, on SQLite and on PostgreSQL; emptied by ``service`` before use."""
    return module_database_uri


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def artifact_root(tmp_path: Path) -> str:
    return (tmp_path / "artifacts").as_uri()


async def _wipe(db: Database) -> None:
    """Every tracking table emptied and identities restarted: a database fresh from migration.

    DELETE rather than TRUNCATE: on tables this small it is several times faster.
    """
    async with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
        if db.dialect == "postgresql":
            sequence = "pg_get_serial_sequence('experiments', 'experiment_id')"
            await connection.execute(text(f"SELECT setval({sequence}, 1, false)"))


@asynccontextmanager
async def _opened(uri: str, artifact_root: str, clock: FakeClock) -> AsyncIterator[TrackingService]:
    db = Database(create_engine(uri))
    try:
        await _wipe(db)
        tracking = TrackingService(
            db, SqlTrackingStore(artifact_root), ArtifactLister(artifact_root), clock=clock
        )
        await tracking.bootstrap()
        yield tracking
    finally:
        await db.dispose()


@pytest.fixture
async def service(
    tracking_database_uri: str, artifact_root: str, clock: FakeClock
) -> AsyncIterator[TrackingService]:
    async with _opened(tracking_database_uri, artifact_root, clock) as opened:
        yield opened


@pytest.fixture
def tracking(service: TrackingService, clock: FakeClock) -> Tracking:
    """Short-hands for arranging experiments, runs and logged data through the service."""
    return Tracking(service, clock)


@pytest.fixture(scope="module")
async def shared_tracking(
    module_database_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Tracking]:
    """One service for a whole module of read-only tests, arranged once by the module.

    A module uses either this or ``service``/``tracking``: those empty the module's database.
    """
    clock = FakeClock()
    root = tmp_path_factory.mktemp("artifacts").as_uri()
    async with _opened(module_database_uri, root, clock) as opened:
        yield Tracking(opened, clock)
