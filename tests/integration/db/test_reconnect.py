"""A pooled connection whose PostgreSQL backend went away (a restart, an operator's
``pg_terminate_backend``) is replaced at checkout, without a ping on every checkout."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import text

from berth.db.engine import create_engine
from berth.db.transaction import Database


async def _backend_pid(db: Database) -> int:
    async with db.transaction() as session:
        return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_the_next_transaction_succeeds_after_the_backend_is_terminated(
    postgres_database_uri: str,
) -> None:
    db = Database(create_engine(postgres_database_uri, pool_size=1))
    try:
        first = await _backend_pid(db)
        admin = await asyncpg.connect(postgres_database_uri)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first)
        finally:
            await admin.close()
        await asyncio.sleep(0.5)  # the server closes the socket; the event loop notices

        assert await _backend_pid(db) != first
    finally:
        await db.dispose()


async def test_checkout_sends_no_ping(postgres_database_uri: str) -> None:
    db = Database(create_engine(postgres_database_uri, pool_size=1))
    pings: list[object] = []

    def count_ping(connection: object) -> bool:
        pings.append(connection)
        return True

    db.engine.sync_engine.dialect.do_ping = count_ping  # type: ignore[method-assign]
    try:
        await _backend_pid(db)
        await _backend_pid(db)
        assert pings == []
    finally:
        await db.dispose()
