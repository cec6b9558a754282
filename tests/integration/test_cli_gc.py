"""``berth gc`` on the command line: exit codes, output, and artifacts deleted from local and
S3 stores, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner, Result

from berth.artifacts.backends import backend_for
from berth.cli import main
from berth.db.engine import create_engine
from berth.db.migrate import upgrade
from berth.db.transaction import Database
from berth.errors import BerthError, ErrorCode
from berth.tracking.entities import LifecycleStage, RunInfo
from berth.tracking.locations import ArtifactLister
from berth.tracking.service import TrackingService
from berth.tracking.sql_store import SqlTrackingStore
from tests.fixtures.s3 import REGION, S3Server

T = TypeVar("T")
PROXIED_ROOT = "mlflow-artifacts:"


def arrange(
    store_uri: str, artifact_root: str, steps: Callable[[TrackingService], Awaitable[T]]
) -> T:
    """Run ``steps`` against a tracking service on the database, as a server with this
    artifact root would."""

    async def run() -> T:
        db = Database(create_engine(store_uri))
        try:
            lister = ArtifactLister(backend_for("memory://unused"))
            service = TrackingService(db, SqlTrackingStore(artifact_root), lister)
            await service.bootstrap()
            return await steps(service)
        finally:
            await db.dispose()

    return asyncio.run(run())


async def new_run(
    service: TrackingService, *, deleted: bool, experiment_location: str | None = None
) -> RunInfo:
    experiment_id = "0"
    if experiment_location is not None:
        experiment_id = await service.create_experiment("elsewhere", experiment_location, [])
    run = await service.create_run(experiment_id, "alice", None, None, [])
    if deleted:
        await service.delete_run(run.info.run_id)
    return run.info


def run_stage(store_uri: str, run_id: str) -> LifecycleStage | None:
    """The run's lifecycle stage; None once it is gone for good."""

    async def read(service: TrackingService) -> LifecycleStage | None:
        try:
            return (await service.get_run(run_id)).info.lifecycle_stage
        except BerthError as exc:
            if exc.code is not ErrorCode.RESOURCE_DOES_NOT_EXIST:
                raise
            return None

    return arrange(store_uri, PROXIED_ROOT, read)


def gc(store_uri: str, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["gc", "--backend-store-uri", store_uri, *args], env=env)


# --- local store, both databases ---------------------------------------------------------------


def test_gc_prints_a_line_per_deleted_run_and_a_summary(
    migrated_database_uri: str, tmp_path: Path
) -> None:
    root = tmp_path.as_uri()
    doomed = arrange(migrated_database_uri, root, lambda s: new_run(s, deleted=True))
    kept = arrange(migrated_database_uri, root, lambda s: new_run(s, deleted=False))

    result = gc(migrated_database_uri, "--artifacts-destination", str(tmp_path))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Run with ID {doomed.run_id} has been permanently deleted.",
        "Permanently deleted 1 run and 0 experiments; artifacts left untouched for 0.",
    ]
    assert run_stage(migrated_database_uri, doomed.run_id) is None
    assert run_stage(migrated_database_uri, kept.run_id) is LifecycleStage.ACTIVE


def test_gc_deletes_a_deleted_experiment_and_says_so(migrated_database_uri: str) -> None:
    async def deleted_experiment(service: TrackingService) -> str:
        experiment_id = await service.create_experiment("doomed", None, [])
        await service.delete_experiment(experiment_id)
        return experiment_id

    experiment_id = arrange(migrated_database_uri, PROXIED_ROOT, deleted_experiment)

    result = gc(migrated_database_uri, "--experiment-ids", experiment_id)

    assert result.exit_code == 0, result.output
    assert f"Experiment with ID {experiment_id} has been permanently deleted." in result.output
    assert "Permanently deleted 0 runs and 1 experiment;" in result.output


def test_gc_exits_non_zero_and_deletes_nothing_when_a_named_run_is_not_deleted(
    migrated_database_uri: str,
) -> None:
    doomed = arrange(migrated_database_uri, PROXIED_ROOT, lambda s: new_run(s, deleted=True))
    active = arrange(migrated_database_uri, PROXIED_ROOT, lambda s: new_run(s, deleted=False))

    result = gc(migrated_database_uri, "--run-ids", f"{doomed.run_id},{active.run_id}")

    assert result.exit_code == 1
    assert f"Run {active.run_id} is not in the deleted lifecycle stage" in result.output
    assert run_stage(migrated_database_uri, doomed.run_id) is LifecycleStage.DELETED


