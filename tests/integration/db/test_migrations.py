"""The migrations, run up and down on SQLite and PostgreSQL, and checked against the ORM."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from pprint import pformat
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection

import berth.registry.tables
import berth.tracking.tables  # noqa: F401
from berth.db.base import Base
from berth.db.engine import migration_engine
from berth.db.migrate import (
    context_options,
    current_revision,
    downgrade,
    head_revision,
    script_directory,
    upgrade,
)
from berth.db.schema_check import SchemaState, check_schema

VERSION_TABLE = "alembic_version"


@asynccontextmanager
async def connect(store_uri: str) -> AsyncIterator[AsyncConnection]:
    engine = migration_engine(store_uri)
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


async def table_names(store_uri: str) -> set[str]:
    async with connect(store_uri) as connection:
        return await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))


def test_there_is_exactly_one_head_revision() -> None:
    heads = script_directory().get_heads()
    assert len(heads) == 1, f"Several head revisions {heads}: merge them with `alembic merge`."


async def test_upgrade_from_empty_reaches_head_and_creates_every_table(database_uri: str) -> None:
    await upgrade(database_uri)

    assert await current_revision(database_uri) == head_revision()
    assert await table_names(database_uri) == set(Base.metadata.tables) | {VERSION_TABLE}


async def test_downgrade_to_base_removes_every_table(migrated_database_uri: str) -> None:
    await downgrade(migrated_database_uri, "base")

    assert await table_names(migrated_database_uri) <= {VERSION_TABLE}
    assert await current_revision(migrated_database_uri) is None


async def test_upgrade_after_downgrade_rebuilds_the_schema(migrated_database_uri: str) -> None:
    await downgrade(migrated_database_uri, "base")
    await upgrade(migrated_database_uri)

    assert await current_revision(migrated_database_uri) == head_revision()
    assert await table_names(migrated_database_uri) == set(Base.metadata.tables) | {VERSION_TABLE}


def _schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts=context_options(connection.engine.url))
    differences: list[Any] = compare_metadata(context, Base.metadata)
    return differences


async def test_migrations_match_the_orm_tables(migrated_database_uri: str) -> None:
    async with connect(migrated_database_uri) as connection:
        differences = await connection.run_sync(_schema_differences)

    assert not differences, (
        "The ORM tables and the migrations have drifted apart:\n"
        f"{pformat(differences)}\n"
        "Write a migration with `make migration m=...` and review it."
    )


async def test_check_schema_reports_empty_on_a_fresh_database(database_uri: str) -> None:
    assert await check_schema(database_uri) is SchemaState.EMPTY


async def test_check_schema_reports_empty_after_downgrade_to_base(
    migrated_database_uri: str,
) -> None:
    await downgrade(migrated_database_uri, "base")

    assert await check_schema(migrated_database_uri) is SchemaState.EMPTY


async def test_check_schema_reports_current_after_upgrade(migrated_database_uri: str) -> None:
    assert await check_schema(migrated_database_uri) is SchemaState.CURRENT


async def test_check_schema_reports_unknown_for_a_revision_this_code_does_not_know(
    migrated_database_uri: str,
) -> None:
    async with connect(migrated_database_uri) as connection:
        await connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = 'f00dfeed'"))
        await connection.commit()

    assert await check_schema(migrated_database_uri) is SchemaState.UNKNOWN


async def test_check_schema_reports_unknown_for_tables_without_a_revision(
    database_uri: str,
) -> None:
    async with connect(database_uri) as connection:
        await connection.execute(text("CREATE TABLE someone_elses (id INTEGER PRIMARY KEY)"))
        await connection.commit()

    assert await check_schema(database_uri) is SchemaState.UNKNOWN


async def test_check_schema_leaves_a_missing_sqlite_file_uncreated(
    sqlite_database_uri: str,
) -> None:
    path = Path(make_url(sqlite_database_uri).database or "")

    assert await check_schema(sqlite_database_uri) is SchemaState.EMPTY
    assert not await asyncio.to_thread(path.exists)


# --- 0006: metrics without a foreign key to runs --------------------------------------------

RUN_WITH_A_METRIC = (
    "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage,"
    " creation_time, last_update_time) VALUES (7, 'e', 'a', 'active', 0, 0)",
    "INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time,"
    " lifecycle_stage, artifact_uri) VALUES ('r1', 7, 'r', 'u', 'RUNNING', 0, 'active', 'a')",
    "INSERT INTO metrics (run_id, key, step, timestamp, value, is_nan)"
    " VALUES ('r1', 'loss', 0, 0, 0.5, false)",
)


async def execute(store_uri: str, *statements: str) -> None:
    async with connect(store_uri) as connection:
        for statement in statements:
            await connection.execute(text(statement))
        await connection.commit()


async def metric_run_ids(store_uri: str) -> list[str]:
    async with connect(store_uri) as connection:
        rows = await connection.execute(text("SELECT run_id FROM metrics ORDER BY run_id"))
        return [row.run_id for row in rows]


async def metric_foreign_keys(store_uri: str) -> list[str | None]:
    async with connect(store_uri) as connection:
        keys = await connection.run_sync(lambda sync: inspect(sync).get_foreign_keys("metrics"))
        return [key["name"] for key in keys]


async def test_dropping_the_metrics_foreign_key_keeps_the_metrics(database_uri: str) -> None:
    await upgrade(database_uri, "0005")
    await execute(database_uri, *RUN_WITH_A_METRIC)

    await upgrade(database_uri, "0006")

    assert await metric_run_ids(database_uri) == ["r1"]
    assert await metric_foreign_keys(database_uri) == []


async def test_restoring_the_metrics_foreign_key_deletes_metrics_without_a_run(
    database_uri: str,
) -> None:
    await upgrade(database_uri, "0006")
    orphan = "INSERT INTO metrics (run_id, key, step, timestamp, value, is_nan)"
    await execute(
        database_uri, *RUN_WITH_A_METRIC, f"{orphan} VALUES ('gone', 'loss', 0, 0, 0.5, false)"
    )

    await downgrade(database_uri, "0005")

    assert await metric_run_ids(database_uri) == ["r1"]
    assert await metric_foreign_keys(database_uri) == ["fk_metrics_run_id_runs"]
