"""Helpers for the tracking service tests: a hand-driven clock and arranging short-hands."""

from __future__ import annotations

import gc
import itertools
from collections.abc import Awaitable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import pytest

from berth.errors import BerthError, ErrorCode
from berth.tracking.entities import (
    Dataset,
    DatasetInput,
    Experiment,
    LoggedModel,
    Metric,
    MetricPoint,
    ModelOrder,
    Page,
    Param,
    Run,
    Tag,
    ViewType,
)
from berth.tracking.service import TrackingService

T0 = 1_700_000_000_000


class FakeClock:
    """Milliseconds since the epoch, moved only by the test."""

    def __init__(self, now: int = T0) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int = 1) -> int:
        self.now += ms
        return self.now


@contextmanager
def raises(code: ErrorCode, match: str | None = None) -> Iterator[pytest.ExceptionInfo[BerthError]]:
    """Expect a :class:`BerthError` with this code (and a message matching ``match``)."""
    with pytest.raises(BerthError, match=match) as info:
        yield info
    assert info.value.code is code, f"expected {code.name}, got {info.value!r}"


async def outcome(call: Awaitable[object]) -> str | None:
    """None when ``call`` succeeds, else a description of what it raised.

    The exception and its frames are dropped and collected here, so a failure inside
    SQLAlchemy's async bridge (an un-awaited coroutine) is reported in this test, not a later one.
    """
    try:
        await call
    except Exception as exc:
        failure: str | None = f"{type(exc).__name__}: {exc}"
    else:
        failure = None
    gc.collect()
    return failure


def tags_of(entity: Run | LoggedModel | Experiment) -> dict[str, str]:
    return {tag.key: tag.value for tag in entity.tags}


def params_of(entity: Run | LoggedModel) -> dict[str, str]:
    return {param.key: param.value for param in entity.params}


def metrics_of(run: Run) -> dict[str, Metric]:
    return {metric.key: metric for metric in run.metrics}


def names(runs: Page[Run] | Sequence[Run]) -> list[str]:
    items = runs.items if isinstance(runs, Page) else runs
    return [run.info.run_name for run in items]


def dataset(
    name: str = "train", digest: str = "d1", source: str = "s3://bucket/train.csv"
) -> Dataset:
    return Dataset(name=name, digest=digest, source_type="s3", source=source)


def dataset_input(
    name: str = "train", digest: str = "d1", context: str | None = None, **tags: str
) -> DatasetInput:
    all_tags = dict(tags)
    if context is not None:
        all_tags["mlflow.data.context"] = context
    return DatasetInput(
        dataset(name, digest), tuple(Tag(key, value) for key, value in all_tags.items())
    )


class Tracking:
    """Arrange experiments, runs, logged data and models through the service under test."""

    def __init__(self, service: TrackingService, clock: FakeClock) -> None:
        self.service = service
        self.clock = clock
        self._numbers = itertools.count(1)

    async def experiment(self, name: str | None = None, **tags: str) -> str:
        return await self.service.create_experiment(
            name or f"experiment-{next(self._numbers)}",
            None,
            [Tag(key, value) for key, value in tags.items()],
        )

    async def run(
        self,
        experiment_id: str,
        name: str | None = None,
        *,
        user: str = "alice",
        start_time: int | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> str:
        run = await self.service.create_run(
            experiment_id,
            user,
            start_time,
            name,
            [Tag(key, value) for key, value in (tags or {}).items()],
        )
        return run.info.run_id

    async def log(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        await self.service.log_batch(
            run_id,
            metrics,
            [Param(key, value) for key, value in (params or {}).items()],
            [Tag(key, value) for key, value in (tags or {}).items()],
        )

    async def metric(
        self, run_id: str, key: str, value: float, step: int = 0, timestamp: int | None = None
    ) -> None:
        ts = self.clock.now if timestamp is None else timestamp
        await self.service.log_metric(run_id, Metric(key, value, ts, step))

    async def model(
        self,
        experiment_id: str,
        name: str | None = None,
        *,
        source_run_id: str | None = None,
        params: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> LoggedModel:
        return await self.service.create_logged_model(
            experiment_id,
            name,
            None,
            source_run_id,
            [Param(key, value) for key, value in (params or {}).items()],
            [Tag(key, value) for key, value in (tags or {}).items()],
        )

    async def search(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        *,
        order_by: Sequence[str] = (),
        view: ViewType = ViewType.ACTIVE_ONLY,
        max_results: int | None = None,
        page_token: str | None = None,
    ) -> Page[Run]:
        page = await self.service.search_runs(
            experiment_ids, filter_string, view, max_results, order_by, page_token
        )
        return Page([stored.run() for stored in page.items], page.next_page_token)

    async def search_names(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        *,
        order_by: Sequence[str] = (),
        view: ViewType = ViewType.ACTIVE_ONLY,
    ) -> list[str]:
        page = await self.search(experiment_ids, filter_string, order_by=order_by, view=view)
        assert page.next_page_token is None
        return names(page)

    async def search_models(
        self,
        experiment_ids: Sequence[str],
        filter_string: str | None = None,
        *,
        datasets: Sequence[tuple[str, str | None]] = (),
        order_by: Sequence[ModelOrder] = (),
        max_results: int | None = None,
        page_token: str | None = None,
    ) -> Page[LoggedModel]:
        return await self.service.search_logged_models(
            experiment_ids, filter_string, datasets, max_results, order_by, page_token
        )


def point_metric(key: str, point: MetricPoint) -> Metric:
    """A stored history point as the metric it records (NaN restored)."""
    value, timestamp, step, is_nan, model_id, dataset_name, dataset_digest = point
    return Metric(
        key,
        float("nan") if is_nan else value,
        timestamp,
        step,
        model_id=model_id,
        dataset_name=dataset_name,
        dataset_digest=dataset_digest,
    )


async def history_of(
    service: TrackingService,
    run_id: str,
    key: str,
    max_results: int | None = None,
    token: str | None = None,
) -> Page[Metric]:
    """One page of a key's history, as metrics."""
    page = await service.metric_history(run_id, key, max_results, token)
    return Page([point_metric(key, p) for p in page.items], page.next_page_token)
