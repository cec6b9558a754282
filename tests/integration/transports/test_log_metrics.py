"""LogMetrics, the client stream of metric batches: complete and in step order at volume,
committed batch by batch, refused batch by batch."""

from __future__ import annotations

import time
from collections.abc import Iterator

import grpc
import pytest
from sqlalchemy import text

from berth.client import BerthClientError
from berth.client.tracking import committed_before
from berth.db.engine import create_engine
from berth.proto import tracking_pb2 as pb
from tests.integration.transports.support import Running

POINTS = 1_000_000


def _points(count: int, key: str = "loss") -> Iterator[pb.Metric]:
    for step in range(count):
        yield pb.Metric(key=key, value=step * 0.5, timestamp=1_700_000_000_000 + step, step=step)


async def _run_id(app: Running) -> str:
    run_id: str = (await app.grpc.client.tracking.create_run(experiment_id="0")).run.info.run_id
    return run_id


async def test_a_million_points_arrive_complete_and_in_step_order(app: Running) -> None:
    if app.settings.backend_store_uri.startswith("postgresql"):
        pytest.skip("the volume test runs once, on SQLite; PostgreSQL gets the smaller ones")
    run_id = await _run_id(app)
    started = time.monotonic()

    ack = await app.grpc.client.tracking.log_metrics(run_id, _points(POINTS), batch_size=1000)
    elapsed = time.monotonic() - started

    assert (ack.batches, ack.metrics) == (1000, POINTS)
    engine = create_engine(app.settings.backend_store_uri)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT step, value FROM metrics WHERE run_id = :run ORDER BY step"),
                {"run": run_id},
            )
            steps_and_values = rows.all()
    finally:
        await engine.dispose()
    assert len(steps_and_values) == POINTS
    assert all(step == i and value == i * 0.5 for i, (step, value) in enumerate(steps_and_values))
    history = await app.grpc.client.tracking.get_metric_history(
        run_id=run_id, metric_key="loss", max_results=5000
    )
    assert [m.step for m in history.metrics] == list(range(5000))
    latest = (await app.grpc.client.tracking.get_run(run_id=run_id)).run.data.metrics
    assert [(m.key, m.step) for m in latest] == [("loss", POINTS - 1)]
    print(f"LogMetrics: {POINTS} points in {elapsed:.1f}s ({POINTS / elapsed:,.0f} points/s)")


async def test_messages_without_a_run_id_continue_the_previous_run(app: Running) -> None:
    run_id = await _run_id(app)

    def messages() -> Iterator[pb.LogMetrics]:
        yield pb.LogMetrics(run_id=run_id, metrics=list(_points(3)))
        yield pb.LogMetrics(metrics=[pb.Metric(key="acc", value=1.0, timestamp=1, step=0)])

    ack = await app.grpc.client.tracking._stream_in(
        "LogMetrics", pb.LogMetrics.Response, _aiter(messages()), None
    )
    run = (await app.grpc.client.tracking.get_run(run_id=run_id)).run

    assert (ack.batches, ack.metrics) == (2, 4)
    assert sorted(m.key for m in run.data.metrics) == ["acc", "loss"]


async def test_a_refused_batch_ends_the_stream_and_earlier_batches_stay(app: Running) -> None:
    run_id = await _run_id(app)
    metrics = [*_points(10), pb.Metric(key="bad", timestamp=1, step=0)]  # no value

    with pytest.raises(BerthClientError) as failed:
        await app.grpc.client.tracking.log_metrics(run_id, metrics, batch_size=5)

    history = await app.grpc.client.tracking.get_metric_history(run_id=run_id, metric_key="loss")
    assert failed.value.status is grpc.StatusCode.INVALID_ARGUMENT
    assert failed.value.error_code == "INVALID_PARAMETER_VALUE"
    assert [m.step for m in history.metrics] == list(range(10))


async def test_a_refused_batch_reports_what_the_stream_committed_before_it(app: Running) -> None:
    run_id = await _run_id(app)
    metrics = [*_points(10), pb.Metric(key="bad", timestamp=1, step=0)]  # no value

    with pytest.raises(BerthClientError) as failed:
        await app.grpc.client.tracking.log_metrics(run_id, metrics, batch_size=4)

    assert committed_before(failed.value) == pb.LogMetrics.Response(batches=2, metrics=8)


async def test_a_stream_for_a_missing_run_is_resource_does_not_exist(app: Running) -> None:
    with pytest.raises(BerthClientError) as failed:
        await app.grpc.client.tracking.log_metrics("0" * 32, _points(1))

    assert failed.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert committed_before(failed.value) == pb.LogMetrics.Response(batches=0, metrics=0)


async def _aiter(items: Iterator[pb.LogMetrics]):  # type: ignore[no-untyped-def]
    for item in items:
        yield item
