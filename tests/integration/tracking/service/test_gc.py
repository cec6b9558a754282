"""``berth gc``'s domain: which deleted runs and experiments go, their rows and their
artifacts, on SQLite and PostgreSQL over a local artifact store (over S3: see
``tests/integration/test_cli_gc.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from berth.artifacts.backends import backend_for
from berth.artifacts.backends.local import LocalBackend
from berth.db.base import Base
from berth.db.engine import create_engine
from berth.db.transaction import Database
from berth.errors import BerthError, ErrorCode
from berth.tracking import tables as t
from berth.tracking.entities import LifecycleStage, Metric, ModelOutput
from berth.tracking.gc import ArtifactOutcome, Collected, GarbageCollector, Kind, parse_age
from berth.tracking.service import TrackingService
from berth.tracking.sql_store import SqlTrackingStore
from tests.integration.tracking.service.support import FakeClock, Tracking, dataset_input, raises

DAY = 86_400_000


@pytest.fixture
async def db(service: TrackingService, tracking_database_uri: str) -> AsyncIterator[Database]:
    """Another handle on the service's database (which ``service`` has emptied)."""
    database = Database(create_engine(tracking_database_uri))
    yield database
    await database.dispose()


def collector_for(
    db: Database, store_root: str, clock: FakeClock, store: SqlTrackingStore | None = None
) -> GarbageCollector:
    store = store or SqlTrackingStore(store_root)
    return GarbageCollector(db, store, backend_for(store_root), clock=clock)


@pytest.fixture
def collector(db: Database, artifact_root: str, clock: FakeClock) -> GarbageCollector:
    """A gc whose artifact store is the service's artifact root."""
    return collector_for(db, artifact_root, clock)


async def collect(
    collector: GarbageCollector,
    older_than_ms: int = 0,
    run_ids: Sequence[str] = (),
    experiment_ids: Sequence[str] = (),
) -> list[Collected]:
    selection = await collector.select(older_than_ms, run_ids, experiment_ids)
    return [item async for item in collector.collect(selection)]


async def _stage(read: Awaitable[LifecycleStage]) -> LifecycleStage | None:
    try:
        return await read
    except BerthError as exc:
        if exc.code is not ErrorCode.RESOURCE_DOES_NOT_EXIST:
            raise
        return None


async def run_stage(service: TrackingService, run_id: str) -> LifecycleStage | None:
    """The run's lifecycle stage; None once it is gone for good."""

    async def read() -> LifecycleStage:
        return (await service.get_run(run_id)).info.lifecycle_stage

    return await _stage(read())


async def experiment_stage(service: TrackingService, experiment_id: str) -> LifecycleStage | None:
    async def read() -> LifecycleStage:
        return (await service.get_experiment(experiment_id)).lifecycle_stage

    return await _stage(read())


async def deleted_run(tracking: Tracking, experiment_id: str = "0") -> str:
    run_id = await tracking.run(experiment_id)
    await tracking.service.delete_run(run_id)
    return run_id


async def artifact_uri(tracking: Tracking, run_id: str) -> str:
    return (await tracking.service.get_run(run_id)).info.artifact_uri


def local_path(uri: str) -> Path:
    """The local path a ``file:`` URI names."""
    return Path(url2pathname(urlsplit(uri).path))


def put_artifact(uri: str, name: str = "model.pkl") -> Path:
    """A file in the local directory that the ``file:`` URI names."""
    path = local_path(uri) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"weights")
    return path


async def count(db: Database, table: type[Base], **where: object) -> int:
    async with db.transaction() as session:
        statement = select(func.count()).select_from(table).filter_by(**where)
        return int(await session.scalar(statement) or 0)


RUN_CHILDREN = (
    t.RunTagRow,
    t.ParamRow,
    t.MetricRow,
    t.LatestMetricRow,
    t.InputRow,
    t.RunModelInputRow,
    t.RunModelOutputRow,
    t.LoggedModelMetricRow,
)
EXPERIMENT_CHILDREN = (t.ExperimentTagRow, t.RunRow, t.DatasetRow, t.LoggedModelRow)


async def rows_of_run(db: Database, run_id: str) -> dict[str, int]:
    """How many rows each table holds for the run (input tags: all of them)."""
    rows = {table.__tablename__: await count(db, table, run_id=run_id) for table in RUN_CHILDREN}
    return {**rows, "input_tags": await count(db, t.InputTagRow)}


