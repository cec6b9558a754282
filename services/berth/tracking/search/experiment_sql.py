"""Experiment search compiled to SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, not_

from berth.tracking import tables as t
from berth.tracking.search.grammar import Comparison, OrderKey
from berth.tracking.search.predicates import compare

_ATTRIBUTES: dict[str, Any] = {
    "name": t.ExperimentRow.name,
    "experiment_id": t.ExperimentRow.experiment_id,
    "creation_time": t.ExperimentRow.creation_time,
    "last_update_time": t.ExperimentRow.last_update_time,
}


def compile_filter(comparisons: Sequence[Comparison]) -> list[ColumnElement[bool]]:
    return [_condition(c) for c in comparisons]


def _condition(c: Comparison) -> ColumnElement[bool]:
    if c.kind == "attribute":
        if c.key == "experiment_id":
            return _experiment_id_condition(c)
        return compare(_ATTRIBUTES[c.key], c)
    tag = t.ExperimentTagRow
    owned = and_(tag.experiment_id == t.ExperimentRow.experiment_id, tag.key == c.key)
    if c.op == "IS NULL":
        return not_(exists().where(owned))
    if c.op == "IS NOT NULL":
        return exists().where(owned)
    return exists().where(owned, compare(tag.value, c))


def _experiment_id_condition(c: Comparison) -> ColumnElement[bool]:
    """Ids are quoted in filters but stored as integers (the grammar checked they are)."""
    ids = [int(v) for v in c.value] if isinstance(c.value, tuple) else [int(str(c.value))]
    column = t.ExperimentRow.experiment_id
    if c.op == "IN":
        return column.in_(ids)
    if c.op == "NOT IN":
        return column.not_in(ids)
    return column == ids[0] if c.op == "=" else column != ids[0]


def compile_order(keys: Sequence[OrderKey]) -> list[Any]:
    """MLflow's order: newest first, then lowest id, by default; after an explicit order,
    ties go to the highest experiment id."""
    if not keys:
        return [t.ExperimentRow.creation_time.desc(), t.ExperimentRow.experiment_id]
    clauses = [_ATTRIBUTES[k.key] if k.ascending else _ATTRIBUTES[k.key].desc() for k in keys]
    if not any(k.key == "experiment_id" for k in keys):
        clauses.append(t.ExperimentRow.experiment_id.desc())
    return clauses
