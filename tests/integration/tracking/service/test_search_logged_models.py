"""Logged-model search: filters, dataset scope, order, pages.

The models are arranged once per module (and database); no test here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from berth.errors import ErrorCode
from berth.tracking.entities import LoggedModelStatus, Metric, ModelOrder, Param, Tag
from tests.integration.tracking.service.support import T0, Tracking, raises


@dataclass(frozen=True)
class Seed:
    tracking: Tracking
    a: str
    b: str
    c: str
    run_id: str
    ids: dict[str, str]


@pytest.fixture(scope="module")
async def seed(shared_tracking: Tracking) -> Seed:
    """Models in experiments A and B, created 10 ms apart.

    ============  ====  =========  =======  =====  ============================
    name          exp   status     lr       stage  acc (dataset, timestamp)
    ============  ====  =========  =======  =====  ============================
    resnet        A     READY      0.01     prod   0.9 (eval, 100), 0.7 (train, 200)
    resnet-small  A     PENDING    0.1      dev    0.8 (eval, 100), 0.95 (train, 200)
    vit           A     FAILED     -        -      -
    bert          B     READY      -        -      0.5 (eval, 100)
    deleted       A     PENDING    -        -      -   (deleted)
    ============  ====  =========  =======  =====  ============================

    resnet's source run is the run that logged every metric. Experiment C holds eight bare
    models, c0 to c7, created in that order after the others.
    """
    tracking, clock, service = shared_tracking, shared_tracking.clock, shared_tracking.service
    a, b = await tracking.experiment("A"), await tracking.experiment("B")
    run_id = await tracking.run(a)
    ids = {}
    for offset, (name, experiment_id, params, tags, source) in enumerate(
        [
            ("resnet", a, [Param("lr", "0.01")], [Tag("stage", "prod")], run_id),
            ("resnet-small", a, [Param("lr", "0.1")], [Tag("stage", "dev")], None),
            ("vit", a, [], [], None),
            ("bert", b, [], [], None),
            ("deleted", a, [], [], None),
        ],
        start=1,
    ):
        clock.now = T0 + 10 * offset
        model = await service.create_logged_model(experiment_id, name, None, source, params, tags)
        ids[name] = model.model_id
    await service.finalize_logged_model(ids["resnet"], LoggedModelStatus.READY)
    await service.finalize_logged_model(ids["vit"], LoggedModelStatus.FAILED)
    await service.finalize_logged_model(ids["bert"], LoggedModelStatus.READY)
    await service.delete_logged_model(ids["deleted"])

    def acc(model: str, value: float, dataset: str, timestamp: int) -> Metric:
        digest = {"eval": "e1", "train": "t1"}[dataset]
        return Metric("acc", value, timestamp, 0, None, ids[model], dataset, digest)

    await tracking.log(
        run_id,
        metrics=[
            acc("resnet", 0.9, "eval", 100),
            acc("resnet", 0.7, "train", 200),
            acc("resnet-small", 0.8, "eval", 100),
            acc("resnet-small", 0.95, "train", 200),
        ],
    )
    bert_run = await tracking.run(b)
    await tracking.log(bert_run, metrics=[acc("bert", 0.5, "eval", 100)])
    c = await tracking.experiment("C")
    for number in range(8):
        clock.now = T0 + 100 + number
        ids[f"c{number}"] = (await tracking.model(c, f"c{number}")).model_id
    return Seed(tracking, a, b, c, run_id, ids)


async def search(
    seed: Seed,
    filter_string: str | None = None,
    *,
    experiments: Sequence[str] | None = None,
    datasets: Sequence[tuple[str, str | None]] = (),
    order_by: Sequence[ModelOrder] = (),
) -> list[str]:
    page = await seed.tracking.search_models(
        experiments if experiments is not None else [seed.a],
        filter_string,
        datasets=datasets,
        order_by=order_by,
    )
    assert page.next_page_token is None
    by_id = {model_id: name for name, model_id in seed.ids.items()}
    return [by_id[model.model_id] for model in page.items]


def case(filter_string: str, *expected: str) -> object:
    return pytest.param(filter_string, set(expected), id=filter_string)


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        case("name = 'resnet'", "resnet"),
        case("attributes.name = 'resnet'", "resnet"),
        case("name != 'resnet'", "resnet-small", "vit"),
        case("name LIKE 'resnet%'", "resnet", "resnet-small"),
        case("name LIKE 'RESNET%'"),
        case("name ILIKE 'VIT'", "vit"),
        case("name IN ('resnet', 'vit')", "resnet", "vit"),
        case("name NOT IN ('resnet', 'vit')", "resnet-small"),
        case("params.lr = '0.01'", "resnet"),
        case("params.lr = 0.01", "resnet"),
        case("params.lr != '0.01'", "resnet-small"),
        case("params.lr LIKE '0.1%'", "resnet-small"),
        case("tags.stage = 'prod'", "resnet"),
        case("tags.stage LIKE 'd%'", "resnet-small"),
        case("tags.stage ILIKE 'PROD'", "resnet"),
        case("metrics.acc > 0.85", "resnet", "resnet-small"),
        case("metrics.acc < 0.75", "resnet"),
        case("metrics.acc >= 0.95", "resnet-small"),
        case("metrics.acc = 0.8", "resnet-small"),
        case("status = 'READY'", "resnet"),
        case("status = 'LOGGED_MODEL_READY'", "resnet"),
        case("status != 'READY'", "resnet-small", "vit"),
        case("status IN ('PENDING', 'FAILED')", "resnet-small", "vit"),
        case("status = 'LOGGED_MODEL_UPLOAD_FAILED'", "vit"),
        case(f"creation_timestamp > {T0 + 15}", "resnet-small", "vit"),
        case(f"creation_time <= {T0 + 20}", "resnet", "resnet-small"),
        case("name LIKE 'resnet%' AND metrics.acc > 0.92", "resnet-small"),
    ],
)
async def test_filter(seed: Seed, filter_string: str, expected: set[str]) -> None:
    assert set(await search(seed, filter_string)) == expected


async def test_filter_on_the_source_run(seed: Seed) -> None:
    assert await search(seed, f"source_run_id = '{seed.run_id}'") == ["resnet"]


async def test_filter_on_the_model_id(seed: Seed) -> None:
    assert await search(seed, f"model_id = '{seed.ids['vit']}'") == ["vit"]


async def test_search_is_limited_to_the_listed_experiments(seed: Seed) -> None:
    assert set(await search(seed, "status = 'READY'", experiments=[seed.a, seed.b])) == {
        "resnet",
        "bert",
    }
    assert await search(seed, experiments=[seed.b]) == ["bert"]


async def test_deleted_models_are_never_found(seed: Seed) -> None:
    assert await search(seed, "name = 'deleted'") == []


async def test_metric_filters_look_only_at_the_given_datasets(seed: Seed) -> None:
    assert await search(seed, "metrics.acc > 0.85", datasets=[("eval", None)]) == ["resnet"]
    assert await search(seed, "metrics.acc < 0.85", datasets=[("eval", "e1")]) == ["resnet-small"]
    assert await search(seed, "metrics.acc > 0", datasets=[("eval", "other-digest")]) == []


async def test_datasets_alone_keep_models_with_metrics_on_them(seed: Seed) -> None:
    assert set(await search(seed, datasets=[("train", None)])) == {"resnet", "resnet-small"}


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ((), ["vit", "resnet-small", "resnet"]),
        ((ModelOrder("name"),), ["resnet", "resnet-small", "vit"]),
        ((ModelOrder("name", ascending=False),), ["vit", "resnet-small", "resnet"]),
        ((ModelOrder("creation_timestamp"),), ["resnet", "resnet-small", "vit"]),
        ((ModelOrder("attributes.creation_time", False),), ["vit", "resnet-small", "resnet"]),
        ((ModelOrder("metrics.acc"),), ["resnet", "resnet-small", "vit"]),
        ((ModelOrder("metrics.acc", ascending=False),), ["resnet-small", "resnet", "vit"]),
        ((ModelOrder("metrics.acc", True, "eval"),), ["resnet-small", "resnet", "vit"]),
        ((ModelOrder("metrics.acc", False, "eval"),), ["resnet", "resnet-small", "vit"]),
        ((ModelOrder("metrics.acc", False, "eval", "e1"),), ["resnet", "resnet-small", "vit"]),
        (
            (ModelOrder("status"), ModelOrder("name", ascending=False)),
            ["resnet-small", "resnet", "vit"],
        ),
    ],
    ids=lambda v: ";".join(repr(o) for o in v) if isinstance(v, tuple) else None,
)
async def test_order_by(seed: Seed, order_by: tuple[ModelOrder, ...], expected: list[str]) -> None:
    assert await search(seed, order_by=order_by) == expected


@pytest.mark.parametrize(
    "order",
    [ModelOrder("model_type"), ModelOrder("metrics.acc", False, "eval", "no-such-digest")],
    ids=["model_type", "metric-on-no-dataset"],
)
async def test_order_by_ties_are_broken_by_newest_creation(seed: Seed, order: ModelOrder) -> None:
    # Eight tied models: ordered by their random ids, they come out newest first by chance
    # once in 8! = 40320 runs.
    assert await search(seed, experiments=[seed.c], order_by=[order]) == [
        f"c{n}" for n in reversed(range(8))
    ]


async def test_order_by_an_unsupported_field_is_invalid(seed: Seed) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await search(seed, order_by=[ModelOrder("params.lr")])


async def test_pages_cover_every_model_once_in_order(seed: Seed) -> None:
    pages, token = [], None
    while True:
        page = await seed.tracking.search_models([seed.a, seed.b], max_results=2, page_token=token)
        pages.append([model.name for model in page.items])
        token = page.next_page_token
        if token is None:
            break

    assert pages == [["bert", "vit"], ["resnet-small", "resnet"]]


async def test_a_page_token_replayed_with_another_filter_is_invalid(seed: Seed) -> None:
    page = await seed.tracking.search_models([seed.a], max_results=1)
    assert page.next_page_token is not None

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await seed.tracking.search_models(
            [seed.a], "name = 'vit'", max_results=1, page_token=page.next_page_token
        )


async def test_search_without_experiments_is_invalid(seed: Seed) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await seed.tracking.search_models([])


@pytest.mark.parametrize("max_results", [0, 50001])
async def test_max_results_out_of_bounds_is_invalid(seed: Seed, max_results: int) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await seed.tracking.search_models([seed.a], max_results=max_results)


@pytest.mark.parametrize(
    "filter_string",
    ["metrics.acc = 'high'", "status = 'SHINY'", "status LIKE 'R%'", "run.name = 'x'"],
)
async def test_malformed_filters_are_invalid(seed: Seed, filter_string: str) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await search(seed, filter_string)
