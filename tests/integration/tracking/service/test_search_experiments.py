"""Experiment search: filters on name, tags, times and ids; view types; order; pages.

The experiments are arranged once per module (and database); no test here writes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from berth.errors import ErrorCode
from berth.tracking.entities import Tag, ViewType
from tests.integration.tracking.service.support import T0, Tracking, raises

EXPERIMENTS = ["Default", "exp-Alpha", "exp-beta", "other", "gone"]


@pytest.fixture(scope="module")
async def tracking(shared_tracking: Tracking) -> Tracking:
    """Default (created at T0), then one experiment every 10 ms.

    =========  =====  ========  ==================  ===========
    name       id     created   last update         tags
    =========  =====  ========  ==================  ===========
    Default    0      T0        T0                  -
    exp-Alpha  1      T0+10     T0+10               team=Vision, env=prod
    exp-beta   2      T0+20     T0+20               team=vision
    other      3      T0+30     T0+100 (renamed)    -
    gone       4      T0+40     T0+50 (deleted)     -
    =========  =====  ========  ==================  ===========
    """
    tracking, clock, service = shared_tracking, shared_tracking.clock, shared_tracking.service
    clock.now = T0 + 10
    await service.create_experiment("exp-Alpha", None, [Tag("team", "Vision"), Tag("env", "prod")])
    clock.now = T0 + 20
    await service.create_experiment("exp-beta", None, [Tag("team", "vision")])
    clock.now = T0 + 30
    other = await service.create_experiment("other-before-rename", None, [])
    clock.now = T0 + 40
    gone = await service.create_experiment("gone", None, [])
    clock.now = T0 + 50
    await service.delete_experiment(gone)
    clock.now = T0 + 100
    await service.rename_experiment(other, "other")
    return tracking


async def search(
    tracking: Tracking,
    filter_string: str | None = None,
    order_by: Sequence[str] = (),
    view: ViewType = ViewType.ACTIVE_ONLY,
) -> list[str]:
    page = await tracking.service.search_experiments(view, None, filter_string, order_by, None)
    assert page.next_page_token is None
    return [experiment.name for experiment in page.items]


def case(filter_string: str, *expected: str) -> object:
    return pytest.param(filter_string, set(expected), id=filter_string)


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        case("name = 'exp-beta'", "exp-beta"),
        case("attribute.name = 'exp-beta'", "exp-beta"),
        case("name = 'EXP-BETA'"),
        case("name != 'exp-beta'", "Default", "exp-Alpha", "other"),
        case("name LIKE 'exp-%'", "exp-Alpha", "exp-beta"),
        case("name LIKE 'exp-a%'"),
        case("name ILIKE 'exp-a%'", "exp-Alpha"),
        case("name ILIKE '%T'", "Default"),
        case("name LIKE '___-____'", "exp-beta"),
        case("tags.team = 'vision'", "exp-beta"),
        case("tags.team != 'vision'", "exp-Alpha"),
        case("tags.team LIKE 'V%'", "exp-Alpha"),
        case("tags.team ILIKE 'v%'", "exp-Alpha", "exp-beta"),
        case("tags.team IS NULL", "Default", "other"),
        case("tags.team IS NOT NULL", "exp-Alpha", "exp-beta"),
        case("tags.`env` = 'prod'", "exp-Alpha"),
        case(f"creation_time = {T0 + 20}", "exp-beta"),
        case(f"creation_time != {T0}", "exp-Alpha", "exp-beta", "other"),
        case(f"creation_time > {T0 + 10}", "exp-beta", "other"),
        case(f"creation_time >= {T0 + 10}", "exp-Alpha", "exp-beta", "other"),
        case(f"creation_time < {T0 + 10}", "Default"),
        case(f"creation_time <= {T0 + 10}", "Default", "exp-Alpha"),
        case(f"last_update_time > {T0 + 60}", "other"),
        case(f"last_update_time <= {T0 + 20}", "Default", "exp-Alpha", "exp-beta"),
        case("experiment_id = '1'", "exp-Alpha"),
        case("experiment_id != '0'", "exp-Alpha", "exp-beta", "other"),
        case("experiment_id IN ('0', '2')", "Default", "exp-beta"),
        case("experiment_id NOT IN ('0', '2')", "exp-Alpha", "other"),
        case("name LIKE 'exp%' AND tags.team = 'vision'", "exp-beta"),
        case(f"creation_time > {T0} AND tags.team IS NULL", "other"),
    ],
)
async def test_filter(tracking: Tracking, filter_string: str, expected: set[str]) -> None:
    assert set(await search(tracking, filter_string)) == expected


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (ViewType.ACTIVE_ONLY, {"Default", "exp-Alpha", "exp-beta", "other"}),
        (ViewType.DELETED_ONLY, {"gone"}),
        (ViewType.ALL, set(EXPERIMENTS)),
    ],
    ids=["active-only", "deleted-only", "all"],
)
async def test_view_type_selects_by_lifecycle_stage(
    tracking: Tracking, view: ViewType, expected: set[str]
) -> None:
    assert set(await search(tracking, view=view)) == expected


async def test_view_type_applies_together_with_the_filter(tracking: Tracking) -> None:
    assert await search(tracking, "name LIKE 'g%'", view=ViewType.DELETED_ONLY) == ["gone"]
    assert await search(tracking, "name LIKE 'g%'", view=ViewType.ACTIVE_ONLY) == []


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ((), ["other", "exp-beta", "exp-Alpha", "Default"]),
        (("name",), ["Default", "exp-Alpha", "exp-beta", "other"]),
        (("name ASC",), ["Default", "exp-Alpha", "exp-beta", "other"]),
        (("name DESC",), ["other", "exp-beta", "exp-Alpha", "Default"]),
        (("creation_time ASC",), ["Default", "exp-Alpha", "exp-beta", "other"]),
        (("creation_time DESC",), ["other", "exp-beta", "exp-Alpha", "Default"]),
        (("experiment_id ASC",), ["Default", "exp-Alpha", "exp-beta", "other"]),
        (("experiment_id DESC",), ["other", "exp-beta", "exp-Alpha", "Default"]),
        (("last_update_time DESC",), ["other", "exp-beta", "exp-Alpha", "Default"]),
        (("attribute.last_update_time ASC",), ["Default", "exp-Alpha", "exp-beta", "other"]),
    ],
    ids=lambda v: ",".join(v) if isinstance(v, tuple) else None,
)
async def test_order_by(tracking: Tracking, order_by: tuple[str, ...], expected: list[str]) -> None:
    assert await search(tracking, order_by=order_by) == expected


async def test_deleted_experiments_take_their_place_in_the_order(tracking: Tracking) -> None:
    assert await search(tracking, order_by=["creation_time DESC"], view=ViewType.ALL) == [
        "gone",
        "other",
        "exp-beta",
        "exp-Alpha",
        "Default",
    ]


async def test_pages_cover_every_experiment_once_in_order(tracking: Tracking) -> None:
    pages, token = [], None
    while True:
        page = await tracking.service.search_experiments(ViewType.ALL, 2, None, [], token)
        pages.append([experiment.name for experiment in page.items])
        token = page.next_page_token
        if token is None:
            break

    assert pages == [["gone", "other"], ["exp-beta", "exp-Alpha"], ["Default"]]


async def test_a_page_ending_exactly_at_the_last_experiment_has_no_token(
    tracking: Tracking,
) -> None:
    page = await tracking.service.search_experiments(ViewType.ALL, 5, None, [], None)

    assert (len(page.items), page.next_page_token) == (5, None)


async def test_a_page_token_replayed_with_another_order_is_invalid(tracking: Tracking) -> None:
    page = await tracking.service.search_experiments(ViewType.ALL, 1, None, [], None)
    assert page.next_page_token is not None

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.service.search_experiments(
            ViewType.ALL, 1, None, ["name"], page.next_page_token
        )


@pytest.mark.parametrize("max_results", [0, 50001])
async def test_max_results_out_of_bounds_is_invalid(tracking: Tracking, max_results: int) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.service.search_experiments(ViewType.ALL, max_results, None, [], None)


@pytest.mark.parametrize(
    "filter_string",
    [
        "name > 'a'",
        "creation_time = 'yesterday'",
        "creation_time > 1.5",
        "params.x = '1'",
        "metrics.x > 1",
        "experiment_id = 'abc'",
        "experiment_id > '1'",
        "name = 'a' OR name = 'b'",
    ],
)
async def test_malformed_filters_are_invalid(tracking: Tracking, filter_string: str) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await search(tracking, filter_string)


@pytest.mark.parametrize("order_by", ["tags.team", "name SIDEWAYS", "color"])
async def test_malformed_order_by_is_invalid(tracking: Tracking, order_by: str) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await search(tracking, order_by=[order_by])
