"""Two ``berth db upgrade`` at once (two hook Jobs, a Job and an operator) take turns on
PostgreSQL's advisory lock instead of racing to create the same tables."""

from __future__ import annotations

import asyncio
import sys

from sqlalchemy import text

from berth.db.migrate import MIGRATION_LOCK_ID, current_revision, head_revision, upgrade
from berth.db.schema_check import SchemaState, check_schema
from tests.integration.db.test_migrations import connect


async def test_an_upgrade_waits_while_another_holds_the_migration_lock(
    postgres_database_uri: str,
) -> None:
    async with connect(postgres_database_uri) as holder:
        await holder.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        await holder.commit()
        waiting = asyncio.create_task(upgrade(postgres_database_uri))
        await asyncio.sleep(2.0)

        assert not waiting.done()
        assert await check_schema(postgres_database_uri) is SchemaState.EMPTY

        await holder.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
        await holder.commit()
        await asyncio.wait_for(waiting, timeout=60)

    assert await current_revision(postgres_database_uri) == head_revision()


async def test_concurrent_berth_db_upgrade_processes_on_an_empty_database_all_succeed(
    postgres_database_uri: str,
) -> None:
    # Separate processes, as two Jobs would be (Alembic's context is one per process).
    command = [sys.executable, "-m", "berth", "db", "upgrade"]
    processes = [
        await asyncio.create_subprocess_exec(
            *command,
            "--backend-store-uri",
            postgres_database_uri,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    outputs = await asyncio.gather(*(p.communicate() for p in processes))

    failures = [
        out.decode() for p, (out, _) in zip(processes, outputs, strict=True) if p.returncode
    ]
    assert failures == []
    assert await current_revision(postgres_database_uri) == head_revision()
