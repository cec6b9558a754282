"""The services a benchmark run needs, each started and stopped by the harness: moto's S3
server, a fresh PostgreSQL database per server, and the two servers under test.

``mlflow server`` runs from its own virtual environment (``bench/.venv-mlflow``), made here
with pip on first use and reused afterwards. ``berth server`` runs from ``bench/.venv-berth``:
the project with its runtime dependencies only, as the container image installs it (the
project's own environment also holds the test tools, some of which the S3 client imports
when it finds them).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import boto3

from bench.memory import tree_memory

BENCH_DIR = Path(__file__).resolve().parent
MLFLOW_VERSION = "3.17.2"
MLFLOW_VENV = BENCH_DIR / ".venv-mlflow"
BERTH_VENV = BENCH_DIR / ".venv-berth"
LOG_DIR = BENCH_DIR / "logs"
BUCKET = "bench"
S3_KEYS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
}
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env() -> dict[str, str]:
    """The environment without any BERTH_/MLFLOW_/AWS_ setting of the caller's."""
    prefixes = ("BERTH_", "MLFLOW_", "AWS_")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise SystemExit(f"{process.args!r} exited with {process.returncode}:\n{tail}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s (log: {log})")


@contextmanager
def process(
    name: str, command: list[str], ready_url: str, env: dict[str, str], timeout: float = 240
) -> Iterator[subprocess.Popen[bytes]]:
    """A subprocess in its own session (so its whole tree is stopped by its group id), logged
    to ``bench/logs/<name>.log``, yielded once ``ready_url`` answers."""
    LOG_DIR.mkdir(exist_ok=True)
    log = LOG_DIR / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for(ready_url, proc, log, timeout)
        yield proc
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL to whatever is left after 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        proc.poll()  # reap the leader, so only live members keep the group
        if not _group_alive(proc.pid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


# --- S3 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class S3Endpoint:
    url: str

    def client(self) -> object:
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=S3_KEYS["AWS_DEFAULT_REGION"],
            aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
        )


