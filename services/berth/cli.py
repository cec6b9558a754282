"""The ``berth`` command: ``berth server`` (flags as ``mlflow server``'s), ``berth artifacts``,
``berth registry``, ``berth db`` and ``berth gc``."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from berth import __version__, server_process
from berth.artifacts.backends import backend_for
from berth.artifacts.service import ArtifactService
from berth.config import DEFAULT_ARTIFACTS_DESTINATION, DEFAULT_BACKEND_STORE_URI, Settings
from berth.db import migrate
from berth.db.engine import create_engine
from berth.db.schema_check import SchemaState, check_schema, inspect_schema
from berth.db.transaction import Database
from berth.errors import BerthError
from berth.tracking.gc import ArtifactOutcome, GarbageCollector, Kind, parse_age
from berth.tracking.sql_store import SqlTrackingStore
from berth.ui import static as ui_static

log = logging.getLogger("berth")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

backend_store_option = click.option(
    "--backend-store-uri",
    envvar="BERTH_BACKEND_STORE_URI",
    default=DEFAULT_BACKEND_STORE_URI,
    show_default=True,
    help="Database URI: sqlite:///<path> or postgresql://user:pass@host:port/db.",
)


def artifacts_destination_option(help_text: str) -> Callable[[F], F]:
    """The server's artifact store (shared by the servers and ``berth gc``)."""
    return click.option(
        "--artifacts-destination",
        envvar="BERTH_ARTIFACTS_DESTINATION",
        default=DEFAULT_ARTIFACTS_DESTINATION,
        show_default=True,
        help=help_text,
    )


def listening_options(command: F) -> F:
    """Where a server listens and which Host names it answers to (shared by every server)."""
    for option in reversed(
        [
            click.option(
                "--host", "-h", envvar="BERTH_HOST", default="127.0.0.1", show_default=True
            ),
            click.option(
                "--port", "-p", envvar="BERTH_PORT", default=5000, type=int, show_default=True
            ),
            click.option(
                "--workers", "-w", envvar="BERTH_WORKERS", default=1, type=int, show_default=True
            ),
            click.option(
                "--grpc-port",
                envvar="BERTH_GRPC_PORT",
                default=50051,
                type=click.IntRange(0, 65535),
                show_default=True,
                help="Port of the gRPC API (same services, health, reflection) on --host; "
                "0 turns gRPC off.",
            ),
            click.option(
                "--allowed-hosts",
                envvar="BERTH_ALLOWED_HOSTS",
                default=None,
                help="Comma-separated Host names to answer to, '*' for any (default: loopback "
                "names when bound to loopback, any host otherwise).",
            ),
        ]
    ):
        command = option(command)
    return command


def artifact_store_options(command: F) -> F:
    """How the server reaches its artifact store and whether it delegates to it (shared by
    every server that serves artifacts). S3 credentials are taken from the environment only:
    ``BERTH_S3_ACCESS_KEY_ID``/``BERTH_S3_SECRET_ACCESS_KEY`` or the standard AWS chain."""
    for option in reversed(
        [
            click.option(
                "--artifacts-delegation",
                envvar="BERTH_ARTIFACTS_DELEGATION",
                type=click.Choice(["off", "presigned"]),
                default="off",
                show_default=True,
                help="off: every artifact byte goes through this server. presigned: clients "
                "get presigned URLs and move bytes to and from the store themselves.",
            ),
            click.option(
                "--s3-endpoint-url",
                envvar=["BERTH_S3_ENDPOINT_URL", "MLFLOW_S3_ENDPOINT_URL"],
                default=None,
                help="Endpoint of the S3 API (MinIO, Ceph ...); default: AWS S3.",
            ),
            click.option(
                "--s3-public-endpoint-url",
                envvar="BERTH_S3_PUBLIC_ENDPOINT_URL",
                default=None,
                help="The S3 endpoint as clients reach it, for presigned URLs.",
            ),
            click.option("--s3-region", envvar="BERTH_S3_REGION", default=None),
            click.option(
                "--s3-addressing-style",
                envvar="BERTH_S3_ADDRESSING_STYLE",
                type=click.Choice(["auto", "path", "virtual"]),
                default="auto",
                show_default=True,
            ),
        ]
    ):
        command = option(command)
    return command


