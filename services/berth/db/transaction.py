"""One database handle per process and the transaction scope the services own.

A service method opens ``async with db.transaction() as session`` once; everything inside
commits together or not at all, whichever transport called it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self._autocommit_sessions = async_sessionmaker(
            engine.execution_options(isolation_level="AUTOCOMMIT"),
            expire_on_commit=False,
            autoflush=False,
        )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        async with self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def single_statement(self) -> AsyncIterator[AsyncSession]:
        """A session for a use case the store writes in one statement on PostgreSQL, which
        is atomic on its own: without BEGIN and COMMIT it is one round trip instead of
        three. On SQLite, where stores write statement by statement (and transactions are
        managed by _begin_immediately), it is ``transaction()``."""
        async with self._without_transaction() as session:
            yield session

    @asynccontextmanager
    async def reads(self) -> AsyncIterator[AsyncSession]:
        """A session for a use case that only reads. On PostgreSQL it runs without BEGIN and
        COMMIT, two round trips that would change nothing: at READ COMMITTED each statement
        reads its own snapshot inside a transaction too. On SQLite it is ``transaction()``."""
        async with self._without_transaction() as session:
            yield session

    @asynccontextmanager
    async def _without_transaction(self) -> AsyncIterator[AsyncSession]:
        if self.dialect != "postgresql":
            async with self.transaction() as session:
                yield session
            return
        async with self._autocommit_sessions() as session:
            yield session

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()
