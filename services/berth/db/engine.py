"""Turning a backend store URI into an async SQLAlchemy engine.

Users write MLflow's URI forms (``sqlite:///mlflow.db``, ``postgresql://u:p@h/db``); the server
always talks through the async drivers (aiosqlite, asyncpg) underneath.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from berth.errors import invalid

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def async_url(store_uri: str) -> URL:
    """The async-driver URL for a backend store URI, or a clear error for an unsupported one."""
    try:
        url = make_url(store_uri)
    except ArgumentError as exc:
        raise invalid(f"Backend store URI {store_uri!r} is not a database URL.") from exc
    driver = _ASYNC_DRIVERS.get(url.drivername)
    if driver is None:
        supported = "sqlite:///<path>, postgresql://user:pass@host:port/db"
        raise invalid(f"Unsupported backend store {url.drivername!r}; use {supported}.")
    url = url.set(drivername=driver)
    if driver == "postgresql+asyncpg" and "sslmode" in url.query:
        # libpq's sslmode is spelled ssl for asyncpg.
        query = dict(url.query)
        query["ssl"] = query.pop("sslmode")
        url = url.set(query=query)
    return url


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


SESSION_SETTINGS = {"max_parallel_workers_per_gather": "0", "jit": "off"}
"""PostgreSQL settings of the server's sessions. Its statements read or write a page of rows
through indexes, many at a time: PostgreSQL may still plan parallel workers or JIT
compilation for them, and starting workers or compiling cost more than the whole statement
(tens of milliseconds, against a few, in the search profiles of ``bench/``)."""


def create_engine(store_uri: str, *, pool_size: int = 10) -> AsyncEngine:
    url = async_url(store_uri)
    if is_sqlite(url):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        event.listen(engine.sync_engine, "begin", _begin_immediately)
        return engine
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"server_settings": SESSION_SETTINGS},
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    return engine


def _refuse_closed_connection(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """A pooled connection whose server end has gone is replaced before it is used.

    This stands in for ``pool_pre_ping``, which costs a round trip (three on asyncpg: BEGIN,
    a query, ROLLBACK) on every checkout. When PostgreSQL restarts or a backend is
    terminated, the server closes the socket; the event loop sees it while the connection
    idles in the pool and asyncpg marks it closed, so the check is local. Raising
    ``DisconnectionError`` makes the pool discard the connection and check out another
    (SQLAlchemy's documented hook for custom pessimistic disconnect handling).
    """
    if record.driver_connection is not None and record.driver_connection.is_closed():
        raise DisconnectionError("the database closed this pooled connection")


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run beside the writer; foreign keys are off in SQLite unless asked;
    LIKE is made case-sensitive as on PostgreSQL (ILIKE stays insensitive)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA case_sensitive_like=ON")
    cursor.close()
    # Let SQLAlchemy, not the driver, say where transactions begin (see _begin_immediately).
    dbapi_connection.isolation_level = None


def _begin_immediately(connection: Any) -> None:
    """Every transaction takes SQLite's write lock up front.

    The driver's own habit is to begin only at the first write, which leaves earlier reads
    outside the transaction and makes SAVEPOINTs commit early. A deferred BEGIN would fail
    at once (not wait) when a read transaction later needs to write after another writer
    committed; BEGIN IMMEDIATE waits for the lock under busy_timeout instead.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def migration_engine(store_uri: str) -> AsyncEngine:
    """A single-use async engine for migrating or inspecting the schema.

    Unlike the server's engine it pools nothing (it lives for one command) and does not switch
    on SQLite's foreign keys: Alembic's batch mode rebuilds a SQLite table by copying it and
    dropping the original, and with foreign keys on that drop would cascade into child rows.
    """
    url = async_url(store_uri)
    connect_args: dict[str, Any] = {"timeout": 30} if is_sqlite(url) else {}
    return create_async_engine(url, poolclass=NullPool, connect_args=connect_args)


def sqlite_file_missing(store_uri: str) -> bool:
    """True for a SQLite URI whose file does not exist yet; looking at it would create it."""
    url = async_url(store_uri)
    database = url.database
    if not is_sqlite(url) or not database or database == ":memory:" or "uri" in url.query:
        return False
    return not Path(database).exists()
