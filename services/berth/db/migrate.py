"""Applying the schema migrations: the small async API behind ``berth db`` and the server.

Alembic's command API is synchronous, and its ``env.py`` runs the async engine with
``asyncio.run``. Each command therefore runs in a worker thread (``asyncio.to_thread``) with
its own event loop and its own engine, disposed before the thread returns. The caller's event
loop is never blocked, neither by the database nor by Alembic reading and compiling the
revision files, and ``env.py`` stays Alembic's ordinary async recipe, so the same file serves
these functions and a contributor calling ``alembic.command.revision`` from a plain script.

The alembic :class:`~alembic.config.Config` is built in one place, :func:`alembic_config`;
there is no ``alembic.ini``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection

from berth.db.engine import is_sqlite, migration_engine, sqlite_file_missing

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# The PostgreSQL advisory lock that serialises migrations ("berth" in ASCII): two
# ``berth db upgrade`` at once (two hook Jobs, a Job and an operator) take turns.
MIGRATION_LOCK_ID = 0x6265727468

# Revision files are named by date, then revision id: 2026_11_23_0001_tracking_schema.py.
# ConfigParser interpolation eats one level of %.
FILE_TEMPLATE = "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s"


def alembic_config(store_uri: str | None = None) -> Config:
    """The Alembic configuration for Berth's migrations, pointed at ``store_uri`` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.set_main_option("path_separator", "os")
    # A generated revision (``alembic.command.revision``) comes out formatted like the code.
    config.set_section_option("post_write_hooks", "hooks", "ruff_format")
    config.set_section_option("post_write_hooks", "ruff_format.type", "module")
    config.set_section_option("post_write_hooks", "ruff_format.module", "ruff")
    config.set_section_option(
        "post_write_hooks", "ruff_format.options", "format REVISION_SCRIPT_FILENAME"
    )
    if store_uri is not None:
        # A password may carry URL escapes (%40); ConfigParser would read them as interpolation.
        config.set_main_option("sqlalchemy.url", store_uri.replace("%", "%%"))
    return config


def context_options(url: URL) -> dict[str, Any]:
    """How migrations are compared and rendered; shared by ``env.py`` and the drift test."""
    return {
        "compare_type": True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        "render_as_batch": is_sqlite(url),
    }


@contextmanager
def migration_lock(connection: Connection) -> Iterator[None]:
    """Hold Berth's migration lock on ``connection`` while the block runs (PostgreSQL).

    A session-level advisory lock: the second migrator waits here, then finds the schema at
    head and has nothing left to do. It is released on exit, and by PostgreSQL if the process
    dies. SQLite has no server to hold a lock; a SQLite database is one process's file.
    """
    if connection.dialect.name != "postgresql":
        yield
        return
    lock = {"id": MIGRATION_LOCK_ID}
    if not connection.execute(text("SELECT pg_try_advisory_lock(:id)"), lock).scalar_one():
        log.info("Another migration holds the lock; waiting for it to finish")
        connection.execute(text("SELECT pg_advisory_lock(:id)"), lock)
    # The lock outlives transactions; end this one so Alembic begins its own.
    connection.commit()
    try:
        yield
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:id)"), lock)
        connection.commit()


def script_directory() -> ScriptDirectory:
    """The revision files shipped with this code."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The revision this code expects the database to be at."""
    head = script_directory().get_current_head()
    if head is None:  # pragma: no cover - the migrations folder ships with the code
        raise RuntimeError(f"No migrations found in {MIGRATIONS_DIR}.")
    return head


def known_revisions() -> frozenset[str]:
    """Every revision id this code has a migration for."""
    return frozenset(script.revision for script in script_directory().walk_revisions())


async def upgrade(store_uri: str, revision: str = "head") -> None:
    """Migrate the database at ``store_uri`` up to ``revision`` (creating the schema if empty)."""
    await asyncio.to_thread(command.upgrade, alembic_config(store_uri), revision)


async def downgrade(store_uri: str, revision: str) -> None:
    """Migrate the database at ``store_uri`` down to ``revision`` (``"base"`` drops everything)."""
    await asyncio.to_thread(command.downgrade, alembic_config(store_uri), revision)


async def current_revision(store_uri: str) -> str | None:
    """The revision recorded in the database, or None when it has none."""
    heads = await current_heads(store_uri)
    if len(heads) > 1:
        raise RuntimeError(f"The database records several schema revisions: {sorted(heads)}.")
    return next(iter(heads), None)


async def current_heads(store_uri: str) -> tuple[str, ...]:
    """Every revision recorded in ``alembic_version`` (one, for a linear history)."""
    if await asyncio.to_thread(sqlite_file_missing, store_uri):
        return ()
    engine = migration_engine(store_uri)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_heads)
    finally:
        await engine.dispose()


def _heads(connection: Connection) -> tuple[str, ...]:
    return MigrationContext.configure(connection).get_current_heads()
