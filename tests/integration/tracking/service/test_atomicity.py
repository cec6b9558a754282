"""Every multi-row write is all-or-nothing: a failure part-way leaves nothing of it behind."""

from __future__ import annotations

from berth.errors import ErrorCode
from berth.tracking.entities import DatasetInput, Metric, ModelOutput, Tag, ViewType
from tests.integration.tracking.service.support import (
    Tracking,
    dataset,
    history_of,
    params_of,
    raises,
    tags_of,
)

RUN_NAME = "mlflow.runName"


async def test_a_batch_failing_on_its_last_metric_writes_none_of_it(tracking: Tracking) -> None:
    model = await tracking.model("0")
    run_id = await tracking.run("0", "r")
    await tracking.log(run_id, metrics=[Metric("loss", 1.0, 1, 0)], params={"old": "1"})

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.log(
            run_id,
            metrics=[
                Metric("loss", 0.5, 2, 1),
                Metric("acc", 0.9, 2, 1, model_id=model.model_id),
                Metric("acc", 0.8, 2, 2, model_id="m-missing"),
            ],
            params={"new": "2"},
            tags={"note": "x", RUN_NAME: "renamed"},
        )

    run = await tracking.service.get_run(run_id)
    assert params_of(run) == {"old": "1"}
    assert tags_of(run) == {RUN_NAME: "r"}
    assert run.info.run_name == "r"
    assert [(m.key, m.value, m.step) for m in run.metrics] == [("loss", 1.0, 0)]
    history = await history_of(tracking.service, run_id, "loss", None, None)
    assert [m.value for m in history.items] == [1.0]
    assert (await history_of(tracking.service, run_id, "acc", None, None)).items == []
    assert (await tracking.service.get_logged_model(model.model_id)).metrics == ()


async def test_inputs_failing_on_a_model_write_none_of_their_datasets(
    tracking: Tracking,
) -> None:
    experiment_id = await tracking.experiment()
    run_id = await tracking.run(experiment_id)

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.log_inputs(
            run_id,
            [DatasetInput(dataset(source="s3://b/first"), (Tag("k", "v"),))],
            ["m-missing"],
        )

    assert (await tracking.service.get_run(run_id)).dataset_inputs == ()
    # The dataset row itself was rolled back: logging it again stores the new source.
    await tracking.service.log_inputs(run_id, [DatasetInput(dataset(source="s3://b/second"))], [])
    run = await tracking.service.get_run(run_id)
    assert [i.dataset.source for i in run.dataset_inputs] == ["s3://b/second"]


async def test_outputs_failing_on_one_model_record_none_of_them(tracking: Tracking) -> None:
    model = await tracking.model("0")
    run_id = await tracking.run("0")

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.log_outputs(
            run_id, [ModelOutput(model.model_id, 1), ModelOutput("m-missing", 2)]
        )

    assert (await tracking.service.get_run(run_id)).model_outputs == ()


async def test_a_refused_run_leaves_no_run_behind(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.run(experiment_id, "a", tags={RUN_NAME: "b", "other": "x"})

    assert (await tracking.search([experiment_id])).items == []


async def test_a_refused_model_leaves_no_model_behind(tracking: Tracking) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.model("0", source_run_id="e" * 32, params={"p": "1"}, tags={"t": "1"})

    assert (await tracking.search_models(["0"])).items == []


async def test_a_refused_experiment_leaves_no_experiment_behind(tracking: Tracking) -> None:
    await tracking.experiment("taken")

    with raises(ErrorCode.RESOURCE_ALREADY_EXISTS):
        await tracking.experiment("taken", extra="tag")

    page = await tracking.service.search_experiments(ViewType.ALL, None, "name = 'taken'", [], None)
    assert [tags_of(e) for e in page.items] == [{}]


async def test_a_tag_key_repeated_at_experiment_creation_keeps_the_last_value(
    tracking: Tracking,
) -> None:
    experiment_id = await tracking.service.create_experiment(
        "dup", None, [Tag("k", "1"), Tag("k", "2")]
    )

    experiment = await tracking.service.get_experiment(experiment_id)
    assert experiment.tags == (Tag("k", "2"),)


async def test_an_input_tag_key_repeated_in_one_dataset_keeps_the_last_value(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")
    repeated = DatasetInput(dataset(), (Tag("a", "1"), Tag("a", "2")))

    await tracking.service.log_inputs(run_id, [repeated], [])

    (logged,) = (await tracking.service.get_run(run_id)).dataset_inputs
    assert logged.tags == (Tag("a", "2"),)
