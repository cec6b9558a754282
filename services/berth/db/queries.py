"""Query helpers every slice's SQL store shares (the same SQL on PostgreSQL and SQLite)."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Executable, Row, any_, bindparam, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

IN_CHUNK = 1000
"""Keys per ``IN`` list: a page may hold 50,000 owners, more than the 32,767 bind parameters
PostgreSQL takes in one statement (a chunk of composite keys binds a few per key)."""

K = TypeVar("K", str, int)

Membership = Callable[[Any], ColumnElement[bool]]
"""``column IN <the chunk of keys at hand>``, for a statement built per chunk."""


class Keyed(Protocol):
    @property
    def key(self) -> str: ...


T = TypeVar("T", bound=Keyed)


def dialect_insert(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT on both PostgreSQL and SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def without_parallel_workers(session: AsyncSession) -> None:
    """Plan the rest of the transaction without parallel workers (PostgreSQL; a no-op on
    SQLite). For statements that read a page of rows through indexes: PostgreSQL may still
    plan a parallel scan for them, and starting the workers costs more than they save (tens of
    milliseconds on a busy machine, against a few for the whole statement)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


async def grouped(
    session: AsyncSession, table: Any, column: Any, keys: Sequence[K]
) -> dict[K, list[Any]]:
    """Rows of ``table`` whose ``column`` is one of ``keys``, grouped by it (in chunks)."""
    dialect = session.get_bind().dialect.name
    found: dict[K, list[Any]] = defaultdict(list)
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start : start + IN_CHUNK]
        for row in await session.scalars(select(table).where(one_of(column, chunk, dialect))):
            found[getattr(row, column.key)].append(row)
    return found


def one_of(column: Any, keys: Sequence[K], dialect: str) -> ColumnElement[bool]:
    """``column IN keys``. On PostgreSQL ``column = ANY(<array>)``: one parameter whatever
    the count, where a list of a hundred parameters is planned anew at every execution
    (reading a page's params and tags took twice as long)."""
    if dialect == "postgresql":
        array = bindparam(None, list(keys), type_=postgresql.ARRAY(column.type))
        return column == any_(array)  # type: ignore[no-any-return]
    return column.in_(keys)  # type: ignore[no-any-return]


async def grouped_rows(
    session: AsyncSession, statement_for: Callable[[Membership], Executable], keys: Sequence[K]
) -> dict[K, list[Row[*tuple[Any, ...]]]]:
    """Plain rows of ``statement_for(member)`` (a select of columns, the first being the
    owner, whose owners are those ``member(owner column)`` admits), grouped by owner, for all
    ``keys`` in chunks. Cheaper than :func:`grouped` where no ORM entity is needed."""
    dialect = session.get_bind().dialect.name
    found: dict[K, list[Row[*tuple[Any, ...]]]] = defaultdict(list)
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start : start + IN_CHUNK]
        statement = statement_for(functools.partial(one_of, keys=chunk, dialect=dialect))
        for row in await session.execute(statement):
            found[row[0]].append(row)
    return found


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
