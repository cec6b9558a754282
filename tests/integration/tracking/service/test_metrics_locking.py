"""On PostgreSQL, metrics never outlive their run, although ``metrics`` has no foreign key to
``runs`` (migration 0006): a write of metrics locks its run against deletion until it commits,
and a permanent delete locks the run before deleting its metrics, so whichever comes second
waits for the first. (SQLite takes writers one at a time and needs no row locks.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest
from sqlalchemy import func, select

from berth.db.engine import create_engine
from berth.db.transaction import Database
from berth.errors import ErrorCode
from berth.tracking import tables as t
from berth.tracking.entities import Metric, Param
from berth.tracking.service import TrackingService
from berth.tracking.sql_store import SqlTrackingStore
from tests.integration.tracking.service.support import Tracking, raises

pytestmark = pytest.mark.postgres

# Long enough for a statement that does not wait on a lock to have finished on this machine.
WAIT_S = 0.5


@pytest.fixture
def module_database_uri(module_postgres_database_uri: str) -> str:
    """PostgreSQL only: row locks are what this file is about."""
    return module_postgres_database_uri


@pytest.fixture
async def db(service: TrackingService, tracking_database_uri: str) -> AsyncIterator[Database]:
    """A second handle on the service's database, for transactions the test holds open."""
    database = Database(create_engine(tracking_database_uri))
    yield database
    await database.dispose()


@pytest.fixture
def store(artifact_root: str) -> SqlTrackingStore:
    return SqlTrackingStore(artifact_root)


async def metric_rows(db: Database, run_id: str) -> int:
    async with db.transaction() as session:
        count = select(func.count()).select_from(t.MetricRow).filter_by(run_id=run_id)
        return int(await session.scalar(count) or 0)


async def hard_delete_run(db: Database, store: SqlTrackingStore, run_id: str) -> bool:
    async with db.transaction() as session:
        return await store.hard_delete_run(session, run_id)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param((), id="metrics-in-one-statement"),
        pytest.param([Param("lr", "0.1")], id="mixed"),
    ],
)
async def test_a_permanent_delete_waits_for_metrics_being_written_and_deletes_them(
    tracking: Tracking, db: Database, store: SqlTrackingStore, params: Sequence[Param]
) -> None:
    run_id = await tracking.run("0")
    async with db.transaction() as writer:
        await store.log_batch(writer, run_id, [Metric("loss", 0.5, 1, 0)], params, ())
        await tracking.service.delete_run(run_id)
        deleting = asyncio.create_task(hard_delete_run(db, store, run_id))
        await asyncio.sleep(WAIT_S)
        assert not deleting.done(), "the delete did not wait for the batch writing to the run"

    assert await deleting
    assert await metric_rows(db, run_id) == 0


async def test_metrics_sent_while_a_run_is_deleted_for_good_find_no_run_and_write_nothing(
    tracking: Tracking, db: Database, store: SqlTrackingStore
) -> None:
    experiment_id = await tracking.experiment()
    run_id = await tracking.run(experiment_id)
    await tracking.service.delete_experiment(experiment_id)
    await tracking.service.restore_run(run_id)  # an active run in a deleted experiment
    async with db.transaction() as deleter:
        assert await store.hard_delete_experiment(deleter, experiment_id)
        writing = asyncio.create_task(
            tracking.service.log_batch(run_id, [Metric("loss", 0.5, 1, 0)], (), ())
        )
        await asyncio.sleep(WAIT_S)
        assert not writing.done(), "the batch did not wait for the delete holding its run"

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await writing
    assert await metric_rows(db, run_id) == 0
