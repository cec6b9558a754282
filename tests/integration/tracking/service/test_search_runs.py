"""Run search over runs each test arranges: view types, tie-breaking, pages, experiments."""

from __future__ import annotations

import pytest

from berth.errors import ErrorCode
from berth.tracking.entities import Metric, ViewType
from berth.tracking.service import TrackingService
from tests.integration.tracking.service.support import Tracking, names, raises


async def four_runs(tracking: Tracking) -> tuple[str, dict[str, str]]:
    experiment_id = await tracking.experiment()
    ids = {}
    for start, name in enumerate(["alpha", "beta", "gamma", "delta"]):
        ids[name] = await tracking.run(experiment_id, name, start_time=start)
        await tracking.log(ids[name], metrics=[Metric("loss", start / 10, 1, 0)])
    return experiment_id, ids


# ------------------------------------------------------------------ view types


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (ViewType.ACTIVE_ONLY, {"alpha", "beta", "delta"}),
        (ViewType.DELETED_ONLY, {"gamma"}),
        (ViewType.ALL, {"alpha", "beta", "gamma", "delta"}),
    ],
    ids=["active-only", "deleted-only", "all"],
)
async def test_view_type_selects_by_lifecycle_stage(
    tracking: Tracking, view: ViewType, expected: set[str]
) -> None:
    experiment_id, ids = await four_runs(tracking)
    await tracking.service.delete_run(ids["gamma"])

    assert set(await tracking.search_names([experiment_id], view=view)) == expected


async def test_view_type_applies_together_with_the_filter(tracking: Tracking) -> None:
    experiment_id, ids = await four_runs(tracking)
    await tracking.service.delete_run(ids["beta"])
    await tracking.service.delete_run(ids["gamma"])

    found_names = await tracking.search_names(
        [experiment_id], "metrics.loss > 0.15", view=ViewType.DELETED_ONLY
    )

    assert found_names == ["gamma"]


async def test_a_restored_run_is_active_again_in_search(tracking: Tracking) -> None:
    experiment_id, ids = await four_runs(tracking)
    await tracking.service.delete_run(ids["beta"])

    await tracking.service.restore_run(ids["beta"])

    assert await tracking.search_names([experiment_id], view=ViewType.DELETED_ONLY) == []
    assert "beta" in await tracking.search_names([experiment_id])


async def test_runs_of_a_deleted_experiment_are_found_as_deleted(tracking: Tracking) -> None:
    experiment_id, _ = await four_runs(tracking)
    await tracking.service.delete_experiment(experiment_id)

    assert await tracking.search_names([experiment_id]) == []
    assert len(await tracking.search_names([experiment_id], view=ViewType.DELETED_ONLY)) == 4


# ------------------------------------------------------------------ order


async def test_default_order_breaks_start_time_ties_by_run_id(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()
    ids = [await tracking.run(experiment_id, start_time=7) for _ in range(5)]

    page = await tracking.search([experiment_id])

    assert [run.info.run_id for run in page.items] == sorted(ids)


# ------------------------------------------------------------------ pages and experiments


async def all_pages(
    tracking: Tracking, experiment_ids: list[str], max_results: int, *order_by: str
) -> list[list[str]]:
    pages, token = [], None
    while True:
        page = await tracking.search(
            experiment_ids, order_by=order_by, max_results=max_results, page_token=token
        )
        pages.append([run.info.run_id for run in page.items])
        token = page.next_page_token
        if token is None:
            return pages


@pytest.mark.parametrize("order_by", [(), ("metrics.m DESC",), ("params.p ASC",)])
async def test_pages_cover_every_run_once_in_order(
    tracking: Tracking, order_by: tuple[str, ...]
) -> None:
    experiment_id = await tracking.experiment()
    for i in range(7):
        run_id = await tracking.run(experiment_id, start_time=i % 3)
        if i % 2:
            await tracking.log(run_id, metrics=[Metric("m", float(i % 4), 1, 0)], params={"p": "x"})
    everything = await tracking.search([experiment_id], order_by=order_by)

    pages = await all_pages(tracking, [experiment_id], 3, *order_by)

    assert [len(page) for page in pages] == [3, 3, 1]
    assert [run_id for page in pages for run_id in page] == [
        run.info.run_id for run in everything.items
    ]


async def test_a_page_ending_exactly_at_the_last_run_has_no_token(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()
    for _ in range(4):
        await tracking.run(experiment_id)

    page = await tracking.search([experiment_id], max_results=4)

    assert (len(page.items), page.next_page_token) == (4, None)


async def test_a_page_token_replayed_with_another_filter_is_invalid(tracking: Tracking) -> None:
    experiment_id, _ = await four_runs(tracking)
    token = (await tracking.search([experiment_id], max_results=1)).next_page_token
    assert token is not None

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.search([experiment_id], "metrics.loss > 0", page_token=token)


@pytest.mark.parametrize("max_results", [0, 50001])
async def test_max_results_out_of_bounds_is_invalid(
    service: TrackingService, max_results: int
) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await service.search_runs(["0"], None, ViewType.ACTIVE_ONLY, max_results, [], None)


async def test_search_spans_every_listed_experiment_and_only_those(tracking: Tracking) -> None:
    first, second, other = [await tracking.experiment() for _ in range(3)]
    await tracking.run(first, "one", start_time=1)
    await tracking.run(second, "two", start_time=2)
    await tracking.run(other, "elsewhere", start_time=3)

    assert await tracking.search_names([first, second]) == ["two", "one"]


async def test_search_across_experiments_pages_through_all_of_them(tracking: Tracking) -> None:
    first, second = await tracking.experiment(), await tracking.experiment()
    for i in range(3):
        await tracking.run(first, start_time=i)
        await tracking.run(second, start_time=i)

    pages = await all_pages(tracking, [first, second], 4)

    flat = [run_id for page in pages for run_id in page]
    assert [len(page) for page in pages] == [4, 2]
    assert len(set(flat)) == 6


async def test_search_of_a_non_integer_experiment_id_is_invalid(service: TrackingService) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await service.search_runs(["abc"], None, ViewType.ALL, None, [], None)


async def test_search_of_an_experiment_without_runs_is_empty(tracking: Tracking) -> None:
    page = await tracking.search([await tracking.experiment()])

    assert (names(page), page.next_page_token) == ([], None)
