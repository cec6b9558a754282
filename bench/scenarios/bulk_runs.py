"""Growing the search scenario's experiment beyond what is worth making through the API.

Seeding 100,000 runs through ``mlflow server`` (~40 runs/s here) would take ~45 minutes on
its own, so runs past ``--api-seed-max`` are written straight into each server's own schema
in one transaction, with the same shape as ``seeded_run_data`` (5 params, 5 metrics, the
3 tags and the run-name tag the servers add). Both servers get the same rows by the same
means; only the queries afterwards are measured, and the seeding figure comes from the
API-made runs.
"""

from __future__ import annotations

import time

import asyncpg

from bench.servers import POSTGRES, RunningServer

_GENERATED = """
CREATE TEMP TABLE grown ON COMMIT DROP AS
SELECT g AS i,
       md5(random()::text || g::text) AS run_id,
       (extract(epoch FROM clock_timestamp()) * 1000)::bigint + g AS ts
FROM generate_series($1::bigint, $2::bigint - 1) AS g
"""

# Per server: the run row, then each child table's insert, reading from ``grown`` (i, run_id,
# ts) and, for the children, ``k`` (1..5) or the tag number.
_RUNS = {
    "mlflow": """
INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,
                  start_time, end_time, source_version, lifecycle_stage, artifact_uri,
                  experiment_id)
SELECT run_id, 'grown-' || i, 'LOCAL', '', '', 'bench', 'RUNNING', ts, NULL, '', 'active',
       e.artifact_location || '/' || run_id || '/artifacts', e.experiment_id
FROM grown, experiments e WHERE e.experiment_id = $1::int
""",
    "berth": """
INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time,
                  lifecycle_stage, artifact_uri)
SELECT run_id, e.experiment_id, 'grown-' || i, 'bench', 'RUNNING', ts, NULL, 'active',
       e.artifact_location || '/' || run_id || '/artifacts'
FROM grown, experiments e WHERE e.experiment_id = $1::bigint
""",
}

_RUN_COLUMN = {"mlflow": "run_uuid", "berth": "run_id"}
_TAG_TABLE = {"mlflow": "tags", "berth": "run_tags"}

_PARAMS = """
INSERT INTO params ({run}, key, value)
SELECT run_id, 'p' || k,
       CASE WHEN k = 1 THEN substr('xyzw', (i % 4)::int + 1, 1) ELSE (i % (10 * k))::text END
FROM grown, generate_series(1, 5) AS k
"""
_TAGS = """
INSERT INTO {table} ({run}, key, value)
SELECT run_id, 't' || k, 'tag-' || (i % (k + 2)) FROM grown, generate_series(1, 3) AS k
UNION ALL
SELECT run_id, 'mlflow.runName', 'grown-' || i FROM grown
"""
_METRICS = """
INSERT INTO metrics ({run}, key, value, timestamp, step, is_nan)
SELECT run_id, 'm' || k, random(), ts, 0, false FROM grown, generate_series(1, 5) AS k
"""
_LATEST_FROM_METRICS = """
INSERT INTO latest_metrics ({run}, key, value, timestamp, step, is_nan)
SELECT m.{run}, m.key, m.value, m.timestamp, m.step, m.is_nan
FROM metrics m JOIN grown g ON g.run_id = m.{run}
"""


async def grow_runs(server: RunningServer, experiment_id: str, start: int, end: int) -> float:
    """Runs ``start``..``end - 1`` of the experiment written in SQL; the seconds it took."""
    run = _RUN_COLUMN[server.name]
    started = time.monotonic()
    conn = await asyncpg.connect(f"{POSTGRES}/{server.database}")
    try:
        async with conn.transaction():
            await conn.execute(_GENERATED, start, end)
            await conn.execute(_RUNS[server.name], int(experiment_id))
            await conn.execute(_PARAMS.format(run=run))
            await conn.execute(_TAGS.format(table=_TAG_TABLE[server.name], run=run))
            await conn.execute(_METRICS.format(run=run))
            await conn.execute(_LATEST_FROM_METRICS.format(run=run))
    finally:
        await conn.close()
    return time.monotonic() - started
