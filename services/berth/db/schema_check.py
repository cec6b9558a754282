"""Is the database's schema the one this code needs? Asked by the server before it serves.

Nothing migrates at start-up: a server facing a schema it cannot use says why, in a sentence
the operator can act on (:func:`schema_message`), and exits; ``/ready`` asks the same question.

Neither question needs Alembic (~10 MiB of modules with Mako and Pygments, in every server
process that answers ``/ready`` or the gRPC health check): the recorded revision is read with
plain SQL, and the revisions this code ships from their files (:func:`shipped_revisions`).
"""

from __future__ import annotations

import ast
import asyncio
import enum
import functools
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import column, inspect, select, table
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError

from berth.db.engine import migration_engine, sqlite_file_missing

VERSION_TABLE = "alembic_version"
VERSIONS_DIR = Path(__file__).resolve().parent / "migrations" / "versions"


class SchemaState(enum.Enum):
    EMPTY = "empty"
    """No tables at all: a fresh database, waiting for ``berth db upgrade``."""
    CURRENT = "current"
    """At the head revision: ready to serve."""
    BEHIND = "behind"
    """At an older revision this code knows: ``berth db upgrade`` brings it to head."""
    UNKNOWN = "unknown"
    """A revision this code does not know (a newer Berth, another application), or tables
    with no recorded revision: nothing this code should touch."""


@dataclass(frozen=True)
class SchemaReport:
    state: SchemaState
    current: str | None
    head: str

    def message(self, store_uri: str | None = None) -> str:
        return schema_message(self.state, self.current, self.head, store_uri=store_uri)


def classify(
    tables_present: bool, current: str | None, known_revisions: Collection[str], head: str
) -> SchemaState:
    """The schema state, from what the database holds and which revisions this code knows.

    ``tables_present`` counts every table but the version table: a database migrated down to
    base keeps an empty ``alembic_version`` and is as good as new.
    """
    if current is None:
        return SchemaState.UNKNOWN if tables_present else SchemaState.EMPTY
    if current == head:
        return SchemaState.CURRENT
    if current in known_revisions:
        return SchemaState.BEHIND
    return SchemaState.UNKNOWN


async def inspect_schema(store_uri: str) -> SchemaReport:
    """The state of the database's schema, with the revisions that decided it."""
    head, known = await asyncio.to_thread(shipped_revisions)
    if await asyncio.to_thread(sqlite_file_missing, store_uri):
        # Looking would create the file; a missing file is a database with nothing in it.
        return SchemaReport(SchemaState.EMPTY, None, head)
    engine = migration_engine(store_uri)
    try:
        async with engine.connect() as connection:
            heads, tables_present = await connection.run_sync(_read_schema)
    finally:
        await engine.dispose()
    # A linear history records one revision; several can only come from somewhere else.
    current = ",".join(sorted(heads)) if heads else None
    return SchemaReport(classify(tables_present, current, known, head), current, head)


async def check_schema(store_uri: str) -> SchemaState:
    """Whether the database at ``store_uri`` is EMPTY, CURRENT, BEHIND or UNKNOWN."""
    return (await inspect_schema(store_uri)).state


@functools.cache
def shipped_revisions() -> tuple[str, frozenset[str]]:
    """The head revision and every revision of the migrations shipped with this code.

    Read from the module-level ``revision``/``down_revision`` assignments of the revision
    files, as Alembic reads them (a test keeps the two equal), and once: they are fixed for
    the life of the process.
    """
    parents = dict(_revision_of(path) for path in sorted(VERSIONS_DIR.glob("*.py")))
    children = {parent for downs in parents.values() for parent in downs}
    heads = sorted(set(parents) - children)
    if len(heads) != 1:  # pragma: no cover - the shipped history is linear
        raise RuntimeError(f"Expected one head revision in {VERSIONS_DIR}, found {heads}.")
    return heads[0], frozenset(parents)


def _revision_of(path: Path) -> tuple[str, tuple[str, ...]]:
    """A revision file's id and the ids it follows (none, one, or several for a merge)."""
    values = {
        target.id: ast.literal_eval(value)
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        for target, value in _assignments(node)
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision")
    }
    down = values.get("down_revision")
    downs = (down,) if isinstance(down, str) else tuple(down) if isinstance(down, tuple) else ()
    return str(values["revision"]), tuple(str(d) for d in downs)


def _assignments(node: ast.stmt) -> list[tuple[ast.expr, ast.expr]]:
    """(target, value) of a module-level assignment, annotated or not."""
    if isinstance(node, ast.Assign):
        return [(target, node.value) for target in node.targets]
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return [(node.target, node.value)]
    return []


def _read_schema(connection: Connection) -> tuple[tuple[str, ...], bool]:
    """The recorded revisions (the rows of Alembic's version table, as Alembic reads them),
    and whether any table but the version table exists."""
    tables = inspect(connection).get_table_names()
    heads: tuple[str, ...] = ()
    if VERSION_TABLE in tables:
        version = table(VERSION_TABLE, column("version_num"))
        heads = tuple(connection.execute(select(version.c.version_num)).scalars())
    return heads, any(name != VERSION_TABLE for name in tables)


def schema_message(
    state: SchemaState, current: str | None, head: str, *, store_uri: str | None = None
) -> str:
    """One sentence telling the operator where the schema stands and what to do about it."""
    target = _display_uri(store_uri)
    upgrade = f"`berth db upgrade --backend-store-uri {target}`"
    if state is SchemaState.CURRENT:
        return f"The database schema is at revision {head}, the one this Berth needs."
    if state is SchemaState.EMPTY:
        return (
            f"The database has no Berth tables yet (this Berth needs schema revision {head}): "
            f"run {upgrade} to create them."
        )
    if state is SchemaState.BEHIND:
        return (
            f"The database schema is at revision {current} but this Berth needs {head}: "
            f"run {upgrade} first."
        )
    if current is None:
        return (
            "The database already holds tables but no Berth schema revision (no "
            f"{VERSION_TABLE} row), so it was not created by `berth db upgrade`: point "
            "--backend-store-uri at an empty database or at one Berth migrated."
        )
    return (
        f"The database schema is at revision {current}, which this Berth (schema revision "
        f"{head}) does not know: it was migrated by a newer Berth, or belongs to another "
        "application. Run a Berth at least as new as the one that migrated it."
    )


def _display_uri(store_uri: str | None) -> str:
    if store_uri is None:
        return "..."
    try:
        return make_url(store_uri).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "..."