@click.group()
def main() -> None:
    """Berth: an MLflow-compatible ML lifecycle platform."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def artifact_mode_options(command: F) -> F:
    """Where artifacts live and whether clients reach them through the server (shared by
    the servers that keep records: ``berth server`` and ``berth registry``)."""
    for option in reversed(
        [
            click.option(
                "--default-artifact-root",
                envvar="BERTH_DEFAULT_ARTIFACT_ROOT",
                default=None,
                help="Artifact root for new experiments (default: the artifacts destination).",
            ),
            artifacts_destination_option(
                "Where proxied artifacts are stored (the artifact root itself with "
                "--no-serve-artifacts)."
            ),
            click.option(
                "--serve-artifacts/--no-serve-artifacts",
                envvar="BERTH_SERVE_ARTIFACTS",
                default=True,
                show_default=True,
                help="Proxy artifact bytes through this server (mlflow-artifacts:/ URIs); "
                "without it clients write to the artifact root themselves.",
            ),
        ]
    ):
        command = option(command)
    return command


@main.command()
@backend_store_option
@artifact_mode_options
@click.option(
    "--artifacts-only",
    envvar="BERTH_ARTIFACTS_ONLY",
    is_flag=True,
    default=False,
    help="Serve the artifacts API only.",
)
@click.option(
    "--create-schema/--no-create-schema",
    envvar="BERTH_CREATE_SCHEMA",
    default=True,
    show_default=True,
    help="Create the schema in an empty database at start. With --no-create-schema an empty "
    "database stops the server, like an old one: `berth db upgrade` migrates it.",
)
@click.option(
    "--ui/--no-ui",
    envvar="BERTH_UI",
    default=True,
    show_default=True,
    help="Serve MLflow's web UI at / (not with --artifacts-only).",
)
@click.option(
    "--ui-dir",
    envvar="BERTH_UI_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The UI build to serve, a folder with index.html (default: the pinned build that "
    "`python -m berth.ui.fetch` puts in the user's cache).",
)
@artifact_store_options
@listening_options
def server(**options: Any) -> None:
    """Run the Berth server (tracking, model registry and artifact proxy) under uvicorn."""
    settings = _settings(options)
    _check_artifact_store(settings)
    if not settings.artifacts_only:
        _prepare_schema(settings)
    _serve(settings)


@main.command()
@backend_store_option
@artifact_mode_options
@artifact_store_options
@listening_options
def registry(**options: Any) -> None:
    """Run the model registry alone, beside tracking and artifact services that share its
    database and artifact store (the artifact mode decides which model sources it accepts)."""
    settings = _settings({**options, "registry_only": True})
    _check_artifact_store(settings)
    _prepare_schema(settings)
    _serve(settings)


@main.command()
@artifacts_destination_option("Where the artifacts are stored.")
@artifact_store_options
@listening_options
def artifacts(**options: Any) -> None:
    """Run the artifact service alone (``berth server --artifacts-only``)."""
    settings = _settings({**options, "artifacts_only": True})
    _check_artifact_store(settings)
    _serve(settings)


def _serve(settings: Settings) -> None:
    for name, value in settings.model_dump(exclude_none=True).items():
        os.environ[f"BERTH_{name.upper()}"] = str(value)
    if settings.registry_only:
        log.info(
            "Berth %s registry on http://%s:%d (backend %s, artifacts at %s)",
            __version__,
            settings.host,
            settings.port,
            _redacted(settings.backend_store_uri),
            settings.artifact_root,
        )
    elif settings.artifacts_only:
        log.info(
            "Berth %s artifacts-only on http://%s:%d (store %s)",
            __version__,
            settings.host,
            settings.port,
            settings.artifact_store,
        )
    else:
        log.info(
            "Berth %s on http://%s:%d (backend %s, artifacts at %s)",
            __version__,
            settings.host,
            settings.port,
            _redacted(settings.backend_store_uri),
            settings.artifact_root,
        )
        ui_static.announce(settings, f"http://{settings.host}:{settings.port}")
    if settings.grpc_port:
        log.info("gRPC on %s:%d", settings.host, settings.grpc_port)
    server_process.replace_current_process()


@main.group()
def db() -> None:
    """Manage the database schema."""


@db.command()
@backend_store_option
def upgrade(backend_store_uri: str) -> None:
    """Apply every pending migration."""
    _run(migrate.upgrade(backend_store_uri))
    click.echo(f"Database is at revision {_run(migrate.current_revision(backend_store_uri))}.")


@db.command()
@backend_store_option
def current(backend_store_uri: str) -> None:
    """Print the schema revision of the database, and whether it is up to date."""
    revision = _run(migrate.current_revision(backend_store_uri))
    state = _run(check_schema(backend_store_uri))
    click.echo(f"{revision or '(none)'} ({state.name.lower()}; head is {migrate.head_revision()})")


@db.command()
@backend_store_option
@click.option(
    "--timeout",
    default=300.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds to wait before giving up.",
)
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(min=0.1))
def wait(backend_store_uri: str, timeout: float, interval: float) -> None:
    """Wait until the database is reachable and its schema is the one this Berth needs (an
    init container's job: API pods start once the migration Job is done). Exits 2 at once
    for a schema this Berth does not know, and after --timeout otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            report = _run(inspect_schema(backend_store_uri))
            problem = None if report.state is SchemaState.CURRENT else report.message()
        except Exception as exc:  # unreachable for now: the database may still be starting
            report, problem = None, f"The database is not reachable yet: {exc}"
        if problem is None:
            click.echo("The database schema is current.")
            return
        if report is not None and report.state is SchemaState.UNKNOWN:
            click.echo(problem, err=True)
            sys.exit(2)
        if time.monotonic() >= deadline:
            click.echo(f"Gave up waiting after {timeout:g}s. {problem}", err=True)
            sys.exit(2)
        log.info("Waiting for the database: %s", problem)
        time.sleep(interval)


def _prepare_schema(settings: Settings) -> None:
    """A fresh database gets the schema (unless --no-create-schema); an out-of-date one stops
    the server with advice."""
    store_uri = settings.backend_store_uri
    report = _run(inspect_schema(store_uri))
    if report.state is SchemaState.EMPTY and settings.create_schema:
        log.info("Empty database: creating the schema")
        _run(migrate.upgrade(store_uri))
    elif report.state is not SchemaState.CURRENT:
        click.echo(report.message(store_uri), err=True)
        sys.exit(2)


def _check_artifact_store(settings: Settings) -> None:
    """Fail fast, before listening, when the artifact mode cannot work: the store unreachable,
    its bucket missing, the credentials refused, or delegation asked of a store that cannot
    presign."""

    async def check() -> None:
        store = backend_for(settings.artifact_store, settings.store_options)
        try:
            if settings.artifacts_delegation == "presigned":
                ArtifactService(store, delegation=True)
            await store.check()
        finally:
            await store.close()

    try:
        asyncio.run(check())
    except BerthError as exc:
        click.echo(
            f"berth: cannot start in {settings.artifacts_mode} mode: {exc.message}", err=True
        )
        sys.exit(2)


def _settings(options: dict[str, Any]) -> Settings:
    try:
        return Settings(**options)
    except ValidationError as exc:
        raise click.UsageError(str(exc)) from exc


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coroutine)
    except BerthError as exc:
        raise click.ClickException(exc.message) from exc


