"""SearchDatasets: the datasets an experiment's runs used, by context (the UI's dataset filter)."""

from __future__ import annotations

import pytest

from berth.errors import ErrorCode
from berth.tracking import service as service_module
from berth.tracking.entities import DatasetSummary
from berth.tracking.service import TrackingService
from tests.integration.tracking.service.support import Tracking, dataset_input, raises


def rows(summaries: list[DatasetSummary]) -> list[tuple[str, str, str | None]]:
    return [(s.name, s.digest, s.context) for s in summaries]


async def test_each_dataset_is_summarised_with_its_context(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()
    run_id = await tracking.run(experiment_id)
    await tracking.service.log_inputs(
        run_id, [dataset_input("train", "d1", context="training")], []
    )

    summaries = await tracking.service.search_datasets([experiment_id])

    assert summaries == [DatasetSummary(experiment_id, "train", "d1", "training")]


async def test_a_dataset_used_without_a_context_has_none(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()
    run_id = await tracking.run(experiment_id)
    await tracking.service.log_inputs(run_id, [dataset_input("raw", "d9", split="a")], [])

    assert rows(await tracking.service.search_datasets([experiment_id])) == [("raw", "d9", None)]


async def test_a_dataset_used_in_two_contexts_is_listed_once_per_context(
    tracking: Tracking,
) -> None:
    experiment_id = await tracking.experiment()
    for context in ("training", "eval", "training"):
        run_id = await tracking.run(experiment_id)
        await tracking.service.log_inputs(run_id, [dataset_input(context=context)], [])

    summaries = await tracking.service.search_datasets([experiment_id])

    assert rows(summaries) == [("train", "d1", "eval"), ("train", "d1", "training")]


async def test_summaries_are_ordered_by_experiment_name_digest_and_context(
    tracking: Tracking,
) -> None:
    first, second = await tracking.experiment(), await tracking.experiment()
    for experiment_id, name, digest, context in [
        (second, "a", "d1", "training"),
        (first, "zeta", "d1", "training"),
        (first, "alpha", "d2", "eval"),
        (first, "alpha", "d1", None),
        (first, "alpha", "d1", "eval"),
    ]:
        run_id = await tracking.run(experiment_id)
        await tracking.service.log_inputs(run_id, [dataset_input(name, digest, context)], [])

    summaries = await tracking.service.search_datasets([second, first])

    assert [(s.experiment_id, s.name, s.digest, s.context) for s in summaries] == [
        (first, "alpha", "d1", None),
        (first, "alpha", "d1", "eval"),
        (first, "alpha", "d2", "eval"),
        (first, "zeta", "d1", "training"),
        (second, "a", "d1", "training"),
    ]


async def test_only_the_named_experiments_are_searched(tracking: Tracking) -> None:
    wanted, other = await tracking.experiment(), await tracking.experiment()
    for experiment_id, name in [(wanted, "kept"), (other, "left-out")]:
        run_id = await tracking.run(experiment_id)
        await tracking.service.log_inputs(run_id, [dataset_input(name)], [])

    assert rows(await tracking.service.search_datasets([wanted])) == [("kept", "d1", None)]


async def test_a_deleted_experiments_datasets_are_still_listed(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()
    run_id = await tracking.run(experiment_id)
    await tracking.service.log_inputs(run_id, [dataset_input("train")], [])
    await tracking.service.delete_experiment(experiment_id)

    assert rows(await tracking.service.search_datasets([experiment_id])) == [("train", "d1", None)]


async def test_an_unknown_experiment_has_no_datasets(service: TrackingService) -> None:
    assert await service.search_datasets(["987654"]) == []


async def test_the_result_limit_keeps_the_first_summaries_in_order(
    tracking: Tracking, monkeypatch: pytest.MonkeyPatch
) -> None:
    # MLflow's limit is 1000 summaries; a small one shows where it cuts without 1000 inputs.
    assert service_module.SEARCH_DATASETS_MAX_RESULTS == 1000
    monkeypatch.setattr(service_module, "SEARCH_DATASETS_MAX_RESULTS", 2)
    experiment_id = await tracking.experiment()
    run_id = await tracking.run(experiment_id)
    await tracking.service.log_inputs(run_id, [dataset_input(n) for n in "dcab"], [])

    summaries = await tracking.service.search_datasets([experiment_id])

    assert [s.name for s in summaries] == ["a", "b"]


async def test_no_experiment_ids_is_invalid(service: TrackingService) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="at least one experiment_id"):
        await service.search_datasets([])


async def test_more_than_twenty_experiment_ids_is_invalid(service: TrackingService) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="more than 20 experiment_ids"):
        await service.search_datasets([str(i) for i in range(21)])


@pytest.mark.parametrize("experiment_id", ["abc", "1.5", ""])
async def test_an_experiment_id_that_is_not_an_integer_is_invalid(
    service: TrackingService, experiment_id: str
) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="must be a valid integer"):
        await service.search_datasets([experiment_id])
