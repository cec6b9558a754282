"""How the server's sessions talk to PostgreSQL: the settings every session plans with, and
read sessions that run each statement on its own (no BEGIN and COMMIT round trips)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from berth.db.engine import create_engine
from berth.db.transaction import Database


@pytest.fixture
async def db(postgres_database_uri: str) -> AsyncIterator[Database]:
    database = Database(create_engine(postgres_database_uri))
    yield database
    await database.dispose()


async def _value(session: AsyncSession, sql: str) -> object:
    return (await session.execute(text(sql))).scalar()


async def test_sessions_plan_without_parallel_workers_or_jit(db: Database) -> None:
    async with db.reads() as session:
        workers = await _value(session, "SHOW max_parallel_workers_per_gather")
        jit = await _value(session, "SHOW jit")
    assert (workers, jit) == ("0", "off")


async def test_each_statement_of_a_read_session_is_its_own_transaction(db: Database) -> None:
    async with db.reads() as session:
        first = await _value(session, "SELECT txid_current()")
        second = await _value(session, "SELECT txid_current()")
    assert first != second


async def test_statements_of_a_transaction_share_it(db: Database) -> None:
    async with db.transaction() as session:
        first = await _value(session, "SELECT txid_current()")
        second = await _value(session, "SELECT txid_current()")
    assert first == second
