"""Whole metric histories of several runs at once (MLflow's get-history-bulk)."""

from __future__ import annotations

import math

import pytest

from berth.errors import ErrorCode
from berth.tracking import service as service_module
from berth.tracking.entities import Metric
from berth.tracking.service import TrackingService
from tests.integration.tracking.service.support import Tracking, raises


def points(metrics: list[Metric]) -> list[tuple[str | None, int, int, float]]:
    return [(m.run_id, m.timestamp, m.step, m.value) for m in metrics]


async def test_points_are_ordered_by_run_then_timestamp_step_and_value(
    tracking: Tracking,
) -> None:
    first, second = sorted([await tracking.run("0"), await tracking.run("0")])
    for run_id in (second, first):
        await tracking.log(
            run_id,
            metrics=[
                Metric("loss", 0.9, 20, 0),
                Metric("loss", 0.5, 10, 1),
                Metric("loss", 0.7, 10, 1),
                Metric("loss", 0.1, 10, 0),
            ],
        )

    metrics = await tracking.service.metric_histories([second, first], "loss", None)

    expected = [(10, 0, 0.1), (10, 1, 0.5), (10, 1, 0.7), (20, 0, 0.9)]
    assert points(metrics) == [(first, *p) for p in expected] + [(second, *p) for p in expected]


async def test_points_carry_their_key_and_run(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.metric(run_id, "acc", 0.5, step=3, timestamp=7)

    metrics = await tracking.service.metric_histories([run_id], "acc", None)

    assert metrics == [Metric("acc", 0.5, 7, 3, run_id=run_id)]


async def test_only_the_requested_key_is_returned(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.log(run_id, metrics=[Metric("loss", 1.0, 1, 0), Metric("acc", 2.0, 1, 0)])

    metrics = await tracking.service.metric_histories([run_id], "acc", None)

    assert [m.key for m in metrics] == ["acc"]


async def test_nan_is_returned_as_nan(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.metric(run_id, "loss", math.nan, timestamp=1)

    [metric] = await tracking.service.metric_histories([run_id], "loss", None)

    assert math.isnan(metric.value)


async def test_a_run_named_twice_is_returned_once(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.metric(run_id, "loss", 1.0, timestamp=1)

    metrics = await tracking.service.metric_histories([run_id, run_id], "loss", None)

    assert len(metrics) == 1


async def test_unknown_runs_add_no_points(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.metric(run_id, "loss", 1.0, timestamp=1)

    metrics = await tracking.service.metric_histories(["f" * 32, run_id], "loss", None)

    assert points(metrics) == [(run_id, 1, 0, 1.0)]


async def test_an_empty_key_matches_no_points(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.metric(run_id, "loss", 1.0, timestamp=1)

    assert await tracking.service.metric_histories([run_id], "", None) == []


async def test_max_results_cuts_across_runs_in_order(tracking: Tracking) -> None:
    first, second = sorted([await tracking.run("0"), await tracking.run("0")])
    for run_id in (first, second):
        await tracking.log(run_id, metrics=[Metric("loss", 1.0, t, 0) for t in range(3)])

    metrics = await tracking.service.metric_histories([first, second], "loss", 4)

    assert points(metrics) == [(first, t, 0, 1.0) for t in range(3)] + [(second, 0, 0, 1.0)]


async def test_max_results_zero_returns_no_points(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.metric(run_id, "loss", 1.0, timestamp=1)

    assert await tracking.service.metric_histories([run_id], "loss", 0) == []


async def test_max_results_above_the_cap_is_the_cap(
    tracking: Tracking, monkeypatch: pytest.MonkeyPatch
) -> None:
    # MLflow caps the answer at 25000 points; a small cap shows it without 25000 points.
    assert service_module.HISTORIES_MAX_RESULTS == 25000
    monkeypatch.setattr(service_module, "HISTORIES_MAX_RESULTS", 2)
    run_id = await tracking.run("0")
    await tracking.log(run_id, metrics=[Metric("loss", 1.0, t, 0) for t in range(3)])

    assert len(await tracking.service.metric_histories([run_id], "loss", 10)) == 2
    assert len(await tracking.service.metric_histories([run_id], "loss", None)) == 2


async def test_negative_max_results_is_invalid(service: TrackingService) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="max_results"):
        await service.metric_histories(["a" * 32], "loss", -1)


async def test_no_run_ids_is_invalid(service: TrackingService) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="at least one run_id"):
        await service.metric_histories([], "loss", None)


async def test_more_than_a_hundred_run_ids_is_invalid(service: TrackingService) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="more than 100 run_ids"):
        await service.metric_histories([f"{i:032x}" for i in range(101)], "loss", None)


async def test_a_missing_metric_key_is_invalid(service: TrackingService) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="must specify a metric_key"):
        await service.metric_histories(["a" * 32], None, None)
