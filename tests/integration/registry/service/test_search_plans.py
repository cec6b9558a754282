"""On PostgreSQL, tag filters of registry searches are served by an index, not a scan: the
statement each search really runs (with its prompt exclusion, order and page) is explained."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import event, insert, text

from berth.registry import tables as t
from tests.integration.registry.service.conftest import World

pytestmark = pytest.mark.postgres

MODELS = 3000


@pytest.fixture
def module_database_uri(module_postgres_database_uri: str) -> str:
    """PostgreSQL only: SQLite's planner is not what this file is about."""
    return module_postgres_database_uri


async def _fill(world: World) -> None:
    """Many models and versions, each with a few tags, so the planner weighs real costs."""
    async with world.db.transaction() as session:
        await session.execute(
            insert(t.RegisteredModelRow),
            [
                {"id": i, "name": f"m{i}", "creation_time": 0, "last_updated_time": 0}
                for i in range(1, MODELS + 1)
            ],
        )
        await session.execute(
            insert(t.ModelVersionRow),
            [
                {
                    "registered_model_id": i,
                    "version": 1,
                    "creation_time": 0,
                    "last_updated_time": 0,
                    "current_stage": "None",
                    "source": "s",
                    "storage_location": "s",
                    "status": 3,
                }
                for i in range(1, MODELS + 1)
            ],
        )
        tags: list[dict[str, Any]] = [
            {"registered_model_id": i, "key": f"k{j}-{i % 50}", "value": f"v{i}"}
            for i in range(1, MODELS + 1)
            for j in range(4)
        ]
        await session.execute(insert(t.RegisteredModelTagRow), tags)
        await session.execute(insert(t.ModelVersionTagRow), [{**tag, "version": 1} for tag in tags])
        await session.execute(text("ANALYZE"))


async def _plan_of_search(world: World, search: Callable[[], Awaitable[object]], table: str) -> str:
    """EXPLAIN of the statement the real search runs against ``table`` (its page query),
    captured from the driver with its parameters as they were bound."""
    executed: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        _connection, _cursor, statement, parameters = args[:4]
        executed.append((statement, parameters))

    engine = world.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        await search()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    statement, parameters = next(
        (sql, params) for sql, params in executed if f"FROM {table}" in sql and "LIMIT" in sql
    )
    async with world.db.engine.connect() as connection:
        rows = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return "\n".join(row[0] for row in rows)


async def test_a_registered_model_tag_filter_uses_an_index(world: World) -> None:
    await _fill(world)

    plan = await _plan_of_search(
        world,
        lambda: world.registry.search_registered_models("tags.`k1-7` = 'v57'", 10, [], None),
        "registered_models",
    )

    assert "Seq Scan on registered_model_tags" not in plan, plan
    assert "ix_registered_model_tags_key_registered_model_id" in plan or (
        "pk_registered_model_tags" in plan
    ), plan


async def test_a_model_version_tag_filter_uses_an_index(world: World) -> None:
    await _fill(world)

    plan = await _plan_of_search(
        world,
        lambda: world.registry.search_model_versions("tags.`k2-7` = 'v57'", 10, [], None),
        "model_versions",
    )

    assert "Seq Scan on model_version_tags" not in plan, plan
    assert "ix_model_version_tags_key_registered_model_id_version" in plan or (
        "pk_model_version_tags" in plan
    ), plan
