"""Run search ordered by a metric: runs with a number, then NaN, then runs without the
metric, each group tie-broken by newest start time then run id, in both directions and across
pages, however a page boundary falls between the groups."""

from __future__ import annotations

import math

import pytest

from berth.tracking.entities import Metric
from tests.integration.tracking.service.support import Tracking, names

# name: (start time, value of "m"; None for a run without it)
RUNS: dict[str, tuple[int, float | None]] = {
    "low": (1, 0.1),
    "high": (2, 0.9),
    "mid-old": (3, 0.5),
    "mid-new": (4, 0.5),
    "nan-old": (5, math.nan),
    "nan-new": (6, math.nan),
    "none-old": (7, None),
    "none-new": (8, None),
}
DESCENDING = ["high", "mid-new", "mid-old", "low", "nan-new", "nan-old", "none-new", "none-old"]
ASCENDING = ["low", "mid-new", "mid-old", "high", "nan-new", "nan-old", "none-new", "none-old"]


async def arranged(tracking: Tracking) -> str:
    experiment_id = await tracking.experiment()
    for name, (start, value) in RUNS.items():
        run_id = await tracking.run(experiment_id, name, start_time=start)
        await tracking.log(run_id, params={"p": name})
        if value is not None:
            await tracking.log(run_id, metrics=[Metric("m", value, 1, 0)])
    return experiment_id


async def pages_of(
    tracking: Tracking, experiment_id: str, size: int, *order_by: str
) -> list[list[str]]:
    pages: list[list[str]] = []
    token = None
    while True:
        page = await tracking.search(
            [experiment_id], order_by=order_by, max_results=size, page_token=token
        )
        pages.append(names(page))
        token = page.next_page_token
        if token is None:
            return pages


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [("metrics.m DESC", DESCENDING), ("metrics.m ASC", ASCENDING), ("metrics.m", ASCENDING)],
)
async def test_numbers_then_nan_then_missing_in_either_direction(
    tracking: Tracking, order_by: str, expected: list[str]
) -> None:
    experiment_id = await arranged(tracking)

    assert await tracking.search_names([experiment_id], order_by=[order_by]) == expected


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 8, 9])
@pytest.mark.parametrize(
    ("order_by", "expected"), [("metrics.m DESC", DESCENDING), ("metrics.m ASC", ASCENDING)]
)
async def test_pages_run_across_the_nan_and_missing_groups_without_gap_or_repeat(
    tracking: Tracking, size: int, order_by: str, expected: list[str]
) -> None:
    experiment_id = await arranged(tracking)

    pages = await pages_of(tracking, experiment_id, size, order_by)

    assert [name for page in pages for name in page] == expected
    assert all(len(page) == size for page in pages[:-1])


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ("params.p ASC", DESCENDING),
        (
            "params.p DESC",
            ["high", "mid-old", "mid-new", "low", "nan-old", "nan-new", "none-old", "none-new"],
        ),
    ],
)
async def test_a_second_order_key_breaks_ties_within_each_group(
    tracking: Tracking, second: str, expected: list[str]
) -> None:
    experiment_id = await arranged(tracking)

    found = await tracking.search_names([experiment_id], order_by=["metrics.m DESC", second])

    assert found == expected


async def test_a_filter_applies_to_every_group(tracking: Tracking) -> None:
    experiment_id = await arranged(tracking)

    found = await tracking.search_names(
        [experiment_id], "params.p LIKE '%-new'", order_by=["metrics.m DESC"]
    )

    assert found == ["mid-new", "nan-new", "none-new"]


async def test_start_time_as_a_later_key_replaces_the_default_tie_breaker(
    tracking: Tracking,
) -> None:
    experiment_id = await arranged(tracking)

    found = await tracking.search_names(
        [experiment_id], order_by=["metrics.m DESC", "attributes.start_time ASC"]
    )

    assert found == [
        "high",
        "mid-old",
        "mid-new",
        "low",
        "nan-old",
        "nan-new",
        "none-old",
        "none-new",
    ]
