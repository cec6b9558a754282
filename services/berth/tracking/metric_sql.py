"""Metrics in SQL: the rows a batch writes, its one-statement write on PostgreSQL, and the
columns and orders in which histories are read.

Every write of metrics goes through ``metric_rows`` (primary-key order, so concurrent batches
lock rows in one order) and locks its run ``KEY_SHARE`` once: ``metrics`` has no foreign key
to ``runs`` (migration 0006), the store keeps that rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Subquery, and_, case, func, literal, or_, select, text, true, tuple_
from sqlalchemy.sql.selectable import ForUpdateParameter

from berth.tracking import tables as t
from berth.tracking.entities import Metric
from berth.tracking.run_rows import read_value, stored_value

KEY_SHARE: ForUpdateParameter = {"key_share": True}
"""The lock a foreign key check takes on the row it refers to: no one can delete the row (or
change its key) until the transaction ends; updates of other columns go on. Writes of metrics
take it on their run once, where a foreign key on ``metrics`` would take it once per row."""

_METRIC_ARRAYS = ("key", "step", "timestamp", "value", "is_nan", "dataset_name", "dataset_digest")
_LATEST_ARRAYS = ("key", "step", "timestamp", "value", "is_nan")

# Data-modifying CTEs all run, on one snapshot, whatever the final SELECT reads. ``run`` locks
# the run (``KEY_SHARE``); if a gc deleted it meanwhile, the lock finds no row. Rows come in
# as one array per column (a fixed statement text, whatever the batch size, so asyncpg's
# prepared statement is reused); unnest keeps their order, the primary-key order. ``latest``
# is the store's upsert of latest values (``_upsert_latest_metrics``), with the same condition
# for a newer value.
LOG_METRICS = text(
    """
WITH run AS (
    SELECT lifecycle_stage FROM runs WHERE run_id = :run_id FOR KEY SHARE
), active AS (
    SELECT 1 FROM run WHERE lifecycle_stage = 'active'
), inserted AS (
    INSERT INTO metrics
        (run_id, key, step, timestamp, value, is_nan, dataset_name, dataset_digest)
    SELECT :run_id, p.* FROM unnest(
        CAST(:m_key AS VARCHAR[]), CAST(:m_step AS BIGINT[]), CAST(:m_timestamp AS BIGINT[]),
        CAST(:m_value AS DOUBLE PRECISION[]), CAST(:m_is_nan AS BOOLEAN[]),
        CAST(:m_dataset_name AS VARCHAR[]), CAST(:m_dataset_digest AS VARCHAR[])
    ) AS p WHERE EXISTS (SELECT 1 FROM active)
    ON CONFLICT DO NOTHING
), latest AS (
    INSERT INTO latest_metrics AS old (run_id, key, step, timestamp, value, is_nan)
    SELECT :run_id, p.* FROM unnest(
        CAST(:l_key AS VARCHAR[]), CAST(:l_step AS BIGINT[]), CAST(:l_timestamp AS BIGINT[]),
        CAST(:l_value AS DOUBLE PRECISION[]), CAST(:l_is_nan AS BOOLEAN[])
    ) AS p WHERE EXISTS (SELECT 1 FROM active)
    ON CONFLICT (run_id, key) DO UPDATE SET
        step = excluded.step, timestamp = excluded.timestamp,
        value = excluded.value, is_nan = excluded.is_nan
    WHERE excluded.step > old.step
        OR (excluded.step = old.step AND excluded.timestamp > old.timestamp)
        OR (excluded.step = old.step AND excluded.timestamp = old.timestamp
            AND excluded.value > old.value)
)
SELECT lifecycle_stage FROM run
"""
)


def metric_rows(run_id: str, metrics: Sequence[Metric]) -> list[dict[str, Any]]:
    """Rows of ``metrics`` in primary-key order, as everywhere: concurrent batches then lock
    rows in the same order and cannot deadlock each other on PostgreSQL."""
    rows = []
    for metric in metrics:
        value, is_nan = stored_value(metric.value)
        rows.append(
            {
                "run_id": run_id,
                "key": metric.key,
                "step": metric.step,
                "timestamp": metric.timestamp,
                "value": value,
                "is_nan": is_nan,
                "model_id": metric.model_id,
                "dataset_name": metric.dataset_name,
                "dataset_digest": metric.dataset_digest,
            }
        )
    rows.sort(key=lambda r: (r["key"], r["step"], r["timestamp"], r["value"], r["is_nan"]))
    return rows


def newest(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each key's latest row, by key: the first of its greatest (step, timestamp, value)."""
    newest: dict[str, dict[str, Any]] = {}
    for row in rows:
        current = newest.get(row["key"])
        if current is None or _latest_order(row) > _latest_order(current):
            newest[row["key"]] = row
    return [row for _, row in sorted(newest.items())]


