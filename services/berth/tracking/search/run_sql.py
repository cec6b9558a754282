"""Run search compiled to SQL: a filter on params, metrics, tags, attributes and datasets
becomes ``EXISTS`` probes on primary keys, never a scan in Python.

A search's statements are built once per shape (:func:`page_statements`) and run with its
values as parameters."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, exists, not_, or_, select
from sqlalchemy.orm import aliased

from berth.tracking import tables as t
from berth.tracking.entities import LifecycleStage
from berth.tracking.search.grammar import Comparison, OrderKey
from berth.tracking.search.page_token import pageable
from berth.tracking.search.predicates import compare, nulls_last

DATASET_CONTEXT_TAG = "mlflow.data.context"

_ATTRIBUTES: dict[str, Any] = {
    "run_id": t.RunRow.run_id,
    "run_name": t.RunRow.name,
    "status": t.RunRow.status,
    "artifact_uri": t.RunRow.artifact_uri,
    "user_id": t.RunRow.user_id,
    "start_time": t.RunRow.start_time,
    "end_time": t.RunRow.end_time,
}

_Arity = int | None
"""How many values a comparison has: None for none (IS NULL), -1 for one, n for a list of n."""

_Shape = tuple[tuple[tuple[Comparison, _Arity], ...], tuple[OrderKey, ...]]
"""A search without its values: each comparison, its value taken out, with its arity."""


def page_statements(
    experiment_ids: Sequence[int],
    stages: Sequence[LifecycleStage],
    comparisons: Sequence[Comparison],
    keys: Sequence[OrderKey],
) -> tuple[Sequence[Select[*tuple[Any, ...]]], dict[str, Any]]:
    """The runs of ``experiment_ids`` in ``stages`` that match ``comparisons``, in the order
    of ``keys``: the :func:`ordered_parts` statements (``page_token.pageable``) and the
    values to run them with.

    The statements are built once per shape of search (fields, operators, list lengths and
    order; values are parameters) and kept: building a filtered, ordered statement and
    computing SQLAlchemy's cache key of it took about a fifth of a search page's time, and
    a kept statement's key is computed once."""
    values: dict[str, Any] = {"experiment_ids": list(experiment_ids), "stages": list(stages)}
    shaped: list[tuple[Comparison, _Arity]] = []
    for index, c in enumerate(comparisons):
        arity: _Arity = None
        if isinstance(c.value, tuple):
            values |= {f"value_{index}_{n}": v for n, v in enumerate(c.value)}
            arity = len(c.value)
        elif c.value is not None:
            values[f"value_{index}"] = c.value
            arity = -1
        shaped.append((replace(c, value=None), arity))
    return _statements((tuple(shaped), tuple(keys))), values


@functools.lru_cache(maxsize=256)
def _statements(shape: _Shape) -> tuple[Select[*tuple[Any, ...]], ...]:
    comparisons, keys = shape
    conditions = (_condition(c, _stand_in(i, arity)) for i, (c, arity) in enumerate(comparisons))
    runs = (
        select(t.RunRow.__table__)
        .where(t.RunRow.experiment_id.in_(bindparam("experiment_ids", expanding=True)))
        .where(t.RunRow.lifecycle_stage.in_(bindparam("stages", expanding=True)))
        .where(*conditions)
    )
    return tuple(pageable(part) for part in ordered_parts(runs, keys))


def _stand_in(index: int, arity: _Arity) -> Any:
    """The parameters standing in for the value of comparison ``index``."""
    if arity is None:
        return None
    if arity < 0:
        return bindparam(f"value_{index}")
    return tuple(bindparam(f"value_{index}_{n}") for n in range(arity))


def _condition(c: Comparison, value: Any) -> ColumnElement[bool]:
    if c.kind == "attribute":
        return compare(_ATTRIBUTES[c.key], c, value)
    if c.kind == "metric":
        m = t.LatestMetricRow
        # NaN equals nothing, so it is "!=" every number, as in MLflow.
        matches = and_(m.is_nan.is_(False), compare(m.value, c, value))
        if c.op == "!=":
            matches = or_(matches, m.is_nan.is_(True))
        return exists().where(m.run_id == t.RunRow.run_id, m.key == c.key, matches)
    if c.kind in ("param", "tag"):
        table: Any = t.ParamRow if c.kind == "param" else t.RunTagRow
        owned = and_(table.run_id == t.RunRow.run_id, table.key == c.key)
        if c.op == "IS NULL":
            return not_(exists().where(owned))
        if c.op == "IS NOT NULL":
            return exists().where(owned)
        return exists().where(owned, compare(table.value, c, value))
    return _dataset_condition(c, value)