def test_gc_older_than_keeps_runs_deleted_more_recently(migrated_database_uri: str) -> None:
    recent = arrange(migrated_database_uri, PROXIED_ROOT, lambda s: new_run(s, deleted=True))

    result = gc(migrated_database_uri, "--older-than", "1h")

    assert result.exit_code == 0, result.output
    assert "Permanently deleted 0 runs and 0 experiments" in result.output
    assert run_stage(migrated_database_uri, recent.run_id) is LifecycleStage.DELETED


def test_gc_refuses_a_database_without_the_berth_schema(database_uri: str) -> None:
    result = gc(database_uri)

    assert result.exit_code == 2
    assert "berth db upgrade" in result.output


@pytest.mark.parametrize("age", ["30", "1x", "2h1d", "-1d"])
def test_gc_rejects_an_older_than_it_cannot_read(age: str) -> None:
    result = gc("sqlite:///unused.db", "--older-than", age)

    assert result.exit_code == 2
    assert "Invalid value for '--older-than'" in result.output
    assert "Could not parse any time information" in result.output


# --- S3 store --------------------------------------------------------------------------------


@pytest.fixture
async def migrated_sqlite_uri(sqlite_database_uri: str) -> str:
    await upgrade(sqlite_database_uri)
    return sqlite_database_uri


def s3_gc(store_uri: str, server: S3Server, bucket: str) -> Result:
    """``berth gc`` with the server's artifact store at ``s3://<bucket>/store``."""
    return gc(
        store_uri,
        *("--artifacts-destination", f"s3://{bucket}/store"),
        *("--s3-endpoint-url", server.endpoint_url, "--s3-region", REGION),
        *("--s3-addressing-style", "path"),
        env={
            "BERTH_S3_ACCESS_KEY_ID": server.access_key_id,
            "BERTH_S3_SECRET_ACCESS_KEY": server.secret_access_key,
        },
    )


def put_objects(server: S3Server, bucket: str, keys: Sequence[str]) -> None:
    client = server.client()
    for key in keys:
        client.put_object(Bucket=bucket, Key=key, Body=b"weights")


def keys_in(server: S3Server, bucket: str) -> list[str]:
    listed = server.client().list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_gc_deletes_the_artifacts_of_proxied_runs_from_s3(
    migrated_sqlite_uri: str, s3_server: S3Server, s3_bucket: str
) -> None:
    doomed = arrange(migrated_sqlite_uri, PROXIED_ROOT, lambda s: new_run(s, deleted=True))
    kept = arrange(migrated_sqlite_uri, PROXIED_ROOT, lambda s: new_run(s, deleted=False))
    kept_key = f"store/0/{kept.run_id}/artifacts/model.pkl"
    put_objects(
        s3_server,
        s3_bucket,
        [
            f"store/0/{doomed.run_id}/artifacts/model.pkl",
            f"store/0/{doomed.run_id}/artifacts/a/b",
            kept_key,
        ],
    )

    result = s3_gc(migrated_sqlite_uri, s3_server, s3_bucket)

    assert result.exit_code == 0, result.output
    assert keys_in(s3_server, s3_bucket) == [kept_key]
    assert run_stage(migrated_sqlite_uri, doomed.run_id) is None


def test_gc_leaves_artifacts_outside_the_s3_store_untouched(
    migrated_sqlite_uri: str, s3_server: S3Server, s3_bucket: str
) -> None:
    elsewhere = f"s3://{s3_bucket}/elsewhere"
    doomed = arrange(
        migrated_sqlite_uri,
        PROXIED_ROOT,
        lambda s: new_run(s, deleted=True, experiment_location=elsewhere),
    )
    key = f"elsewhere/{doomed.run_id}/artifacts/model.pkl"
    put_objects(s3_server, s3_bucket, [key])

    result = s3_gc(migrated_sqlite_uri, s3_server, s3_bucket)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f"Run with ID {doomed.run_id} has been permanently deleted. Its artifacts at "
        f"{elsewhere}/{doomed.run_id}/artifacts were left untouched (outside the artifact "
        f"store s3://{s3_bucket}/store)."
    )
    assert keys_in(s3_server, s3_bucket) == [key]
    assert run_stage(migrated_sqlite_uri, doomed.run_id) is None
