"""A server process loads only what its configuration uses.

Each check runs in a fresh interpreter: the test session itself has long since imported
everything.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CONFIGURED_ONLY = ("botocore", "aiobotocore", "alembic", "mako", "graphql")


def loaded_after(code: str, cwd: Path) -> set[str]:
    """The top-level packages in sys.modules after running ``code`` in a new interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_the_app_with_a_local_store_loads_no_s3_alembic_or_graphql(tmp_path: Path) -> None:
    code = (
        "from berth.app import create_app\n"
        "from berth.config import Settings\n"
        "create_app(Settings(backend_store_uri='sqlite:///berth.db', "
        "artifacts_destination='./mlartifacts', grpc_port=0))"
    )

    loaded = loaded_after(code, tmp_path)

    assert loaded.isdisjoint(CONFIGURED_ONLY), sorted(loaded & set(CONFIGURED_ONLY))


def test_an_s3_store_loads_its_client_on_first_use(tmp_path: Path) -> None:
    code = "from berth.artifacts.backends import backend_for\nbackend_for('s3://bucket/prefix')"

    assert {"aiobotocore", "botocore"} <= loaded_after(code, tmp_path)


def test_checking_the_schema_does_not_import_alembic(tmp_path: Path) -> None:
    code = (
        "import asyncio, sqlite3\n"
        "sqlite3.connect('berth.db').execute('CREATE TABLE t (x)')\n"
        "from berth.db.schema_check import check_schema\n"
        "print(asyncio.run(check_schema('sqlite:///berth.db')))"
    )

    loaded = loaded_after(code, tmp_path)

    assert "alembic" not in loaded


def test_the_server_process_loads_none_of_the_commands_modules(tmp_path: Path) -> None:
    loaded = loaded_after("import berth.server_process", tmp_path)

    assert loaded.isdisjoint({"alembic", "botocore", "sqlalchemy"}), sorted(
        loaded & {"alembic", "botocore", "sqlalchemy"}
    )
