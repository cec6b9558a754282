"""Comparison operators of the filter grammar as SQL expressions, shared by every search."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, false, true

from berth.tracking.search.grammar import Comparison


def compare(column: Any, comparison: Comparison, value: Any = None) -> ColumnElement[bool]:
    """``column <op> value`` for one parsed comparison. ``value``, where given, stands in for
    the comparison's own: a bound parameter (a tuple of them for a list), for statements
    built once and run with many values.

    LIKE is case-sensitive on both databases (SQLite connections set ``case_sensitive_like``);
    ILIKE is case-insensitive everywhere.
    """
    op = comparison.op
    value = comparison.value if value is None else value
    if op == "IS NULL":
        return column.is_(None)  # type: ignore[no-any-return]
    if op == "IS NOT NULL":
        return column.is_not(None)  # type: ignore[no-any-return]
    if op in ("IN", "NOT IN"):
        values = list(value) if isinstance(value, tuple) else [value]
        if not values:
            return false() if op == "IN" else true()
        return column.in_(values) if op == "IN" else column.not_in(values)  # type: ignore[no-any-return]
    if op == "LIKE":
        return column.like(value)  # type: ignore[no-any-return]
    if op == "ILIKE":
        return column.ilike(value)  # type: ignore[no-any-return]
    operators = {
        "=": column.__eq__,
        "!=": column.__ne__,
        "<": column.__lt__,
        "<=": column.__le__,
        ">": column.__gt__,
        ">=": column.__ge__,
    }
    return operators[op](value)  # type: ignore[no-any-return]


def nulls_last(value: Any) -> ColumnElement[int]:
    """A sort key that puts rows without a value after all others, in either direction."""
    return case((value.is_(None), 1), else_=0)
