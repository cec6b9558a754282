"""On PostgreSQL, tag filters of registry searches are served by an index, not a scan."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert, text
from sqlalchemy.dialects import postgresql

from berth.registry import search
from berth.registry import tables as t
from berth.tracking.search.grammar import parse_model_version_filter, parse_registered_model_filter
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


async def _plan(world: World, statement: Any) -> str:
    compiled = statement.compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    async with world.db.transaction() as session:
        rows = await session.execute(text(f"EXPLAIN {compiled}"))
        return "\n".join(row[0] for row in rows)


async def test_a_registered_model_tag_filter_uses_an_index(world: World) -> None:
    await _fill(world)
    comparisons = parse_registered_model_filter("tags.`k1-7` = 'v57'")
    statement = t.RegisteredModelRow.__table__.select().where(
        *search.registered_model_filter(comparisons)
    )

    plan = await _plan(world, statement)

    assert "Seq Scan on registered_model_tags" not in plan, plan
    assert "ix_registered_model_tags_key_registered_model_id" in plan or (
        "pk_registered_model_tags" in plan
    ), plan


async def test_a_model_version_tag_filter_uses_an_index(world: World) -> None:
    await _fill(world)
    comparisons = parse_model_version_filter("tags.`k2-7` = 'v57'")
    statement = (
        t.ModelVersionRow.__table__.select()
        .join(
            t.RegisteredModelRow, t.RegisteredModelRow.id == t.ModelVersionRow.registered_model_id
        )
        .where(*search.model_version_filter(comparisons))
    )

    plan = await _plan(world, statement)

    assert "Seq Scan on model_version_tags" not in plan, plan
    assert "ix_model_version_tags_key_registered_model_id_version" in plan or (
        "pk_model_version_tags" in plan
    ), plan
