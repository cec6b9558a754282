"""Run search, read-only: MLflow's filter grammar per entity and comparator, and order_by.

The runs are arranged once per module (and database); no test here writes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from berth.errors import ErrorCode
from berth.tracking.entities import Metric, RunStatus
from tests.integration.tracking.service.support import (
    Tracking,
    dataset_input,
    raises,
)


@dataclass(frozen=True)
class Seed:
    experiment_id: str
    ids: dict[str, str]


@pytest.fixture(scope="module")
async def seed(shared_tracking: Tracking) -> Seed:
    """Four runs in one experiment, each missing something the others have.

    ============  ========  ========  ========  ========
                  alpha     beta      gamma     delta
    ============  ========  ========  ========  ========
    user          alice     bob       carol     alice
    start / end   1000/2000 2000/-    3000/5000 4000/4500
    status        FINISHED  RUNNING   FAILED    KILLED
    loss          0.1       0.2       0.3       -
    acc           0.9       0.5       NaN       -
    model         CNN       cnn-small RNN       -
    opt           adam      sgd       lbfgs     -
    team          Vision    vision    -         -
    env           prod      dev       -         staging
    other tags    -         -         my tag    a.b
    dataset       train/d1  eval/d2   -         -
    ============  ========  ========  ========  ========
    """
    tracking = shared_tracking
    service = tracking.service
    experiment_id = await tracking.experiment("searched")
    ids = {}
    for name, user, start in [
        ("alpha", "alice", 1000),
        ("beta", "bob", 2000),
        ("gamma", "carol", 3000),
        ("delta", "alice", 4000),
    ]:
        ids[name] = await tracking.run(experiment_id, name, user=user, start_time=start)
    await service.update_run(ids["alpha"], RunStatus.FINISHED, 2000, None)
    await service.update_run(ids["gamma"], RunStatus.FAILED, 5000, None)
    await service.update_run(ids["delta"], RunStatus.KILLED, 4500, None)
    await tracking.log(
        ids["alpha"],
        metrics=[Metric("loss", 0.1, 1, 0), Metric("acc", 0.9, 1, 0)],
        params={"model": "CNN", "opt": "adam"},
        tags={"team": "Vision", "env": "prod"},
    )
    await tracking.log(
        ids["beta"],
        metrics=[Metric("loss", 0.2, 1, 0), Metric("acc", 0.5, 1, 0)],
        params={"model": "cnn-small", "opt": "sgd"},
        tags={"team": "vision", "env": "dev"},
    )
    await tracking.log(
        ids["gamma"],
        metrics=[Metric("loss", 0.3, 1, 0), Metric("acc", math.nan, 1, 0)],
        params={"model": "RNN", "opt": "lbfgs"},
        tags={"my tag": "x y"},
    )
    await tracking.log(ids["delta"], tags={"env": "staging", "a.b": "dotted"})
    await service.log_inputs(ids["alpha"], [dataset_input("train", "d1", "training")], [])
    await service.log_inputs(ids["beta"], [dataset_input("eval", "d2", "eval")], [])
    return Seed(experiment_id, ids)


async def found(tracking: Tracking, seed: Seed, filter_string: str) -> set[str]:
    return set(await tracking.search_names([seed.experiment_id], filter_string))


def case(filter_string: str, *expected: str) -> object:
    return pytest.param(filter_string, set(expected), id=filter_string)


@pytest.fixture
def tracking(shared_tracking: Tracking) -> Tracking:
    return shared_tracking


# ------------------------------------------------------------------ filters, by entity


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        case("metrics.loss = 0.2", "beta"),
        case("metrics.loss != 0.2", "alpha", "gamma"),
        case("metrics.loss < 0.2", "alpha"),
        case("metrics.loss <= 0.2", "alpha", "beta"),
        case("metrics.loss > 0.2", "gamma"),
        case("metrics.loss >= 0.2", "beta", "gamma"),
        case("metrics.loss < 1", "alpha", "beta", "gamma"),
        case("metrics.loss > 15e-2", "beta", "gamma"),
        case("metric.loss > -1", "alpha", "beta", "gamma"),
    ],
)
async def test_metric_comparisons(
    tracking: Tracking, seed: Seed, filter_string: str, expected: set[str]
) -> None:
    assert await found(tracking, seed, filter_string) == expected


async def test_a_nan_metric_matches_no_ordered_comparison(tracking: Tracking, seed: Seed) -> None:
    assert await found(tracking, seed, "metrics.acc > -1000") == {"alpha", "beta"}
    assert await found(tracking, seed, "metrics.acc < 1000") == {"alpha", "beta"}


async def test_a_nan_metric_does_not_equal_zero(tracking: Tracking, seed: Seed) -> None:
    assert await found(tracking, seed, "metrics.acc = 0") == set()


async def test_a_nan_metric_satisfies_not_equal(tracking: Tracking, seed: Seed) -> None:
    assert await found(tracking, seed, "metrics.acc != 0.9") == {"beta", "gamma"}


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        case("params.model = 'CNN'", "alpha"),
        case("params.model = 'cnn'"),
        case("params.model != 'CNN'", "beta", "gamma"),
        case("params.model LIKE 'CNN%'", "alpha"),
        case("params.model LIKE 'cnn%'", "beta"),
        case("params.model LIKE '%NN'", "alpha", "gamma"),
        case("params.model LIKE '_NN'", "alpha", "gamma"),
        case("params.model ILIKE 'cnn%'", "alpha", "beta"),
        case("params.model ILIKE '%SMALL'", "beta"),
        case("params.model IS NULL", "delta"),
        case("params.model IS NOT NULL", "alpha", "beta", "gamma"),
        case('params.model = "RNN"', "gamma"),
        case("param.opt = 'sgd'", "beta"),
        case("parameters.opt = 'sgd'", "beta"),
        case("params.model like 'CNN'", "alpha"),
        case("params.model ilike 'CNN'", "alpha"),
    ],
)
async def test_param_comparisons(
    tracking: Tracking, seed: Seed, filter_string: str, expected: set[str]
) -> None:
    assert await found(tracking, seed, filter_string) == expected


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        case("tags.team = 'vision'", "beta"),
        case("tags.team != 'vision'", "alpha"),
        case("tags.team LIKE 'V%'", "alpha"),
        case("tags.team ILIKE 'V%'", "alpha", "beta"),
        case("tags.team IS NULL", "gamma", "delta"),
        case("tags.team IS NOT NULL", "alpha", "beta"),
        case("tags.`my tag` = 'x y'", "gamma"),
        case("tags.\"my tag\" = 'x y'", "gamma"),
        case("tags.`a.b` = 'dotted'", "delta"),
        case("tags.`mlflow.runName` = 'beta'", "beta"),
        case("tag.env LIKE '%d%'", "beta", "alpha"),
    ],
)
async def test_tag_comparisons(
    tracking: Tracking, seed: Seed, filter_string: str, expected: set[str]
) -> None:
    assert await found(tracking, seed, filter_string) == expected


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        case("attributes.run_name = 'alpha'", "alpha"),
        case("attributes.run_name != 'alpha'", "beta", "gamma", "delta"),
        case("attributes.run_name LIKE '%a'", "alpha", "beta", "gamma", "delta"),
        case("attributes.run_name LIKE 'A%'"),
        case("attributes.run_name ILIKE 'A%'", "alpha"),
        case("attributes.`Run name` = 'beta'", "beta"),
        case("run_name = 'gamma'", "gamma"),
        case("attributes.status = 'FINISHED'", "alpha"),
        case("attributes.status != 'RUNNING'", "alpha", "gamma", "delta"),
        case("attributes.status LIKE 'F%'", "alpha", "gamma"),
        case("attributes.status ILIKE 'f%'", "alpha", "gamma"),
        case("attributes.user_id = 'alice'", "alpha", "delta"),
        case("attributes.user_id LIKE 'b%'", "beta"),
        case("attributes.user_id ILIKE 'CAROL'", "gamma"),
        case("attributes.start_time = 2000", "beta"),
        case("attributes.start_time != 2000", "alpha", "gamma", "delta"),
        case("attributes.start_time >= 3000", "gamma", "delta"),
        case("attributes.start_time > 3000", "delta"),
        case("attributes.start_time <= 2000", "alpha", "beta"),
        case("attributes.created < 2000", "alpha"),
        case("attributes.end_time > 1999", "alpha", "gamma", "delta"),
        case("attributes.end_time <= 2000", "alpha"),
        case("attributes.end_time != 2000", "gamma", "delta"),
        case("attributes.end_time < 4600", "alpha", "delta"),
        case("attributes.end_time = 5000", "gamma"),
        case("attributes.end_time >= 4500", "gamma", "delta"),
    ],
)
async def test_attribute_comparisons(
    tracking: Tracking, seed: Seed, filter_string: str, expected: set[str]
) -> None:
    assert await found(tracking, seed, filter_string) == expected


async def test_run_id_equality_and_lists(tracking: Tracking, seed: Seed) -> None:
    alpha, beta = seed.ids["alpha"], seed.ids["beta"]

    assert await found(tracking, seed, f"attributes.run_id = '{alpha}'") == {"alpha"}
    assert await found(tracking, seed, f"attributes.run_id IN ('{alpha}', '{beta}')") == {
        "alpha",
        "beta",
    }
    assert await found(tracking, seed, f"attributes.run_id NOT IN ('{alpha}')") == {
        "beta",
        "gamma",
        "delta",
    }
    assert await found(tracking, seed, f"attributes.run_id != '{alpha}'") == {
        "beta",
        "gamma",
        "delta",
    }


async def test_artifact_uri_comparisons(tracking: Tracking, seed: Seed) -> None:
    gamma = await tracking.service.get_run(seed.ids["gamma"])

    assert await found(
        tracking, seed, f"attributes.artifact_uri = '{gamma.info.artifact_uri}'"
    ) == {"gamma"}
    assert await found(tracking, seed, f"attributes.artifact_uri LIKE '%{seed.ids['beta']}%'") == {
        "beta"
    }


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        case("datasets.name = 'train'", "alpha"),
        case("datasets.name != 'train'", "beta"),
        case("datasets.name IN ('train', 'eval')", "alpha", "beta"),
        case("datasets.name NOT IN ('train')", "beta"),
        case("datasets.name LIKE 'tr%'", "alpha"),
        case("datasets.name ILIKE 'EVAL'", "beta"),
        case("datasets.digest = 'd2'", "beta"),
        case("datasets.digest LIKE 'd%'", "alpha", "beta"),
        case("datasets.digest IN ('d1')", "alpha"),
        case("datasets.context = 'training'", "alpha"),
        case("datasets.context IN ('training', 'eval')", "alpha", "beta"),
        case("datasets.context NOT IN ('training')", "beta"),
        case("datasets.context ILIKE 'EV%'", "beta"),
        case("dataset.name = 'eval'", "beta"),
    ],
)
async def test_dataset_comparisons(
    tracking: Tracking, seed: Seed, filter_string: str, expected: set[str]
) -> None:
    assert await found(tracking, seed, filter_string) == expected


async def test_clauses_joined_by_and_must_all_hold(tracking: Tracking, seed: Seed) -> None:
    assert await found(
        tracking,
        seed,
        "metrics.loss < 0.25 AND params.model ILIKE 'cnn%' and tags.team = 'vision' "
        "AND attributes.status = 'RUNNING' AND datasets.name = 'eval'",
    ) == {"beta"}


async def test_clauses_on_the_same_key_narrow_the_range(tracking: Tracking, seed: Seed) -> None:
    assert await found(tracking, seed, "metrics.loss > 0.1 AND metrics.loss < 0.3") == {"beta"}


async def test_an_empty_filter_finds_every_run(tracking: Tracking, seed: Seed) -> None:
    assert await found(tracking, seed, "  ") == set(seed.ids)


@pytest.mark.parametrize(
    "filter_string",
    [
        "metrics.loss = 'high'",
        "params.model > 'a'",
        "metrics.loss < 1 OR metrics.loss > 2",
        "tags.team IN ('a')",
        "attributes.unknown = 'x'",
        "foo.bar = 'x'",
        "params.model = 'unterminated",
    ],
)
async def test_malformed_filters_are_invalid(
    tracking: Tracking, seed: Seed, filter_string: str
) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.search([seed.experiment_id], filter_string)


# ------------------------------------------------------------------ order


async def ordered(tracking: Tracking, seed: Seed, *order_by: str) -> list[str]:
    return await tracking.search_names([seed.experiment_id], order_by=order_by)


async def test_default_order_is_newest_start_time_first(tracking: Tracking, seed: Seed) -> None:
    assert await ordered(tracking, seed) == ["delta", "gamma", "beta", "alpha"]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("metrics.loss ASC", ["alpha", "beta", "gamma", "delta"]),
        ("metrics.loss", ["alpha", "beta", "gamma", "delta"]),
        ("metrics.loss DESC", ["gamma", "beta", "alpha", "delta"]),
        ("metrics.acc ASC", ["beta", "alpha", "gamma", "delta"]),
        ("metrics.acc DESC", ["alpha", "beta", "gamma", "delta"]),
        ("params.opt ASC", ["alpha", "gamma", "beta", "delta"]),
        ("params.opt DESC", ["beta", "gamma", "alpha", "delta"]),
        ("tags.env ASC", ["beta", "alpha", "delta", "gamma"]),
        ("tags.env DESC", ["delta", "alpha", "beta", "gamma"]),
        ("attributes.start_time ASC", ["alpha", "beta", "gamma", "delta"]),
        ("attributes.start_time DESC", ["delta", "gamma", "beta", "alpha"]),
        ("attributes.end_time ASC", ["alpha", "delta", "gamma", "beta"]),
        ("attributes.end_time DESC", ["gamma", "delta", "alpha", "beta"]),
        ("attributes.run_name ASC", ["alpha", "beta", "delta", "gamma"]),
        ("attributes.run_name DESC", ["gamma", "delta", "beta", "alpha"]),
        ("attributes.status ASC", ["gamma", "alpha", "delta", "beta"]),
        ("attributes.user_id DESC", ["gamma", "beta", "delta", "alpha"]),
        ("created ASC", ["alpha", "beta", "gamma", "delta"]),
    ],
)
async def test_order_by_one_key_puts_runs_missing_it_last(
    tracking: Tracking, seed: Seed, order_by: str, expected: list[str]
) -> None:
    assert await ordered(tracking, seed, order_by) == expected


async def test_order_by_breaks_ties_by_newest_start_time(tracking: Tracking, seed: Seed) -> None:
    # alice has alpha (start 1000) and delta (start 4000).
    assert await ordered(tracking, seed, "attributes.user_id ASC") == [
        "delta",
        "alpha",
        "beta",
        "gamma",
    ]


async def test_order_by_several_keys_applies_them_in_turn(tracking: Tracking, seed: Seed) -> None:
    assert await ordered(tracking, seed, "attributes.user_id ASC", "metrics.loss DESC") == [
        "alpha",
        "delta",
        "beta",
        "gamma",
    ]


async def test_order_by_a_backquoted_key(tracking: Tracking, seed: Seed) -> None:
    assert (await ordered(tracking, seed, "tags.`a.b` DESC"))[0] == "delta"


async def test_order_by_the_same_key_twice_is_invalid(tracking: Tracking, seed: Seed) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await ordered(tracking, seed, "metrics.loss ASC", "metrics.loss DESC")


async def test_order_by_an_unknown_attribute_is_invalid(tracking: Tracking, seed: Seed) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await ordered(tracking, seed, "attributes.color ASC")


async def test_order_and_filter_combine(tracking: Tracking, seed: Seed) -> None:
    found_names = await tracking.search_names(
        [seed.experiment_id], "params.model IS NOT NULL", order_by=["metrics.loss DESC"]
    )

    assert found_names == ["gamma", "beta", "alpha"]
