"""Logged-model search compiled to SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, true

from berth.errors import invalid
from berth.tracking import tables as t
from berth.tracking.entities import LoggedModelStatus, ModelOrder
from berth.tracking.search.grammar import Comparison
from berth.tracking.search.predicates import compare, nulls_last

_ATTRIBUTES: dict[str, Any] = {
    "name": t.LoggedModelRow.name,
    "model_id": t.LoggedModelRow.model_id,
    "model_type": t.LoggedModelRow.model_type,
    "status": t.LoggedModelRow.status,
    "source_run_id": t.LoggedModelRow.source_run_id,
    "creation_timestamp": t.LoggedModelRow.creation_timestamp_ms,
    "creation_time": t.LoggedModelRow.creation_timestamp_ms,
    "last_updated_timestamp": t.LoggedModelRow.last_updated_timestamp_ms,
}

Datasets = Sequence[tuple[str, str | None]]


def compile_filter(
    comparisons: Sequence[Comparison], datasets: Datasets
) -> list[ColumnElement[bool]]:
    """The filter's conditions; naming datasets also keeps only models with a metric on one
    of them (as MLflow), which metric comparisons already require."""
    conditions = [_condition(c, datasets) for c in comparisons]
    if datasets and not any(c.kind == "metric" for c in comparisons):
        m = t.LoggedModelMetricRow
        conditions.append(
            exists().where(m.model_id == t.LoggedModelRow.model_id, _in_datasets(datasets))
        )
    return conditions


def _condition(c: Comparison, datasets: Datasets) -> ColumnElement[bool]:
    if c.kind == "attribute":
        if c.key == "status":
            return compare(t.LoggedModelRow.status, _status_numbers(c))
        return compare(_ATTRIBUTES[c.key], c)
    if c.kind == "metric":
        m = t.LoggedModelMetricRow
        return exists().where(
            m.model_id == t.LoggedModelRow.model_id,
            m.key == c.key,
            m.is_nan.is_(False),
            _in_datasets(datasets),
            compare(m.value, c),
        )
    table: Any = t.LoggedModelParamRow if c.kind == "param" else t.LoggedModelTagRow
    return exists().where(
        table.model_id == t.LoggedModelRow.model_id,
        table.key == c.key,
        compare(table.value, _as_text(c)),
    )


def _in_datasets(datasets: Datasets) -> ColumnElement[bool]:
    m = t.LoggedModelMetricRow
    if not datasets:
        return true()
    return or_(
        *(
            and_(m.dataset_name == name, m.dataset_digest == digest if digest else true())
            for name, digest in datasets
        )
    )


def _as_text(c: Comparison) -> Comparison:
    value = c.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Comparison(c.kind, c.key, c.op, str(value))
    return c


def _status_numbers(c: Comparison) -> Comparison:
    def number(name: object) -> int:
        text = str(name).upper().removeprefix("LOGGED_MODEL_")
        aliases = {"UPLOAD_FAILED": "FAILED", "STATUS_UNSPECIFIED": "UNSPECIFIED"}
        try:
            return int(LoggedModelStatus[aliases.get(text, text)])
        except KeyError as exc:
            raise invalid(f"Invalid logged model status {name!r}.") from exc

    if c.op not in ("=", "!=", "IN", "NOT IN"):
        raise invalid(f"Logged model status supports =, !=, IN and NOT IN, not {c.op}.")
    value = c.value
    numbers: Any = tuple(number(v) for v in value) if isinstance(value, tuple) else number(value)
    return Comparison(c.kind, c.key, c.op, numbers)


def compile_order(orders: Sequence[ModelOrder]) -> list[Any]:
    """The requested order, then newest first, then the model id (as MLflow breaks ties)."""
    clauses: list[Any] = []
    for order in orders:
        clauses.extend(_order_clauses(order))
    if not any(
        _ATTRIBUTES.get(o.field_name.removeprefix("attributes."))
        is t.LoggedModelRow.creation_timestamp_ms
        for o in orders
    ):
        clauses.append(t.LoggedModelRow.creation_timestamp_ms.desc())
    clauses.append(t.LoggedModelRow.model_id)
    return clauses


def _order_clauses(order: ModelOrder) -> list[Any]:
    name = order.field_name
    if name.startswith("metrics."):
        m = t.LoggedModelMetricRow
        scope = [m.model_id == t.LoggedModelRow.model_id, m.key == name.removeprefix("metrics.")]
        if order.dataset_name:
            scope.append(m.dataset_name == order.dataset_name)
        if order.dataset_digest:
            scope.append(m.dataset_digest == order.dataset_digest)
        value: Any = (
            select(m.value).where(*scope).order_by(m.timestamp.desc()).limit(1).scalar_subquery()
        )
    else:
        column = _ATTRIBUTES.get(name.removeprefix("attributes."))
        if column is None:
            raise invalid(f"Invalid order_by field name {name!r} for logged models.")
        value = column
    return [nulls_last(value), value if order.ascending else value.desc()]
