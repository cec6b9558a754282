"""Datasets and logged models as a run's inputs, and logged models as its outputs."""

from __future__ import annotations

from berth.errors import ErrorCode
from berth.tracking.entities import Dataset, DatasetInput, ModelOutput, Tag
from berth.tracking.service import TrackingService
from tests.integration.tracking.service.support import Tracking, dataset, dataset_input, raises


def summary(inputs: tuple[DatasetInput, ...]) -> list[tuple[str, str, str, dict[str, str]]]:
    return sorted(
        (i.dataset.name, i.dataset.digest, i.dataset.source, {t.key: t.value for t in i.tags})
        for i in inputs
    )


async def test_a_logged_dataset_is_on_the_run_with_its_tags(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    full = Dataset(
        name="train",
        digest="abc123",
        source_type="s3",
        source="s3://bucket/train.parquet",
        schema='{"mlflow_colspec": []}',
        profile='{"num_rows": 10}',
    )
    tags = (Tag("mlflow.data.context", "training"), Tag("split", "a"))

    await tracking.service.log_inputs(run_id, [DatasetInput(full, tags)], [])

    run = await tracking.service.get_run(run_id)
    assert len(run.dataset_inputs) == 1
    assert run.dataset_inputs[0].dataset == full
    assert set(run.dataset_inputs[0].tags) == set(tags)


async def test_the_same_dataset_logged_twice_to_a_run_is_one_input(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    await tracking.service.log_inputs(
        run_id, [dataset_input(context="training"), dataset_input(context="eval")], []
    )
    await tracking.service.log_inputs(run_id, [dataset_input(context="other")], [])

    run = await tracking.service.get_run(run_id)
    assert summary(run.dataset_inputs) == [
        ("train", "d1", "s3://bucket/train.csv", {"mlflow.data.context": "training"})
    ]


async def test_datasets_differing_in_digest_are_separate_inputs(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    await tracking.service.log_inputs(
        run_id, [dataset_input(digest="v1"), dataset_input(digest="v2")], []
    )

    run = await tracking.service.get_run(run_id)
    assert [d for _, d, _, _ in summary(run.dataset_inputs)] == ["v1", "v2"]


async def test_a_dataset_is_stored_once_per_experiment(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()
    first, second = await tracking.run(experiment_id), await tracking.run(experiment_id)
    await tracking.service.log_inputs(
        first, [DatasetInput(dataset(source="s3://bucket/original"))], []
    )

    await tracking.service.log_inputs(
        second, [DatasetInput(dataset(source="s3://bucket/changed"))], []
    )

    # The second run is linked to the dataset already stored under that (name, digest).
    run = await tracking.service.get_run(second)
    assert [i.dataset.source for i in run.dataset_inputs] == ["s3://bucket/original"]


async def test_datasets_of_different_experiments_are_separate(tracking: Tracking) -> None:
    first = await tracking.run(await tracking.experiment())
    second = await tracking.run(await tracking.experiment())
    await tracking.service.log_inputs(first, [DatasetInput(dataset(source="s3://b/one"))], [])

    await tracking.service.log_inputs(second, [DatasetInput(dataset(source="s3://b/two"))], [])

    run = await tracking.service.get_run(second)
    assert [i.dataset.source for i in run.dataset_inputs] == ["s3://b/two"]


async def test_a_dataset_without_a_digest_is_invalid(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    incomplete = Dataset(name="train", digest="", source_type="s3", source="s3://b/x")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="digest"):
        await tracking.service.log_inputs(run_id, [DatasetInput(incomplete)], [])


async def test_logged_models_used_by_a_run_are_its_model_inputs(tracking: Tracking) -> None:
    model = await tracking.model("0")
    run_id = await tracking.run("0")

    await tracking.service.log_inputs(run_id, [], [model.model_id, model.model_id])
    await tracking.service.log_inputs(run_id, [], [model.model_id])

    assert (await tracking.service.get_run(run_id)).model_inputs == (model.model_id,)


async def test_an_unknown_model_input_is_resource_does_not_exist(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.log_inputs(run_id, [], ["m-unknown"])


async def test_model_outputs_are_recorded_with_their_step(tracking: Tracking) -> None:
    first, second = await tracking.model("0"), await tracking.model("0")
    run_id = await tracking.run("0")

    await tracking.service.log_outputs(
        run_id, [ModelOutput(first.model_id, 1), ModelOutput(second.model_id, 2)]
    )

    run = await tracking.service.get_run(run_id)
    assert set(run.model_outputs) == {
        ModelOutput(first.model_id, 1),
        ModelOutput(second.model_id, 2),
    }


async def test_logging_a_model_output_again_moves_it_to_the_new_step(tracking: Tracking) -> None:
    model = await tracking.model("0")
    run_id = await tracking.run("0")
    await tracking.service.log_outputs(run_id, [ModelOutput(model.model_id, 1)])

    await tracking.service.log_outputs(run_id, [ModelOutput(model.model_id, 7)])

    assert (await tracking.service.get_run(run_id)).model_outputs == (
        ModelOutput(model.model_id, 7),
    )


async def test_an_unknown_model_output_is_resource_does_not_exist(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.log_outputs(run_id, [ModelOutput("m-unknown", 0)])


async def test_runs_found_by_search_carry_their_inputs_and_outputs(tracking: Tracking) -> None:
    model = await tracking.model("0")
    run_id = await tracking.run("0")
    await tracking.service.log_inputs(run_id, [dataset_input(context="training")], [])
    await tracking.service.log_outputs(run_id, [ModelOutput(model.model_id, 3)])

    (run,) = (await tracking.search(["0"])).items

    assert run == await tracking.service.get_run(run_id)
    assert summary(run.dataset_inputs)[0][:2] == ("train", "d1")
    assert run.model_outputs == (ModelOutput(model.model_id, 3),)


async def test_inputs_of_an_unknown_run_are_resource_does_not_exist(
    service: TrackingService,
) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await service.log_inputs("c" * 32, [dataset_input()], [])
