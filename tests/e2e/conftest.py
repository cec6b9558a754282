"""A real ``berth server`` subprocess per database, and the released mlflow client aimed at it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fixtures.services import free_port, serving

pytestmark = pytest.mark.e2e


@contextmanager
def running_berth(
    store_uri: str,
    workdir: Path,
    *flags: str,
    command: str = "server",
    artifacts_destination: str | None = None,
    environment: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """``berth <command>`` (``server`` by default) on ``store_uri`` as a subprocess; yields its
    URL once it is healthy.

    The server's environment is the test process's without ``BERTH_``/``MLFLOW_`` settings,
    plus ``environment``; its log is ``workdir/server.log``.
    """
    port = free_port()
    log = workdir / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BERTH_", "MLFLOW_"))}
    env.update(environment or {})
    argv = [
        sys.executable, "-m", "berth", command,
        "--backend-store-uri", store_uri,
        "--artifacts-destination", artifacts_destination or str(workdir / "mlartifacts"),
        "--port", str(port),
        "--grpc-port", str(free_port()),
        *flags,
    ]  # fmt: skip
    with serving(argv, f"http://127.0.0.1:{port}", cwd=workdir, env=env, log=log) as url:
        yield url


@pytest.fixture(scope="module")
def berth_url(module_database_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A berth server subprocess on the module's database, once on SQLite, once on PostgreSQL."""
    with running_berth(module_database_uri, tmp_path_factory.mktemp("berth-server")) as url:
        yield url


@pytest.fixture
def client(berth_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The released mlflow client, configured only through MLFLOW_TRACKING_URI."""
    import mlflow

    monkeypatch.setenv("MLFLOW_TRACKING_URI", berth_url)
    mlflow.set_tracking_uri(berth_url)
    yield mlflow.MlflowClient()
    while mlflow.active_run():
        mlflow.end_run()
