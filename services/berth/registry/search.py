"""Registered-model and model-version searches compiled to SQL.

Filters are parsed by the shared grammar (``berth.tracking.search.grammar``); this module
turns each comparison into a condition. A tag comparison is an ``EXISTS`` probe on the tag
table keyed by (owner, key), which the tag tables' indexes serve.

Prompts (MLflow keeps them as registered models tagged ``mlflow.prompt.is_prompt = 'true'``)
are left out unless the filter asks for them, as MLflow does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, not_, true

from berth.registry import tables as t
from berth.registry.entities import IS_PROMPT_TAG
from berth.tracking.search.grammar import Comparison, OrderKey
from berth.tracking.search.predicates import compare

_MODEL = t.RegisteredModelRow
_VERSION = t.ModelVersionRow
_MODEL_TAG = t.RegisteredModelTagRow
_VERSION_TAG = t.ModelVersionTagRow

_MODEL_ORDER: dict[str, Any] = {
    "name": _MODEL.name,
    "last_updated_timestamp": _MODEL.last_updated_time,
}
_VERSION_COLUMNS: dict[str, Any] = {
    "name": _MODEL.name,
    "version_number": _VERSION.version,
    "run_id": _VERSION.run_id,
    "source_path": _VERSION.source,
    "creation_timestamp": _VERSION.creation_time,
    "last_updated_timestamp": _VERSION.last_updated_time,
}
MAX_VERSION = 2**31 - 1
"""The largest number the version column holds (a 32-bit integer)."""
DEFAULT_VERSION_ORDER = ("last_updated_timestamp DESC", "name ASC", "version_number DESC")


def _queries_prompts(comparisons: Sequence[Comparison]) -> bool:
    """MLflow's rule: the filter selects prompts with ``= 'true'`` or ``!= 'false'`` on the
    prompt tag (case-insensitively); every other filter searches ordinary models."""
    for c in comparisons:
        if c.kind == "tag" and c.key == IS_PROMPT_TAG and isinstance(c.value, str):
            value = c.value.lower()
            return (c.op == "=" and value == "true") or (c.op == "!=" and value == "false")
    return False


def _prompt_conditions(
    comparisons: Sequence[Comparison], tag_exists: Any
) -> tuple[list[Comparison], list[ColumnElement[bool]]]:
    """The comparisons left to compile, and the condition that keeps or drops prompts."""
    if _queries_prompts(comparisons):
        return list(comparisons), []
    rest = [c for c in comparisons if not (c.kind == "tag" and c.key == IS_PROMPT_TAG)]
    prompt = Comparison("tag", IS_PROMPT_TAG, "=", "true")
    return rest, [not_(tag_exists(prompt))]


# --- registered models -----------------------------------------------------------------------


def _model_tag(c: Comparison) -> ColumnElement[bool]:
    return exists().where(
        _MODEL_TAG.registered_model_id == _MODEL.id,
        _MODEL_TAG.key == c.key,
        compare(_MODEL_TAG.value, c),
    )


def registered_model_filter(comparisons: Sequence[Comparison]) -> list[ColumnElement[bool]]:
    rest, conditions = _prompt_conditions(comparisons, _model_tag)
    for c in rest:
        conditions.append(_model_tag(c) if c.kind == "tag" else compare(_MODEL.name, c))
    return conditions


def registered_model_order(keys: Sequence[OrderKey]) -> list[Any]:
    """The requested order, then name ascending (names are unique: the order is total)."""
    clauses = [_MODEL_ORDER[k.key] if k.ascending else _MODEL_ORDER[k.key].desc() for k in keys]
    if not any(k.key == "name" for k in keys):
        clauses.append(_MODEL.name)
    return clauses


# --- model versions --------------------------------------------------------------------------


def _version_tag(c: Comparison) -> ColumnElement[bool]:
    return exists().where(
        and_(
            _VERSION_TAG.registered_model_id == _VERSION.registered_model_id,
            _VERSION_TAG.version == _VERSION.version,
        ),
        _VERSION_TAG.key == c.key,
        compare(_VERSION_TAG.value, c),
    )


def model_version_filter(comparisons: Sequence[Comparison]) -> list[ColumnElement[bool]]:
    """Conditions on ``model_versions`` joined to ``registered_models`` (for the name)."""
    rest, conditions = _prompt_conditions(comparisons, _version_tag)
    for c in rest:
        if c.kind == "tag":
            conditions.append(_version_tag(c))
        elif c.key == "version_number":
            conditions.append(_version_number(c))
        else:
            conditions.append(compare(_VERSION_COLUMNS[c.key], c))
    return conditions


def _version_number(c: Comparison) -> ColumnElement[bool]:
    """``version_number <op> value``. Versions are 1 .. MAX_VERSION: a value outside that range
    is decided without the database (which could not bind it: asyncpg refuses an int32
    overflow, SQLite any integer beyond 64 bits)."""
    value = c.value
    if not isinstance(value, int) or 1 <= value <= MAX_VERSION:
        return compare(_VERSION.version, c)
    above = value > MAX_VERSION  # else below every version
    holds = {
        "=": False,
        "!=": True,
        "<": above,
        "<=": above,
        ">": not above,
        ">=": not above,
    }[c.op]
    return true() if holds else false()


def model_version_order(keys: Sequence[OrderKey]) -> list[Any]:
    """The requested order, then name ascending and version descending (a total order)."""
    clauses = [
        _VERSION_COLUMNS[k.key] if k.ascending else _VERSION_COLUMNS[k.key].desc() for k in keys
    ]
    if not any(k.key == "name" for k in keys):
        clauses.append(_MODEL.name)
    if not any(k.key == "version_number" for k in keys):
        clauses.append(_VERSION.version.desc())
    return clauses