def _dataset_condition(c: Comparison, value: Any) -> ColumnElement[bool]:
    used = and_(
        t.InputRow.run_id == t.RunRow.run_id, t.InputRow.dataset_id == t.DatasetRow.dataset_id
    )
    if c.key == "context":
        return exists().where(
            used,
            t.InputTagRow.input_id == t.InputRow.input_id,
            t.InputTagRow.key == DATASET_CONTEXT_TAG,
            compare(t.InputTagRow.value, c, value),
        )
    column = t.DatasetRow.name if c.key == "name" else t.DatasetRow.digest
    return exists().where(used, compare(column, c, value))


def ordered_parts(
    base: Select[*tuple[Any, ...]], keys: Sequence[OrderKey]
) -> list[Select[*tuple[Any, ...]]]:
    """``base`` (a select of runs) in MLflow's order, as statements whose rows follow each
    other: each statement's rows all come before the next one's.

    Ordered by a metric first, the runs with that metric as a number are one join driven by
    ``ix_latest_metrics_key_is_nan_value_run``: the database walks the index in the requested
    direction and stops after a page, whatever the size of the experiment. The runs where the
    metric is NaN, then those without it, follow as their own statements, only read when a
    page reaches them. Any other order is a single statement.
    """
    if not keys or keys[0].kind != "metric":
        return [base.order_by(*compile_order(keys))]
    first, rest = keys[0], compile_order(keys[1:], tie_breakers_of=keys)
    m = aliased(t.LatestMetricRow)
    has_metric = base.join(m, and_(m.run_id == t.RunRow.run_id, m.key == first.key))
    value = m.value if first.ascending else m.value.desc()
    owned = and_(t.LatestMetricRow.run_id == t.RunRow.run_id, t.LatestMetricRow.key == first.key)
    return [
        has_metric.where(m.is_nan.is_(False)).order_by(value, *rest),
        has_metric.where(m.is_nan.is_(True)).order_by(*rest),
        base.where(not_(exists().where(owned))).order_by(*rest),
    ]


def compile_order(
    keys: Sequence[OrderKey], tie_breakers_of: Sequence[OrderKey] | None = None
) -> list[Any]:
    """MLflow's order: each key with missing values last (and NaN before missing for
    metrics), then newest start time, then run id. The tie-breakers are those of
    ``tie_breakers_of`` (all of the search's keys) when ``keys`` is only its tail."""
    clauses: list[Any] = []
    for key in keys:
        clauses.extend(_order_clauses(key))
    every_key = keys if tie_breakers_of is None else tie_breakers_of
    if not any(k.kind == "attribute" and k.key == "start_time" for k in every_key):
        clauses.append(t.RunRow.start_time.desc())
    clauses.append(t.RunRow.run_id)
    return clauses


def _order_clauses(key: OrderKey) -> list[Any]:
    if key.kind == "attribute":
        value: Any = _ATTRIBUTES[key.key]
        rank: Any = nulls_last(value)
    elif key.kind == "metric":
        m = t.LatestMetricRow
        owned = and_(m.run_id == t.RunRow.run_id, m.key == key.key)
        value = select(m.value).where(owned).scalar_subquery()
        is_nan = select(m.is_nan).where(owned).scalar_subquery()
        rank = case((is_nan.is_(True), 1), (is_nan.is_(None), 2), else_=0)
    else:
        table: Any = t.ParamRow if key.kind == "param" else t.RunTagRow
        value = (
            select(table.value)
            .where(table.run_id == t.RunRow.run_id, table.key == key.key)
            .scalar_subquery()
        )
        rank = nulls_last(value)
    return [rank, value if key.ascending else value.desc()]
