"""Metrics: the latest value of each key, special values, history and sampled history."""

from __future__ import annotations

import base64
import itertools
import json
import math
from collections import defaultdict
from fractions import Fraction

import pytest

from berth.errors import ErrorCode
from berth.tracking.entities import Metric
from berth.tracking.service import TrackingService
from tests.integration.tracking.service.support import Tracking, history_of, metrics_of, raises


async def latest(service: TrackingService, run_id: str, key: str) -> Metric:
    return metrics_of(await service.get_run(run_id))[key]


def points(metrics: list[Metric]) -> list[tuple[int, int, float]]:
    return [(m.step, m.timestamp, m.value) for m in metrics]


# ------------------------------------------------------------------ latest value


async def test_latest_metric_is_the_one_at_the_greatest_step_even_if_logged_first(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")
    await tracking.metric(run_id, "loss", 5.0, step=2, timestamp=1)
    await tracking.metric(run_id, "loss", 9.0, step=1, timestamp=100)

    metric = await latest(tracking.service, run_id, "loss")

    assert (metric.step, metric.timestamp, metric.value) == (2, 1, 5.0)


async def test_latest_metric_at_equal_steps_is_the_one_with_the_greatest_timestamp(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")
    await tracking.metric(run_id, "loss", 1.0, step=1, timestamp=10)
    await tracking.metric(run_id, "loss", 100.0, step=1, timestamp=5)

    assert (await latest(tracking.service, run_id, "loss")).value == 1.0


@pytest.mark.parametrize("order", [(3.0, 2.0), (2.0, 3.0)], ids=["greater-first", "lesser-first"])
async def test_latest_metric_at_equal_step_and_timestamp_is_the_greatest_value(
    tracking: Tracking, order: tuple[float, float]
) -> None:
    run_id = await tracking.run("0")
    for value in order:
        await tracking.metric(run_id, "loss", value, step=1, timestamp=10)

    assert (await latest(tracking.service, run_id, "loss")).value == 3.0


async def test_latest_metric_within_one_batch_follows_the_same_rule(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    await tracking.log(
        run_id,
        metrics=[
            Metric("acc", 0.3, 50, 3),
            Metric("acc", 0.5, 10, 5),
            Metric("acc", 0.4, 99, 4),
            Metric("acc", 0.1, 5, 5),
            Metric("acc", 0.2, 10, 5),
        ],
    )

    metric = await latest(tracking.service, run_id, "acc")
    assert (metric.step, metric.timestamp, metric.value) == (5, 10, 0.5)


async def test_a_batch_older_than_the_stored_latest_leaves_it_alone(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.log(run_id, metrics=[Metric("acc", 0.9, 10, 10)])

    await tracking.log(run_id, metrics=[Metric("acc", 0.1, 99, 2), Metric("acc", 0.2, 99, 9)])

    metric = await latest(tracking.service, run_id, "acc")
    assert (metric.step, metric.timestamp, metric.value) == (10, 10, 0.9)


async def test_each_key_keeps_its_own_latest_value(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    await tracking.log(
        run_id, metrics=[Metric("a", 1.0, 1, 1), Metric("b", 7.0, 1, 0), Metric("a", 2.0, 1, 2)]
    )

    metrics = metrics_of(await tracking.service.get_run(run_id))
    assert {key: m.value for key, m in metrics.items()} == {"a": 2.0, "b": 7.0}


# ------------------------------------------------------------------ special values


async def test_nan_round_trips_as_latest_value_and_in_history(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    await tracking.metric(run_id, "loss", math.nan, step=0, timestamp=1)

    assert math.isnan((await latest(tracking.service, run_id, "loss")).value)
    history = await history_of(tracking.service, run_id, "loss", None, None)
    assert len(history.items) == 1
    assert math.isnan(history.items[0].value)


async def test_a_nan_at_a_later_step_becomes_the_latest_value(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.metric(run_id, "loss", 0.5, step=1, timestamp=1)

    await tracking.metric(run_id, "loss", math.nan, step=2, timestamp=1)

    assert math.isnan((await latest(tracking.service, run_id, "loss")).value)


@pytest.mark.parametrize("value", [math.inf, -math.inf], ids=["inf", "-inf"])
async def test_infinities_round_trip(tracking: Tracking, value: float) -> None:
    run_id = await tracking.run("0")

    await tracking.metric(run_id, "x", value, step=0, timestamp=1)

    assert (await latest(tracking.service, run_id, "x")).value == value
    history = await history_of(tracking.service, run_id, "x", None, None)
    assert [m.value for m in history.items] == [value]


async def test_negative_timestamp_is_invalid(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.metric(run_id, "x", 1.0, timestamp=-1)


# ------------------------------------------------------------------ history


async def test_identical_entries_are_kept_once_in_history(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    entry = Metric("loss", 0.5, 10, 1)

    await tracking.log(run_id, metrics=[entry, entry])
    await tracking.log(run_id, metrics=[entry])
    await tracking.service.log_metric(run_id, entry)

    history = await history_of(tracking.service, run_id, "loss", None, None)
    assert points(history.items) == [(1, 10, 0.5)]


async def test_identical_nan_entries_are_kept_once_in_history(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    entry = Metric("loss", math.nan, 10, 1)

    await tracking.log(run_id, metrics=[entry, entry])
    await tracking.log(run_id, metrics=[entry])

    history = await history_of(tracking.service, run_id, "loss", None, None)
    assert len(history.items) == 1


async def test_entries_differing_only_in_value_are_all_kept(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    await tracking.log(run_id, metrics=[Metric("loss", 0.5, 10, 1), Metric("loss", 0.6, 10, 1)])

    history = await history_of(tracking.service, run_id, "loss", None, None)
    assert points(history.items) == [(1, 10, 0.5), (1, 10, 0.6)]


async def test_history_is_ordered_by_step_then_timestamp(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    logged = [(3, 1, 0.3), (1, 50, 0.12), (2, 7, 0.2), (1, 40, 0.11), (0, 99, 0.0)]

    for step, timestamp, value in logged:
        await tracking.metric(run_id, "loss", value, step=step, timestamp=timestamp)

    history = await history_of(tracking.service, run_id, "loss", None, None)
    assert points(history.items) == sorted(logged)
    assert history.next_page_token is None


async def test_history_pages_through_every_entry_once(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    logged = [Metric("loss", float(i), 1000 - i, i) for i in range(7)]
    await tracking.log(run_id, metrics=logged)

    pages, token = [], None
    while True:
        page = await history_of(tracking.service, run_id, "loss", 3, token)
        pages.append(points(page.items))
        token = page.next_page_token
        if token is None:
            break

    assert [len(p) for p in pages] == [3, 3, 1]
    assert [point for page in pages for point in page] == points(logged)


async def test_history_page_token_without_max_results_continues_from_it(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")
    await tracking.log(run_id, metrics=[Metric("loss", float(i), 1, i) for i in range(3)])
    token = (await history_of(tracking.service, run_id, "loss", 1, None)).next_page_token

    rest = await history_of(tracking.service, run_id, "loss", None, token)

    assert [m.step for m in rest.items] == [1, 2]


async def test_history_page_of_exactly_max_results_has_no_next_token(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.log(run_id, metrics=[Metric("loss", float(i), 1, i) for i in range(3)])

    page = await history_of(tracking.service, run_id, "loss", 3, None)

    assert len(page.items) == 3
    assert page.next_page_token is None


async def test_history_is_only_the_requested_key(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.log(run_id, metrics=[Metric("a", 1.0, 1, 0), Metric("b", 2.0, 1, 0)])

    history = await history_of(tracking.service, run_id, "a", None, None)

    assert [(m.key, m.value) for m in history.items] == [("a", 1.0)]


async def test_history_of_a_key_never_logged_is_empty(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    page = await history_of(tracking.service, run_id, "nothing", 10, None)

    assert (page.items, page.next_page_token) == ([], None)


async def test_history_of_an_unknown_run_is_resource_does_not_exist(
    service: TrackingService,
) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await history_of(service, "a" * 32, "loss", None, None)


@pytest.mark.parametrize("max_results", [0, -1])
async def test_history_max_results_below_one_is_invalid(
    tracking: Tracking, max_results: int
) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await history_of(tracking.service, run_id, "loss", max_results, None)


async def test_history_page_token_of_another_key_is_invalid(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.log(run_id, metrics=[Metric("a", float(i), 1, i) for i in range(3)])
    token = (await history_of(tracking.service, run_id, "a", 1, None)).next_page_token
    assert token is not None

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await history_of(tracking.service, run_id, "b", 1, token)


async def test_history_page_token_that_is_garbage_is_invalid(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await history_of(tracking.service, run_id, "a", 1, "not-a-token")


async def all_pages(tracking: Tracking, run_id: str, key: str, size: int) -> list[Metric]:
    metrics, token = [], None
    while True:
        page = await history_of(tracking.service, run_id, key, size, token)
        metrics.extend(page.items)
        token = page.next_page_token
        if token is None:
            return metrics


@pytest.mark.parametrize("size", [1, 2, 3])
async def test_history_pages_through_points_sharing_a_step_each_once(
    tracking: Tracking, size: int
) -> None:
    run_id = await tracking.run("0")
    logged = [
        Metric("loss", 0.0, 5, 1),
        Metric("loss", math.nan, 5, 1),
        Metric("loss", 0.5, 5, 1),
        Metric("loss", -1.0, 7, 1),
        Metric("loss", 2.0, 3, 2),
        Metric("loss", math.inf, 3, 2),
        Metric("loss", 0.1, 1, 0),
    ]
    await tracking.log(run_id, metrics=logged)
    whole = (await history_of(tracking.service, run_id, "loss")).items

    paged = await all_pages(tracking, run_id, "loss", size)

    assert len(whole) == len(logged)
    assert [repr(m) for m in paged] == [repr(m) for m in whole]
    assert [(m.step, m.timestamp) for m in paged] == sorted((m.step, m.timestamp) for m in logged)


async def test_history_page_token_of_another_run_is_invalid(tracking: Tracking) -> None:
    first, second = await tracking.run("0"), await tracking.run("0")
    for run_id in (first, second):
        await tracking.log(run_id, metrics=[Metric("a", float(i), 1, i) for i in range(3)])
    token = (await history_of(tracking.service, first, "a", 1)).next_page_token

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="different search"):
        await history_of(tracking.service, second, "a", 1, token)


def reforged(token: str, field: str, value: object) -> str:
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    payload.pop("after")
    payload[field] = value
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("offset", 1, id="offset-token"),
        pytest.param("after", [0, 1, 0.5], id="short-position"),
        pytest.param("after", [0, 1, "0.5", False], id="text-value"),
        pytest.param("after", [0.0, 1, 0.5, False], id="float-step"),
        pytest.param("after", [0, 1, math.nan, False], id="nan-value"),
        pytest.param("after", [0, 1, 0.5, 0], id="int-is-nan"),
    ],
)
async def test_history_page_token_with_a_forged_position_is_invalid(
    tracking: Tracking, field: str, value: object
) -> None:
    run_id = await tracking.run("0")
    await tracking.log(run_id, metrics=[Metric("a", float(i), 1, i) for i in range(3)])
    token = (await history_of(tracking.service, run_id, "a", 1)).next_page_token
    assert token is not None

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="not issued by this server"):
        await history_of(tracking.service, run_id, "a", 1, reforged(token, field, value))


# ------------------------------------------------------------------ sampled history


async def log_steps(tracking: Tracking, run_id: str, steps: range, key: str = "loss") -> None:
    await tracking.log(run_id, metrics=[Metric(key, float(s), 1000 + s, s) for s in steps])


def steps_by_run(metrics: list[Metric]) -> dict[str | None, list[int]]:
    grouped: dict[str | None, list[int]] = defaultdict(list)
    for metric in metrics:
        grouped[metric.run_id].append(metric.step)
    return dict(grouped)


async def test_sampling_spreads_steps_evenly_keeping_the_first_and_last(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")
    await log_steps(tracking, run_id, range(100))

    sampled = await tracking.service.metric_history_sampled([run_id], "loss", None, None, 5)

    steps = [m.step for m in sampled]
    assert len(steps) == 5
    assert steps == sorted(steps)
    assert (steps[0], steps[-1]) == (0, 99)
    gaps = [b - a for a, b in itertools.pairwise(steps)]
    assert all(20 <= gap <= 30 for gap in gaps), gaps


async def test_sampled_points_carry_their_run_value_and_timestamp(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await log_steps(tracking, run_id, range(3))

    sampled = await tracking.service.metric_history_sampled([run_id], "loss", None, None, 10)

    assert [(m.run_id, m.key, m.step, m.timestamp, m.value) for m in sampled] == [
        (run_id, "loss", s, 1000 + s, float(s)) for s in range(3)
    ]


async def test_sampling_returns_every_step_when_there_are_few(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await log_steps(tracking, run_id, range(0, 40, 4))

    sampled = await tracking.service.metric_history_sampled([run_id], "loss", None, None, None)

    assert [m.step for m in sampled] == list(range(0, 40, 4))


async def test_sampling_keeps_every_value_logged_at_a_chosen_step(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.log(
        run_id,
        metrics=[Metric("loss", 1.0, 1, 0), Metric("loss", 2.0, 2, 0), Metric("loss", 3.0, 3, 1)],
    )

    sampled = await tracking.service.metric_history_sampled([run_id], "loss", None, None, 2)

    assert points(sampled) == [(0, 1, 1.0), (0, 2, 2.0), (1, 3, 3.0)]


async def test_sampling_within_a_step_window_keeps_only_steps_inside_it(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")
    await log_steps(tracking, run_id, range(100))

    sampled = await tracking.service.metric_history_sampled([run_id], "loss", 10, 20, None)

    assert [m.step for m in sampled] == list(range(10, 21))


async def test_sampling_within_a_window_keeps_the_window_ends(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await log_steps(tracking, run_id, range(100))

    sampled = await tracking.service.metric_history_sampled([run_id], "loss", 10, 60, 3)

    assert [m.step for m in sampled] == [10, 35, 60]


async def test_sampling_several_runs_samples_each_on_its_own(tracking: Tracking) -> None:
    long_run = await tracking.run("0")
    short_run = await tracking.run("0")
    silent_run = await tracking.run("0")
    await log_steps(tracking, long_run, range(1000))
    await log_steps(tracking, short_run, range(3))

    sampled = await tracking.service.metric_history_sampled(
        [long_run, short_run, silent_run], "loss", None, None, 4
    )

    by_run = steps_by_run(sampled)
    assert set(by_run) == {long_run, short_run}
    assert by_run[short_run] == [0, 1, 2]
    assert len(by_run[long_run]) == 4
    assert (by_run[long_run][0], by_run[long_run][-1]) == (0, 999)


async def test_sampling_a_single_point_returns_the_last_step(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await log_steps(tracking, run_id, range(10))

    sampled = await tracking.service.metric_history_sampled([run_id], "loss", None, None, 1)

    assert [m.step for m in sampled] == [9]


async def test_sampling_an_unknown_run_is_resource_does_not_exist(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.metric_history_sampled([run_id, "b" * 32], "loss", None, None, None)


def spread(steps: list[int], count: int) -> list[int]:
    """The sampling rule, in exact arithmetic: positions round(i * (n - 1) / (count - 1)),
    ties to even (as Python rounds), both ends kept; the last step alone for one point."""
    if len(steps) <= count:
        return steps
    if count == 1:
        return [steps[-1]]
    stride = Fraction(len(steps) - 1, count - 1)
    return sorted({steps[round(i * stride)] for i in range(count)})


@pytest.mark.parametrize(
    ("steps", "count"),
    [
        pytest.param(list(range(6)), 3, id="tie-at-a-half"),
        pytest.param(list(range(10)), 3, id="ten-in-three"),
        pytest.param(list(range(0, 300, 3)), 7, id="strided-steps"),
        pytest.param([i * i for i in range(50)], 8, id="uneven-steps"),
        pytest.param(list(range(37)), 36, id="one-too-many"),
        pytest.param(list(range(1000)), 2, id="ends-only"),
        pytest.param(list(range(2, 30)), 1, id="one-point"),
        pytest.param([4], 1, id="one-step"),
    ],
)
async def test_sampling_picks_the_steps_of_the_rule(
    tracking: Tracking, steps: list[int], count: int
) -> None:
    run_id = await tracking.run("0")
    await tracking.log(run_id, metrics=[Metric("loss", float(s), 1, s) for s in steps])

    sampled = await tracking.service.metric_history_sampled([run_id], "loss", None, None, count)

    assert [m.step for m in sampled] == spread(steps, count)


@pytest.mark.parametrize(
    ("count", "start", "end", "max_results", "message"),
    [
        pytest.param(0, None, None, None, "run_ids", id="no-runs"),
        pytest.param(101, None, None, None, "at most 100 run_ids", id="too-many-runs"),
        pytest.param(1, None, None, 0, "between 1 and 2500", id="max-results-0"),
        pytest.param(1, None, None, 2501, "between 1 and 2500", id="max-results-2501"),
        pytest.param(1, 5, None, None, "both must be specified", id="start-only"),
        pytest.param(1, None, 5, None, "both must be specified", id="end-only"),
        pytest.param(1, 6, 5, None, "end_step must be greater", id="start-after-end"),
    ],
)
async def test_sampling_arguments_out_of_bounds_are_invalid(
    tracking: Tracking,
    count: int,
    start: int | None,
    end: int | None,
    max_results: int | None,
    message: str,
) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match=message):
        await tracking.service.metric_history_sampled(
            [run_id] * count, "loss", start, end, max_results
        )
