"""Alembic's environment for Berth: async engines, every slice's tables, URL set by code.

Run through :mod:`berth.db.migrate`, which builds the Config (there is no alembic.ini) and
calls Alembic from a worker thread, so ``asyncio.run`` here owns that thread's event loop.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

# Importing a slice's tables module registers its tables on Base.metadata: list every slice.
import berth.registry.tables
import berth.tracking.tables  # noqa: F401
from berth.db.base import Base
from berth.db.engine import async_url, migration_engine
from berth.db.migrate import context_options, migration_lock

config = context.config
target_metadata = Base.metadata


def _store_uri() -> str:
    store_uri = config.get_main_option("sqlalchemy.url")
    if not store_uri:
        raise RuntimeError(
            "No database URL: build the Alembic config with berth.db.migrate.alembic_config(uri)."
        )
    return store_uri


def run_migrations_offline() -> None:
    """Write the SQL to stdout (``--sql``) instead of running it."""
    url = async_url(_store_uri())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **context_options(url),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_migrations(connection: Connection) -> None:
    # The lock is taken before Alembic reads the current revision, so the second of two
    # concurrent upgrades sees the first one's work.
    with migration_lock(connection):
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            **context_options(connection.engine.url),
        )
        with context.begin_transaction():
            context.run_migrations()


async def run_migrations_online() -> None:
    engine = migration_engine(_store_uri())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