def _redacted(uri: str) -> str:
    return make_url(uri).render_as_string(hide_password=True)


# --- berth gc ---------------------------------------------------------------------------------


def _age_ms(_context: click.Context, _parameter: click.Parameter, value: str | None) -> int:
    if value is None:
        return 0
    try:
        return parse_age(value)
    except BerthError as exc:
        raise click.BadParameter(exc.message) from exc


def _ids(text: str | None) -> list[str]:
    return [item.strip() for item in (text or "").split(",") if item.strip()]


@main.command()
@click.option(
    "--older-than",
    default=None,
    callback=_age_ms,
    help="Only what was deleted longer ago than this, as #d#h#m#s (e.g. 30d, 1d2h30m, 1.5h). "
    "Default: any age.",
)
@backend_store_option
@artifacts_destination_option(
    "The server's artifact store, where artifacts of mlflow-artifacts:/ URIs live. In direct "
    "mode give the server's artifact root; artifacts elsewhere are left untouched."
)
@click.option(
    "--run-ids",
    default=None,
    help="Comma-separated runs to delete (they must be deleted). Default: every deleted run.",
)
@click.option(
    "--experiment-ids",
    default=None,
    help="Comma-separated experiments to delete with all their runs (they must be deleted). "
    "Default: every deleted experiment.",
)
@artifact_store_options
def gc(older_than: int, run_ids: str | None, experiment_ids: str | None, **options: Any) -> None:
    """Permanently delete runs and experiments in the deleted lifecycle stage, with their
    artifacts (as ``mlflow gc``). With --run-ids or --experiment-ids, only those are deleted,
    and only if each of them is deleted and old enough."""
    settings = _settings(options)
    report = _run(inspect_schema(settings.backend_store_uri))
    if report.state is not SchemaState.CURRENT:
        click.echo(report.message(settings.backend_store_uri), err=True)
        sys.exit(2)
    _run(_collect_garbage(settings, older_than, _ids(run_ids), _ids(experiment_ids)))


async def _collect_garbage(
    settings: Settings, older_than_ms: int, run_ids: list[str], experiment_ids: list[str]
) -> None:
    artifact_store = backend_for(settings.artifact_store, settings.store_options)
    db = Database(create_engine(settings.backend_store_uri))
    collector = GarbageCollector(db, SqlTrackingStore(settings.artifact_root), artifact_store)
    counts = Counter[Kind]()
    untouched = 0
    try:
        selection = await collector.select(older_than_ms, run_ids, experiment_ids)
        async for item in collector.collect(selection):
            counts[item.kind] += 1
            line = f"{item.kind} with ID {item.id} has been permanently deleted."
            if item.artifacts is not ArtifactOutcome.DELETED:
                untouched += 1
                reason = item.artifacts.value
                if item.artifacts is ArtifactOutcome.OUTSIDE_STORE:
                    reason += f" {artifact_store.root}"
                line += f" Its artifacts at {item.artifact_uri} were left untouched ({reason})."
            click.echo(line)
    finally:
        await artifact_store.close()
        await db.dispose()
    runs, experiments = counts[Kind.RUN], counts[Kind.EXPERIMENT]
    click.echo(
        f"Permanently deleted {runs} run{'s' * (runs != 1)} and {experiments} "
        f"experiment{'s' * (experiments != 1)}; artifacts left untouched for {untouched}."
    )