async def rows_of_experiment(db: Database, experiment_id: str) -> dict[str, int]:
    """How many rows each table holds for the experiment (logged-model params and tags: all)."""
    key = int(experiment_id)
    rows = {
        table.__tablename__: await count(db, table, experiment_id=key)
        for table in EXPERIMENT_CHILDREN
    }
    return {
        **rows,
        "logged_model_params": await count(db, t.LoggedModelParamRow),
        "logged_model_tags": await count(db, t.LoggedModelTagRow),
    }


# --- what is selected ----------------------------------------------------------------------


async def test_without_an_age_every_deleted_run_goes(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    run_id = await deleted_run(tracking)

    collected = await collect(collector)

    assert [(c.kind, c.id) for c in collected] == [(Kind.RUN, run_id)]
    assert await run_stage(tracking.service, run_id) is None


async def test_only_runs_deleted_longer_ago_than_the_age_go(
    tracking: Tracking, collector: GarbageCollector, clock: FakeClock
) -> None:
    old = await deleted_run(tracking)
    clock.advance(2 * DAY)
    recent = await deleted_run(tracking)
    clock.advance(DAY // 2)

    await collect(collector, older_than_ms=DAY)

    assert await run_stage(tracking.service, old) is None
    assert await run_stage(tracking.service, recent) is LifecycleStage.DELETED


async def test_an_age_reaching_back_before_the_epoch_selects_nothing(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    run_id = await deleted_run(tracking)

    assert await collect(collector, older_than_ms=parse_age("9" * 30 + "d")) == []
    assert await run_stage(tracking.service, run_id) is LifecycleStage.DELETED


async def test_active_runs_and_experiments_and_their_artifacts_stay(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    experiment_id = await tracking.experiment()
    active = await tracking.run(experiment_id)
    artifact = put_artifact(await artifact_uri(tracking, active))
    await deleted_run(tracking, experiment_id)

    await collect(collector)

    assert await run_stage(tracking.service, active) is LifecycleStage.ACTIVE
    assert await experiment_stage(tracking.service, experiment_id) is LifecycleStage.ACTIVE
    assert artifact.exists()


async def test_a_deleted_experiment_goes_with_all_its_runs(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    experiment_id = await tracking.experiment(team="search")
    runs = [await tracking.run(experiment_id) for _ in range(2)]
    await tracking.service.delete_experiment(experiment_id)

    collected = await collect(collector)

    assert sorted((c.kind, c.id) for c in collected) == sorted(
        [(Kind.RUN, r) for r in runs] + [(Kind.EXPERIMENT, experiment_id)]
    )
    assert await experiment_stage(tracking.service, experiment_id) is None
    assert [await run_stage(tracking.service, r) for r in runs] == [None, None]


async def test_only_experiments_deleted_longer_ago_than_the_age_go(
    tracking: Tracking, collector: GarbageCollector, clock: FakeClock
) -> None:
    old, recent = await tracking.experiment(), await tracking.experiment()
    await tracking.service.delete_experiment(old)
    clock.advance(2 * DAY)
    await tracking.service.delete_experiment(recent)

    await collect(collector, older_than_ms=DAY)

    assert await experiment_stage(tracking.service, old) is None
    assert await experiment_stage(tracking.service, recent) is LifecycleStage.DELETED


async def test_named_runs_and_experiments_go_and_nothing_else(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    named_run, other_run = await deleted_run(tracking), await deleted_run(tracking)
    named_experiment, other_experiment = await tracking.experiment(), await tracking.experiment()
    for experiment_id in (named_experiment, other_experiment):
        await tracking.service.delete_experiment(experiment_id)

    await collect(collector, run_ids=[named_run], experiment_ids=[named_experiment])

    assert await run_stage(tracking.service, named_run) is None
    assert await experiment_stage(tracking.service, named_experiment) is None
    assert await run_stage(tracking.service, other_run) is LifecycleStage.DELETED
    assert await experiment_stage(tracking.service, other_experiment) is LifecycleStage.DELETED


async def test_a_named_run_that_is_not_deleted_is_refused_and_nothing_goes(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    deleted, active = await deleted_run(tracking), await tracking.run("0")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match=f"Run {active} is not in the deleted"):
        await collect(collector, run_ids=[deleted, active])

    assert await run_stage(tracking.service, deleted) is LifecycleStage.DELETED


async def test_a_named_run_deleted_more_recently_than_the_age_is_refused(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    run_id = await deleted_run(tracking)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="deleted more recently than"):
        await collect(collector, older_than_ms=DAY, run_ids=[run_id])

    assert await run_stage(tracking.service, run_id) is LifecycleStage.DELETED


async def test_a_named_run_that_does_not_exist_is_refused(collector: GarbageCollector) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await collect(collector, run_ids=["f" * 32])


async def test_a_named_experiment_that_is_not_deleted_is_refused_and_nothing_goes(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    deleted, active = await tracking.experiment(), await tracking.experiment()
    await tracking.service.delete_experiment(deleted)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match=f"Experiment {active} is not in"):
        await collect(collector, experiment_ids=[deleted, active])

    assert await experiment_stage(tracking.service, deleted) is LifecycleStage.DELETED


async def test_a_run_restored_after_selection_is_left_alone_with_its_artifacts(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    run_id = await deleted_run(tracking)
    artifact = put_artifact(await artifact_uri(tracking, run_id))
    selection = await collector.select()
    await tracking.service.restore_run(run_id)

    assert [item async for item in collector.collect(selection)] == []
    assert await run_stage(tracking.service, run_id) is LifecycleStage.ACTIVE
    assert artifact.exists()


# --- rows ----------------------------------------------------------------------------------


async def test_every_row_of_a_run_goes_with_it(
    tracking: Tracking, collector: GarbageCollector, db: Database
) -> None:
    run_id = await tracking.run("0")
    model = await tracking.model("0", source_run_id=run_id)
    await tracking.log(
        run_id,
        metrics=[Metric("loss", 0.5, 1, 0), Metric("acc", 0.9, 1, 0, model_id=model.model_id)],
        params={"lr": "0.1"},
        tags={"team": "search"},
    )
    await tracking.service.log_inputs(run_id, [dataset_input(context="train")], [model.model_id])
    await tracking.service.log_outputs(run_id, [ModelOutput(model.model_id, 1)])
    await tracking.service.delete_run(run_id)
    before = await rows_of_run(db, run_id)

    await collect(collector)

    assert all(before.values()), f"arranged no rows in some table: {before}"
    assert await rows_of_run(db, run_id) == dict.fromkeys(before, 0)


async def test_every_row_of_an_experiment_goes_with_it(
    tracking: Tracking, collector: GarbageCollector, db: Database
) -> None:
    experiment_id = await tracking.experiment(team="search")
    run_id = await tracking.run(experiment_id)
    await tracking.service.log_inputs(run_id, [dataset_input()], [])
    await tracking.model(experiment_id, params={"depth": "3"}, tags={"stage": "dev"})
    await tracking.service.delete_experiment(experiment_id)
    before = await rows_of_experiment(db, experiment_id)

    await collect(collector)

    assert all(before.values()), f"arranged no rows in some table: {before}"
    assert await rows_of_experiment(db, experiment_id) == dict.fromkeys(before, 0)


async def test_the_metrics_of_an_experiments_runs_go_with_it_restored_runs_too(
    tracking: Tracking, collector: GarbageCollector, db: Database
) -> None:
    experiment_id = await tracking.experiment()
    runs = [await tracking.run(experiment_id) for _ in range(2)]
    for run_id in runs:
        await tracking.log(run_id, metrics=[Metric("loss", 0.5, 1, 0)])
    await tracking.service.delete_experiment(experiment_id)
    await tracking.service.restore_run(runs[0])  # active, in a deleted experiment

    await collect(collector)

    assert [await count(db, t.MetricRow, run_id=r) for r in runs] == [0, 0]


async def test_the_metrics_of_runs_that_stay_are_kept(
    tracking: Tracking, collector: GarbageCollector, db: Database
) -> None:
    active = await tracking.run("0")
    await tracking.log(active, metrics=[Metric("loss", 0.5, 1, 0)])
    await deleted_run(tracking)

    await collect(collector)

    assert await count(db, t.MetricRow, run_id=active) == 1


# --- artifacts -----------------------------------------------------------------------------


async def test_the_artifacts_of_a_run_in_the_store_are_deleted(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    doomed, kept = await deleted_run(tracking), await tracking.run("0")
    doomed_artifact = put_artifact(await artifact_uri(tracking, doomed))
    kept_artifact = put_artifact(await artifact_uri(tracking, kept))

    collected = await collect(collector)

    assert [c.artifacts for c in collected] == [ArtifactOutcome.DELETED]
    assert not doomed_artifact.parent.exists()
    assert kept_artifact.exists()


async def test_the_artifact_tree_of_an_experiment_in_the_store_is_deleted(
    tracking: Tracking, collector: GarbageCollector
) -> None:
    experiment_id = await tracking.experiment()
    location = (await tracking.service.get_experiment(experiment_id)).artifact_location
    artifact = put_artifact(f"{location}/models/m-1/artifacts")
    await tracking.service.delete_experiment(experiment_id)

    await collect(collector)

    assert not local_path(location).exists()
    assert not artifact.exists()


async def test_artifacts_outside_the_store_are_left_untouched(
    tracking: Tracking, db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    run_id = await deleted_run(tracking)
    artifact = put_artifact(await artifact_uri(tracking, run_id))
    elsewhere = collector_for(db, (tmp_path / "another-store").as_uri(), clock)

    collected = await collect(elsewhere)

    assert [c.artifacts for c in collected] == [ArtifactOutcome.OUTSIDE_STORE]
    assert artifact.exists()
    assert await run_stage(tracking.service, run_id) is None


async def test_an_experiment_tree_holding_another_experiments_artifacts_is_kept(
    tracking: Tracking, collector: GarbageCollector, artifact_root: str
) -> None:
    shared = "mlflow-artifacts:/shared"
    doomed = await tracking.service.create_experiment("doomed", shared, [])
    neighbour = await tracking.service.create_experiment("neighbour", shared, [])
    run_id = await tracking.run(neighbour)
    artifact = put_artifact(f"{artifact_root}/shared/{run_id}/artifacts")
    await tracking.service.delete_experiment(doomed)

    collected = await collect(collector)

    assert [(c.id, c.artifacts) for c in collected] == [(doomed, ArtifactOutcome.SHARED)]
    assert artifact.exists()


async def test_an_experiment_located_at_the_store_root_never_deletes_the_store(
    tracking: Tracking, collector: GarbageCollector, artifact_root: str
) -> None:
    experiment_id = await tracking.service.create_experiment("root", "mlflow-artifacts:/", [])
    artifact = put_artifact(f"{artifact_root}/0/elsewhere")
    await tracking.service.delete_experiment(experiment_id)

    collected = await collect(collector)

    assert [(c.id, c.artifacts) for c in collected] == [(experiment_id, ArtifactOutcome.SHARED)]
    assert artifact.exists()


# --- crashes and races ---------------------------------------------------------------------


class PowerCut(Exception):
    pass


class CrashBeforeRows(SqlTrackingStore):
    """A store whose process dies between deleting a run's artifacts and its rows."""

    async def hard_delete_run(self, session: AsyncSession, run_id: str) -> bool:
        raise PowerCut


async def test_a_gc_that_crashed_after_deleting_artifacts_is_finished_by_the_next(
    tracking: Tracking, collector: GarbageCollector, db: Database, artifact_root: str
) -> None:
    run_id = await deleted_run(tracking)
    artifact = put_artifact(await artifact_uri(tracking, run_id))
    crashing = collector_for(db, artifact_root, tracking.clock, CrashBeforeRows(artifact_root))
    with pytest.raises(PowerCut):
        await collect(crashing)
    assert not artifact.exists()
    assert await run_stage(tracking.service, run_id) is LifecycleStage.DELETED

    collected = await collect(collector)

    assert [(c.id, c.artifacts) for c in collected] == [(run_id, ArtifactOutcome.DELETED)]
    assert await run_stage(tracking.service, run_id) is None


class RestoringBackend(LocalBackend):
    """A store during whose deletion somebody restores the run."""

    def __init__(self, root: str, restore: Callable[[], Awaitable[None]]) -> None:
        super().__init__(local_path(root))
        self._restore = restore

    async def delete(self, path: str) -> None:
        await super().delete(path)
        await self._restore()


async def test_a_run_restored_while_its_artifacts_are_deleted_keeps_its_record(
    tracking: Tracking, db: Database, clock: FakeClock, artifact_root: str
) -> None:
    run_id = await deleted_run(tracking)
    put_artifact(await artifact_uri(tracking, run_id))
    backend = RestoringBackend(artifact_root, lambda: tracking.service.restore_run(run_id))
    racing = GarbageCollector(db, SqlTrackingStore(artifact_root), backend, clock=clock)

    with raises(ErrorCode.INVALID_STATE, match="its record was kept"):
        await collect(racing)

    assert await run_stage(tracking.service, run_id) is LifecycleStage.ACTIVE


# --- --older-than --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("30d", 30 * DAY),
        ("12h", 12 * 3_600_000),
        ("1d2h30m", DAY + 2 * 3_600_000 + 30 * 60_000),
        ("1.5h", 5_400_000),
        ("2m4s", 124_000),
        (".5d", DAY // 2),
        ("9" * 400 + "d", int("9" * 400) * DAY),
    ],
)
def test_ages_are_read_as_mlflow_gc_writes_them(text: str, ms: int) -> None:
    assert parse_age(text) == ms


@pytest.mark.parametrize("text", ["", "30", "1x", "h", "2h1d", "-1d", "1d 2h", "1..5h"])
def test_ages_that_are_not_days_hours_minutes_seconds_are_invalid(text: str) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="Could not parse"):
        parse_age(text)