@contextmanager
def moto_s3() -> Iterator[S3Endpoint]:
    """moto's standalone S3 server on a free port, with the bucket made."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with process("moto", command, url, clean_env()):
        endpoint = S3Endpoint(url)
        endpoint.client().create_bucket(Bucket=BUCKET)  # type: ignore[attr-defined]
        yield endpoint


# --- PostgreSQL -------------------------------------------------------------------------------


async def _admin(statement: str) -> str:
    conn = await asyncpg.connect(f"{POSTGRES}/postgres")
    try:
        return str(await conn.execute(statement))
    finally:
        await conn.close()


@contextmanager
def fresh_database(server: str, keep: bool = False) -> Iterator[str]:
    """A new, empty database for one server, dropped afterwards unless ``keep`` (to inspect
    query plans on the benchmark's data); yields its name."""
    name = f"bench_{server}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        if keep:
            print(f"bench: kept database {name} (drop it yourself)", file=sys.stderr)
        else:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def vacuum_analyze(database: str) -> None:
    """``VACUUM ANALYZE`` the whole database: what autovacuum does within a minute of a bulk
    write (PostgreSQL 13 and later vacuum tables after inserts too), done at once so that
    neither server is measured on a planner without statistics, or on pages not yet marked
    all-visible that its index-only scans would have to check in the heap."""
    conn = await asyncpg.connect(f"{POSTGRES}/{database}")
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def postgres_version() -> str:
    async def version() -> str:
        conn = await asyncpg.connect(f"{POSTGRES}/postgres")
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    return asyncio.run(version())


# --- the servers under test -------------------------------------------------------------------


def ensure_mlflow_venv() -> Path:
    """``bench/.venv-mlflow`` with mlflow, psycopg (its PostgreSQL driver) and boto3 (its S3
    client for proxied artifacts) from PyPI; made once, then reused."""
    python = MLFLOW_VENV / "bin" / "python"
    probe = f"import mlflow, psycopg, boto3; assert mlflow.__version__ == {MLFLOW_VERSION!r}"
    check = [str(python), "-c", probe]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return MLFLOW_VENV
    print(f"bench: installing mlflow=={MLFLOW_VERSION} into {MLFLOW_VENV}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(MLFLOW_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, f"mlflow=={MLFLOW_VERSION}", "psycopg[binary]", "boto3"], check=True)
    subprocess.run(check, check=True)
    return MLFLOW_VENV


def ensure_berth_venv() -> Path:
    """``bench/.venv-berth``: the project (editable) and its runtime dependencies, synced from
    ``uv.lock`` and compiled as the image compiles them (seconds once uv's cache holds them)."""
    uv = os.environ.get("UV") or shutil.which("uv")
    command = [uv] if uv else [sys.executable, "-m", "uv"]
    env = os.environ | {"UV_PROJECT_ENVIRONMENT": str(BERTH_VENV)}
    sync = [
        *command,
        "sync",
        "--frozen",
        "--no-default-groups",
        "--quiet",
        "--python",
        sys.executable,
    ]
    subprocess.run(sync, cwd=BENCH_DIR.parent, env=env, check=True)
    # As the image does: the server process runs with -OO, so its bytecode is compiled ahead.
    python = str(BERTH_VENV / "bin" / "python")
    for tree in (BERTH_VENV / "lib", BENCH_DIR.parent / "services"):
        subprocess.run([python, "-OO", "-m", "compileall", "-q", "-j", "0", str(tree)], check=True)
    return BERTH_VENV


@dataclass(frozen=True)
class ServerSpec:
    """How to start one server under test."""

    name: str  # "mlflow" or "berth"
    workers: int | None  # None: the server's own default
    workers_note: str


@dataclass(frozen=True)
class RunningServer:
    name: str
    url: str
    pid: int
    command: list[str]
    database: str


def server_command(spec: ServerSpec, database: str, s3: S3Endpoint, port: int) -> list[str]:
    backend = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    common = ["--backend-store-uri", backend, "--host", "127.0.0.1", "--port", str(port)]
    if spec.workers is not None:
        common += ["--workers", str(spec.workers)]
    if spec.name == "mlflow":
        mlflow = str(MLFLOW_VENV / "bin" / "mlflow")
        return [mlflow, "server", *common, "--artifacts-destination", f"s3://{BUCKET}/mlflow"]
    return [
        str(BERTH_VENV / "bin" / "python"), "-m", "berth", "server", *common,
        "--artifacts-destination", f"s3://{BUCKET}/berth", "--s3-endpoint-url", s3.url,
    ]  # fmt: skip


def server_env(spec: ServerSpec, s3: S3Endpoint) -> dict[str, str]:
    env = clean_env() | S3_KEYS
    if spec.name == "mlflow":
        env |= {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_S3_ENDPOINT_URL": s3.url}
    return env


@contextmanager
def run_server(
    spec: ServerSpec, s3: S3Endpoint, keep_database: bool = False
) -> Iterator[RunningServer]:
    """The server on a fresh database, until the block ends; then the database is dropped
    (unless ``keep_database``)."""
    with fresh_database(spec.name, keep_database) as database:
        port = free_port()
        command = server_command(spec, database, s3, port)
        url = f"http://127.0.0.1:{port}"
        env = server_env(spec, s3)
        with process(spec.name, command, f"{url}/health", env) as proc:
            # Every worker must be up before measuring: wait until the tree stops growing.
            _settle(proc.pid)
            yield RunningServer(spec.name, url, proc.pid, command, database)


def _settle(pid: int, quiet_s: float = 3.0, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last, since = -1.0, time.monotonic()
    while time.monotonic() < deadline:
        rss = tree_memory(pid).total_mib
        if abs(rss - last) > 2:
            last, since = rss, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.5)
