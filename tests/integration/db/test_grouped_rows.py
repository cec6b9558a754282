"""``grouped_rows``: the rows of a statement over many owners, grouped by owner, read in
chunks of keys; on PostgreSQL through the driver, elsewhere through SQLAlchemy."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal, select, union_all

from berth.db.engine import create_engine
from berth.db.queries import IN_CHUNK, Membership, RowsStatement, grouped_rows
from berth.db.transaction import Database
from berth.tracking import tables as t


def _params_and_tags(member: Membership) -> RowsStatement:
    return union_all(
        select(t.ParamRow.run_id, literal("p"), t.ParamRow.key).where(member(t.ParamRow.run_id)),
        select(t.RunTagRow.run_id, literal("t"), t.RunTagRow.key).where(member(t.RunTagRow.run_id)),
    )


async def _seed(db: Database, runs: int) -> list[str]:
    ids = [f"{n:032x}" for n in range(runs)]
    async with db.transaction() as session:
        session.add(
            t.ExperimentRow(
                experiment_id=7,
                name="e",
                artifact_location="a",
                lifecycle_stage="active",
                creation_time=0,
                last_update_time=0,
            )
        )
        await session.flush()
        for run_id in ids:
            session.add(
                t.RunRow(
                    run_id=run_id,
                    experiment_id=7,
                    name="r",
                    user_id="u",
                    status="FINISHED",
                    start_time=0,
                    lifecycle_stage="active",
                    artifact_uri="a",
                )
            )
        await session.flush()
        session.add_all(t.ParamRow(run_id=r, key="p", value="v") for r in ids)
        session.add_all(t.RunTagRow(run_id=r, key=k, value="v") for r in ids for k in "ab")
    return ids


async def test_rows_of_every_owner_across_chunks(migrated_database_uri: str) -> None:
    db = Database(create_engine(migrated_database_uri))
    try:
        ids = await _seed(db, IN_CHUNK + 5)
        async with db.reads() as session:
            found = await grouped_rows(session, _params_and_tags, ids[1:])

        assert set(found) == set(ids[1:])
        rows: list[Any] = found[ids[-1]]
        assert sorted(tuple(row) for row in rows) == [
            (ids[-1], "p", "p"),
            (ids[-1], "t", "a"),
            (ids[-1], "t", "b"),
        ]
    finally:
        await db.dispose()
