"""Query helpers every slice's SQL store shares (the same SQL on PostgreSQL and SQLite)."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Dialect,
    Select,
    any_,
    bindparam,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

IN_CHUNK = 1000
"""Keys per ``IN`` list: a page may hold 50,000 owners, more than the 32,767 bind parameters
PostgreSQL takes in one statement (a chunk of composite keys binds a few per key)."""

K = TypeVar("K", str, int)

Membership = Callable[[Any], ColumnElement[bool]]
"""``column`` is one of the keys of the chunk at hand (see :func:`grouped_rows`)."""


RowsStatement = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]


class Keyed(Protocol):
    @property
    def key(self) -> str: ...


T = TypeVar("T", bound=Keyed)


def dialect_insert(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT on both PostgreSQL and SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def grouped(
    session: AsyncSession, table: Any, column: Any, keys: Sequence[K]
) -> dict[K, list[Any]]:
    """Rows of ``table`` whose ``column`` is one of ``keys``, grouped by it (in chunks)."""
    statement = select(table).where(_member_of(session.get_bind().dialect.name)(column))
    found: dict[K, list[Any]] = defaultdict(list)
    for start in range(0, len(keys), IN_CHUNK):
        chunk = list(keys[start : start + IN_CHUNK])
        for row in await session.scalars(statement, {_KEYS: chunk}):
            found[getattr(row, column.key)].append(row)
    return found


_KEYS = "member_keys"


def _member_of(dialect: str) -> Membership:
    """The condition that a column is one of the keys bound at execution as ``member_keys``.
    On PostgreSQL ``column = ANY(<array>)``: one parameter whatever the count, where a list of
    a hundred parameters is planned anew at every execution (reading a page's params and tags
    took twice as long). Elsewhere an expanding ``IN``."""

    def member(column: Any) -> ColumnElement[bool]:
        if dialect == "postgresql":
            keys = bindparam(_KEYS, type_=postgresql.ARRAY(column.type))
            return column == any_(keys)  # type: ignore[no-any-return]
        return column.in_(bindparam(_KEYS, expanding=True))  # type: ignore[no-any-return]

    return member


async def grouped_rows(
    session: AsyncSession, statement_for: Callable[[Membership], RowsStatement], keys: Sequence[K]
) -> dict[K, list[Sequence[Any]]]:
    """Plain rows of ``statement_for(member)`` (a select of columns, the first being the
    owner, whose owners are those ``member(owner column)`` admits), grouped by owner, for all
    ``keys`` in chunks. Cheaper than :func:`grouped` where no ORM entity is needed.

    The statement is built once per process with the keys as a parameter. On PostgreSQL it is
    also compiled once and run on the asyncpg connection itself, whose records are the rows:
    SQLAlchemy's execution and its row objects cost twice the query on a search page of a
    thousand child rows (``bench/FINDINGS.md``). Its columns must be of types asyncpg
    decodes as SQLAlchemy would (strings, numbers, booleans), which the callers' are."""
    found: dict[K, list[Sequence[Any]]] = defaultdict(list)
    for start in range(0, len(keys), IN_CHUNK):
        for row in await _member_rows(session, statement_for, keys[start : start + IN_CHUNK]):
            found[row[0]].append(row)
    return found


async def _member_rows(
    session: AsyncSession, statement_for: Callable[[Membership], RowsStatement], keys: Sequence[K]
) -> Sequence[Sequence[Any]]:
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        statement = _keyed_statement(statement_for, dialect.name)
        return (await session.execute(statement, {_KEYS: list(keys)})).all()
    sql, fixed = _driver_statement(statement_for, dialect)
    connection = await (await session.connection()).get_raw_connection()
    args = [list(keys) if value is _KEYS else value for value in fixed]
    return await connection.driver_connection.fetch(sql, *args)  # type: ignore[no-any-return, union-attr]


@functools.cache
def _keyed_statement(
    statement_for: Callable[[Membership], RowsStatement], dialect: str
) -> RowsStatement:
    """``statement_for``'s statement with the keys as its parameter (:func:`_member_of`)."""
    return statement_for(_member_of(dialect))


@functools.cache
def _driver_statement(
    statement_for: Callable[[Membership], RowsStatement], dialect: Dialect
) -> tuple[str, tuple[Any, ...]]:
    """The PostgreSQL text of ``statement_for``'s statement and its positional arguments,
    the keys' place marked by ``member_keys``; the others are the statement's literals."""
    compiled = _keyed_statement(statement_for, dialect.name).compile(dialect=dialect)
    values = compiled.construct_params({_KEYS: _KEYS})
    return compiled.string, tuple(values[name] for name in compiled.positiontup or ())


async def upsert_key_values(
    session: AsyncSession, table: Any, owner_column: str, owner: str | int, values: dict[str, str]
) -> None:
    """Set key/value rows (tags, params) of one owner; the last value of a key wins."""
    statement = dialect_insert(session, table)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[owner_column, "key"], set_={"value": statement.excluded.value}
        ),
        [{owner_column: owner, "key": key, "value": values[key]} for key in sorted(values)],
    )


def by_key(entries: Iterable[T]) -> list[T]:
    """Tags, params and the like in key order, as MLflow renders them."""
    return sorted(entries, key=lambda entry: entry.key)
