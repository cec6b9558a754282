"""``berth db`` and the schema gate of ``berth server``, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from berth.cli import main
from berth.db.engine import create_engine
from berth.db.migrate import head_revision
from berth.db.schema_check import SchemaState, check_schema


def _set_revision(store_uri: str, revision: str) -> None:
    async def update() -> None:
        engine = create_engine(store_uri)
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE alembic_version SET version_num = :r"), {"r": revision}
            )
        await engine.dispose()

    asyncio.run(update())


def test_db_upgrade_brings_an_empty_database_to_head(database_uri: str) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade", "--backend-store-uri", database_uri])
    assert result.exit_code == 0, result.output
    assert f"Database is at revision {head_revision()}" in result.output


def test_db_current_reports_the_revision_and_that_it_is_current(
    migrated_database_uri: str,
) -> None:
    result = CliRunner().invoke(
        main, ["db", "current", "--backend-store-uri", migrated_database_uri]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{head_revision()} (current;")


def test_db_current_reads_the_uri_from_the_environment(migrated_database_uri: str) -> None:
    result = CliRunner().invoke(
        main, ["db", "current"], env={"BERTH_BACKEND_STORE_URI": migrated_database_uri}
    )
    assert result.exit_code == 0, result.output
    assert head_revision() in result.output


def test_server_refuses_a_schema_it_does_not_know_and_says_what_to_do(
    migrated_database_uri: str,
) -> None:
    _set_revision(migrated_database_uri, "9999")
    result = CliRunner().invoke(
        main, ["server", "--backend-store-uri", migrated_database_uri, "--port", "1"]
    )
    assert result.exit_code == 2
    assert "9999" in result.output


def test_server_rejects_an_unsupported_backend_store_uri() -> None:
    result = CliRunner().invoke(main, ["server", "--backend-store-uri", "mysql://u@h/db"])
    assert result.exit_code != 0
    assert "Unsupported backend store" in result.output


@pytest.mark.postgres
def test_postgresql_asyncpg_uri_form_is_accepted(postgres_database_uri: str) -> None:
    asyncpg_uri = postgres_database_uri.replace("postgresql://", "postgresql+asyncpg://", 1)
    runner = CliRunner()
    upgraded = runner.invoke(main, ["db", "upgrade", "--backend-store-uri", asyncpg_uri])
    current = runner.invoke(main, ["db", "current", "--backend-store-uri", asyncpg_uri])
    assert upgraded.exit_code == 0, upgraded.output
    assert current.output.startswith(f"{head_revision()} (current;")


def test_server_with_no_create_schema_leaves_an_empty_database_empty_and_stops(
    sqlite_database_uri: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main,
        ["server", "--backend-store-uri", sqlite_database_uri, "--port", "1"],
        env={"BERTH_CREATE_SCHEMA": "false", "BERTH_ARTIFACTS_DESTINATION": str(tmp_path / "a")},
    )

    assert result.exit_code == 2
    assert "berth db upgrade" in result.output
    assert asyncio.run(check_schema(sqlite_database_uri)) is SchemaState.EMPTY


def test_db_wait_returns_when_the_schema_is_current(migrated_database_uri: str) -> None:
    result = CliRunner().invoke(
        main, ["db", "wait", "--backend-store-uri", migrated_database_uri, "--timeout", "5"]
    )

    assert result.exit_code == 0, result.output
    assert "current" in result.output


def test_db_wait_gives_up_on_an_empty_database_after_the_timeout(
    sqlite_database_uri: str,
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "db",
            "wait",
            "--backend-store-uri",
            sqlite_database_uri,
            "--timeout",
            "0.3",
            "--interval",
            "0.1",
        ],
    )

    assert result.exit_code == 2
    assert "Gave up waiting after 0.3s" in result.output
    assert "berth db upgrade" in result.output


def test_db_wait_stops_at_once_on_a_schema_it_does_not_know(
    migrated_database_uri: str,
) -> None:
    _set_revision(migrated_database_uri, "9999")

    result = CliRunner().invoke(
        main, ["db", "wait", "--backend-store-uri", migrated_database_uri, "--timeout", "60"]
    )

    assert result.exit_code == 2
    assert "9999" in result.output


def test_registry_refuses_a_schema_it_does_not_know_like_server(
    migrated_database_uri: str,
) -> None:
    _set_revision(migrated_database_uri, "9999")
    result = CliRunner().invoke(
        main, ["registry", "--backend-store-uri", migrated_database_uri, "--port", "1"]
    )
    assert result.exit_code == 2
    assert "9999" in result.output
