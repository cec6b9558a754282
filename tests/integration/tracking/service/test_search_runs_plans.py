"""On PostgreSQL, a run search filtered on a metric and a param and ordered by another metric
walks ``ix_latest_metrics_key_is_nan_value_run`` and stops after a page: the statement the real
search runs is explained on an experiment seeded like the benchmark's, analysed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from berth.db.engine import create_engine
from berth.tracking.entities import ViewType
from tests.integration.tracking.service.support import Tracking

pytestmark = pytest.mark.postgres

RUNS = 20_000

# Each run: params p1 (x, y, z or w) and p2, metrics m1 and m2 uniform in [0, 1).
SEED = """
INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, lifecycle_stage,
                  artifact_uri)
SELECT md5(i::text), :experiment_id, 'r' || i, 'u', 'FINISHED', i, 'active', 'a'
FROM generate_series(1, :runs) AS i;
INSERT INTO params (run_id, key, value)
SELECT md5(i::text), 'p' || k, CASE WHEN k = 1 THEN (ARRAY['x', 'y', 'z', 'w'])[1 + i % 4]
                                    ELSE 'v' || i END
FROM generate_series(1, :runs) AS i, generate_series(1, 2) AS k;
INSERT INTO latest_metrics (run_id, key, step, timestamp, value, is_nan)
SELECT md5(i::text), 'm' || k, 0, 0, random(), false
FROM generate_series(1, :runs) AS i, generate_series(1, 2) AS k;
"""


@pytest.fixture
def module_database_uri(module_postgres_database_uri: str) -> str:
    """PostgreSQL only: SQLite's planner is not what this file is about."""
    return module_postgres_database_uri


async def _seed(uri: str, experiment_id: str) -> None:
    engine = create_engine(uri)
    try:
        async with engine.begin() as connection:
            for statement in SEED.split(";")[:-1]:
                await connection.execute(
                    text(statement), {"experiment_id": int(experiment_id), "runs": RUNS}
                )
            await connection.execute(text("ANALYZE runs, params, latest_metrics"))
    finally:
        await engine.dispose()


async def _plan_of_search(uri: str, search: Callable[[], Awaitable[object]]) -> str:
    """EXPLAIN of the page statement the search really runs, with its bound parameters."""
    executed: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        _connection, _cursor, statement, parameters = args[:4]
        executed.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        await search()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    statement, parameters = next((sql, p) for sql, p in executed if "LIMIT" in sql)
    engine = create_engine(uri)
    try:
        async with engine.connect() as connection:  # planned with the server's settings
            rows = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            return "\n".join(row[0] for row in rows)
    finally:
        await engine.dispose()


async def _plan_of_benchmark_search(
    tracking: Tracking, uri: str, experiment_id: str, direction: str
) -> str:
    """The plan of the benchmark's filter + order search, ordered by ``m2`` in ``direction``."""
    return await _plan_of_search(
        uri,
        lambda: tracking.service.search_runs(
            [experiment_id],
            "metrics.m1 > 0.5 and params.p1 = 'x'",
            ViewType.ACTIVE_ONLY,
            100,
            [f"metrics.m2 {direction}"],
            None,
        ),
    )


@pytest.mark.parametrize("direction", ["DESC", "ASC"])
async def test_filter_and_order_by_a_metric_walk_the_metric_index(
    tracking: Tracking, tracking_database_uri: str, direction: str
) -> None:
    experiment_id = await tracking.experiment()
    await _seed(tracking_database_uri, experiment_id)

    plan = await _plan_of_benchmark_search(
        tracking, tracking_database_uri, experiment_id, direction
    )

    assert "ix_latest_metrics_key_is_nan_value_run" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert "Limit" in plan.splitlines()[0], plan


async def test_once_vacuumed_the_metric_walk_reads_the_index_alone(
    tracking: Tracking, tracking_database_uri: str
) -> None:
    experiment_id = await tracking.experiment()
    await _seed(tracking_database_uri, experiment_id)
    engine = create_engine(tracking_database_uri)
    try:
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE latest_metrics")
    finally:
        await engine.dispose()

    plan = await _plan_of_benchmark_search(tracking, tracking_database_uri, experiment_id, "DESC")

    assert "Index Only Scan Backward using ix_latest_metrics_key_is_nan_value_run" in plan, plan