def _columns(rows: Sequence[dict[str, Any]], prefix: str, names: Sequence[str]) -> dict[str, Any]:
    """Rows as one list per column, the parameters of ``unnest``."""
    return {f"{prefix}{name}": [row[name] for row in rows] for name in names}


def _latest_order(row: dict[str, Any]) -> tuple[int, int, float]:
    return (row["step"], row["timestamp"], row["value"])


def log_metrics_parameters(run_id: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The parameters of ``LOG_METRICS`` for ``rows`` (from ``metric_rows``)."""
    return {
        "run_id": run_id,
        **_columns(rows, "m_", _METRIC_ARRAYS),
        **_columns(newest(rows), "l_", _LATEST_ARRAYS),
    }


# History is read as plain rows: building ORM objects was most of a long history's cost.
HISTORY_COLUMNS = (
    t.MetricRow.value,
    t.MetricRow.timestamp,
    t.MetricRow.step,
    t.MetricRow.is_nan,
    t.MetricRow.model_id,
    t.MetricRow.dataset_name,
    t.MetricRow.dataset_digest,
)
"""The columns of a :class:`MetricPoint`, in its order."""

# The primary key after (run_id, key): a total order of one key's points.
HISTORY_ORDER = (t.MetricRow.step, t.MetricRow.timestamp, t.MetricRow.value, t.MetricRow.is_nan)
HISTORY_POSITION_TYPES = (int, int, float, bool)


def history_position(position: Sequence[Any]) -> Any:
    """A keyset token's sort key as a row value, each part typed as its column."""
    return tuple_(
        *(literal(part, column.type) for part, column in zip(position, HISTORY_ORDER, strict=True))
    )


METRIC_COLUMNS = (t.MetricRow.run_id, t.MetricRow.key, *HISTORY_COLUMNS)
"""The columns of a :class:`Metric` with its run: a point's, after the run and key."""


def metric_from_row(row: Any, *, with_run: bool = False) -> Metric:
    """A metric from a row of ``metrics`` (an entity or a row of METRIC_COLUMNS) or of
    ``logged_model_metrics``, which has the same columns."""
    return Metric(
        key=row.key,
        value=read_value(row.value, row.is_nan),
        timestamp=row.timestamp,
        step=row.step,
        run_id=row.run_id if with_run else None,
        model_id=row.model_id,
        dataset_name=row.dataset_name,
        dataset_digest=row.dataset_digest,
    )


def sampled_steps(
    run_ids: Sequence[str],
    key: str,
    start_step: int | None,
    end_step: int | None,
    max_points: int,
) -> Subquery:
    """(run_id, step) of the steps sampled from each run: all of them when there are at most
    ``max_points``; else the last alone for one point; else the steps at positions
    ``round(i * (n - 1) / (max_points - 1))`` for i in 0..max_points-1 (n distinct steps,
    ties rounded to even), which spreads them evenly and keeps both ends.

    Each distinct step gets its position ``r`` and its run's step count ``n`` from window
    functions (SQLite 3.25+, PostgreSQL) over the steps grouped in index order; both windows
    share one ordering (``n`` over the whole partition), so neither database sorts. Whether
    some i rounds to ``r`` is decided in exact integer arithmetic: with a = n - 1 and
    b = max_points - 1 (a > b, so at most one i can), the candidate is
    i = floor((2r + 1) b / 2a), and x = 2ia must lie in [(2r - 1) b, (2r + 1) b], an end
    meaning a tie at r +- 1/2, which rounds to r when r is even.
    """
    steps = (
        select(t.MetricRow.run_id, t.MetricRow.step)
        .where(t.MetricRow.run_id.in_(run_ids), t.MetricRow.key == key)
        .group_by(t.MetricRow.run_id, t.MetricRow.step)
    )
    if start_step is not None:
        steps = steps.where(t.MetricRow.step >= start_step)
    if end_step is not None:
        steps = steps.where(t.MetricRow.step <= end_step)
    run, step = t.MetricRow.run_id, t.MetricRow.step
    ranked = steps.add_columns(
        (func.row_number().over(partition_by=run, order_by=step) - 1).label("r"),
        func.count().over(partition_by=run, order_by=step, rows=(None, None)).label("n"),
    ).subquery("ranked_steps")
    r, n = ranked.c.r, ranked.c.n
    if max_points == 1:
        spread = r == n - 1
    else:
        a, b = n - 1, max_points - 1
        x = 2 * a * ((2 * r + 1) * b // (2 * a))
        low, high = (2 * r - 1) * b, (2 * r + 1) * b
        spread = and_(x >= low, or_(and_(x > low, x < high), r % 2 == 0))
    # CASE, not OR: the spread's division must never see a run of one step (a = 0).
    chosen = case((n <= max_points, true()), else_=spread)
    return select(ranked.c.run_id, ranked.c.step).where(chosen).subquery("sampled_steps")
