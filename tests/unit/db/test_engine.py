"""Backend store URIs in MLflow's forms become async-driver URLs."""

from __future__ import annotations

import pytest

from berth.db.engine import async_url
from berth.errors import BerthError, ErrorCode


@pytest.mark.parametrize(
    ("store_uri", "driver"),
    [
        ("sqlite:///mlflow.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///mlflow.db", "sqlite+aiosqlite"),
        ("postgresql://u:p@h:5432/db", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u:p@h:5432/db", "postgresql+asyncpg"),
        ("postgresql+psycopg2://u:p@h/db", "postgresql+asyncpg"),
        ("postgres://u:p@h/db", "postgresql+asyncpg"),
    ],
)
def test_mlflow_uri_forms_use_the_async_driver(store_uri: str, driver: str) -> None:
    assert async_url(store_uri).drivername == driver


def test_postgres_uri_keeps_credentials_host_and_database() -> None:
    url = async_url("postgresql://user:secret@db.example:6543/berth")
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "user",
        "secret",
        "db.example",
        6543,
        "berth",
    )


def test_libpq_sslmode_is_passed_to_asyncpg_as_ssl() -> None:
    url = async_url("postgresql://u@h/db?sslmode=require")
    assert dict(url.query) == {"ssl": "require"}


@pytest.mark.parametrize("store_uri", ["mysql://u@h/db", "mssql://u@h/db", "not a url"])
def test_unsupported_store_is_a_clear_error(store_uri: str) -> None:
    with pytest.raises(BerthError) as error:
        async_url(store_uri)
    assert error.value.code is ErrorCode.INVALID_PARAMETER_VALUE
