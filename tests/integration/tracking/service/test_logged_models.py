"""Logged models: creation, finalizing, params and tags, metrics from runs, deletion."""

from __future__ import annotations

import math

import pytest

from berth.errors import ErrorCode
from berth.tracking.entities import LoggedModelStatus, Metric, Param, Tag
from berth.tracking.service import TrackingService
from tests.integration.tracking.service.support import (
    FakeClock,
    Tracking,
    history_of,
    params_of,
    raises,
    tags_of,
)


async def test_a_new_model_is_pending_under_its_experiment(
    tracking: Tracking, clock: FakeClock
) -> None:
    experiment_id = await tracking.experiment()
    experiment = await tracking.service.get_experiment(experiment_id)
    run_id = await tracking.run(experiment_id)

    model = await tracking.service.create_logged_model(
        experiment_id, "clf", "sklearn", run_id, [Param("C", "1.0")], [Tag("team", "risk")]
    )

    assert model.model_id.startswith("m-")
    assert model.status is LoggedModelStatus.PENDING
    assert (model.experiment_id, model.name, model.model_type) == (experiment_id, "clf", "sklearn")
    assert model.source_run_id == run_id
    assert model.creation_timestamp_ms == model.last_updated_timestamp_ms == clock.now
    assert model.artifact_location == (
        f"{experiment.artifact_location}/models/{model.model_id}/artifacts"
    )
    assert params_of(model) == {"C": "1.0"}
    assert tags_of(model) == {"team": "risk"}
    assert await tracking.service.get_logged_model(model.model_id) == model


async def test_a_model_created_without_a_name_gets_one(tracking: Tracking) -> None:
    model = await tracking.model("0")

    assert model.name
    assert (await tracking.service.get_logged_model(model.model_id)).name == model.name


async def test_a_model_in_an_unknown_experiment_is_resource_does_not_exist(
    tracking: Tracking,
) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.model("424242")


async def test_a_model_in_a_deleted_experiment_is_invalid(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()
    await tracking.service.delete_experiment(experiment_id)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.model(experiment_id)


async def test_a_model_from_an_unknown_source_run_is_resource_does_not_exist(
    tracking: Tracking,
) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.model("0", source_run_id="d" * 32)


async def test_get_unknown_model_is_resource_does_not_exist(service: TrackingService) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await service.get_logged_model("m-unknown")


@pytest.mark.parametrize("status", [LoggedModelStatus.READY, LoggedModelStatus.FAILED])
async def test_finalize_sets_the_status_and_update_time(
    tracking: Tracking, clock: FakeClock, status: LoggedModelStatus
) -> None:
    model = await tracking.model("0")
    clock.advance(25)

    finalized = await tracking.service.finalize_logged_model(model.model_id, status)

    assert (finalized.status, finalized.last_updated_timestamp_ms) == (status, clock.now)
    assert await tracking.service.get_logged_model(model.model_id) == finalized
    assert finalized.creation_timestamp_ms == clock.now - 25


@pytest.mark.parametrize("status", [LoggedModelStatus.PENDING, LoggedModelStatus.UNSPECIFIED])
async def test_finalize_to_a_non_final_status_is_invalid(
    tracking: Tracking, status: LoggedModelStatus
) -> None:
    model = await tracking.model("0")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.service.finalize_logged_model(model.model_id, status)

    assert (
        await tracking.service.get_logged_model(model.model_id)
    ).status is LoggedModelStatus.PENDING


async def test_set_model_tags_adds_and_overwrites(tracking: Tracking, clock: FakeClock) -> None:
    model = await tracking.model("0", tags={"stage": "dev"})
    clock.advance(5)

    await tracking.service.set_logged_model_tags(
        model.model_id, [Tag("stage", "prod"), Tag("owner", "ana"), Tag("owner", "bo")]
    )

    stored = await tracking.service.get_logged_model(model.model_id)
    assert tags_of(stored) == {"stage": "prod", "owner": "bo"}
    assert stored.last_updated_timestamp_ms == clock.now


async def test_delete_model_tag_removes_only_that_tag(tracking: Tracking) -> None:
    model = await tracking.model("0", tags={"keep": "1", "drop": "2"})

    await tracking.service.delete_logged_model_tag(model.model_id, "drop")

    assert tags_of(await tracking.service.get_logged_model(model.model_id)) == {"keep": "1"}


async def test_delete_of_a_missing_model_tag_is_resource_does_not_exist(
    tracking: Tracking,
) -> None:
    model = await tracking.model("0")

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.delete_logged_model_tag(model.model_id, "absent")


async def test_model_params_are_added_and_overwritten(tracking: Tracking) -> None:
    model = await tracking.model("0", params={"lr": "0.1"})

    await tracking.service.log_logged_model_params(
        model.model_id, [Param("lr", "0.2"), Param("depth", "3")]
    )

    assert params_of(await tracking.service.get_logged_model(model.model_id)) == {
        "lr": "0.2",
        "depth": "3",
    }


async def test_metrics_logged_on_a_run_for_a_model_are_in_the_model(tracking: Tracking) -> None:
    model = await tracking.model("0")
    run_id = await tracking.run("0")

    await tracking.log(
        run_id,
        metrics=[
            Metric(
                "acc", 0.8, 10, 1, model_id=model.model_id, dataset_name="eval", dataset_digest="e1"
            ),
            Metric("loss", 0.3, 10, 1, model_id=model.model_id),
            Metric("unrelated", 1.0, 10, 1),
        ],
    )

    metrics = {m.key: m for m in (await tracking.service.get_logged_model(model.model_id)).metrics}
    assert set(metrics) == {"acc", "loss"}
    acc = metrics["acc"]
    assert (acc.value, acc.timestamp, acc.step, acc.run_id, acc.model_id) == (
        0.8,
        10,
        1,
        run_id,
        model.model_id,
    )
    assert (acc.dataset_name, acc.dataset_digest) == ("eval", "e1")
    history = await history_of(tracking.service, run_id, "acc", None, None)
    assert [(m.value, m.model_id, m.dataset_name) for m in history.items] == [
        (0.8, model.model_id, "eval")
    ]


async def test_model_metrics_of_each_step_are_kept(tracking: Tracking) -> None:
    model = await tracking.model("0")
    run_id = await tracking.run("0")

    await tracking.log(
        run_id,
        metrics=[
            Metric("acc", float(s) / 10, 10 + s, s, model_id=model.model_id) for s in range(3)
        ],
    )

    metrics = (await tracking.service.get_logged_model(model.model_id)).metrics
    assert sorted((m.step, m.value) for m in metrics) == [(0, 0.0), (1, 0.1), (2, 0.2)]


async def test_identical_model_metrics_in_one_batch_are_kept_once(tracking: Tracking) -> None:
    model = await tracking.model("0")
    run_id = await tracking.run("0")
    entry = Metric("acc", 0.5, 10, 1, model_id=model.model_id)

    await tracking.log(run_id, metrics=[entry, entry])
    await tracking.log(run_id, metrics=[entry])

    assert len((await tracking.service.get_logged_model(model.model_id)).metrics) == 1


async def test_a_nan_model_metric_round_trips(tracking: Tracking) -> None:
    model = await tracking.model("0")
    run_id = await tracking.run("0")

    await tracking.log(run_id, metrics=[Metric("acc", math.nan, 10, 1, model_id=model.model_id)])

    (metric,) = (await tracking.service.get_logged_model(model.model_id)).metrics
    assert math.isnan(metric.value)


async def test_a_metric_for_an_unknown_model_is_resource_does_not_exist(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.log(run_id, metrics=[Metric("acc", 0.5, 1, 0, model_id="m-unknown")])


async def test_a_deleted_model_is_gone(tracking: Tracking) -> None:
    model = await tracking.model("0")

    await tracking.service.delete_logged_model(model.model_id)

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.get_logged_model(model.model_id)
    assert (await tracking.search_models(["0"])).items == []


@pytest.mark.parametrize(
    "write",
    ["finalize", "set_tags", "delete_tag", "log_params", "delete"],
)
async def test_a_deleted_model_cannot_be_changed(tracking: Tracking, write: str) -> None:
    model = await tracking.model("0", tags={"t": "1"})
    await tracking.service.delete_logged_model(model.model_id)
    service, model_id = tracking.service, model.model_id

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        if write == "finalize":
            await service.finalize_logged_model(model_id, LoggedModelStatus.READY)
        elif write == "set_tags":
            await service.set_logged_model_tags(model_id, [Tag("t", "2")])
        elif write == "delete_tag":
            await service.delete_logged_model_tag(model_id, "t")
        elif write == "log_params":
            await service.log_logged_model_params(model_id, [Param("p", "1")])
        else:
            await service.delete_logged_model(model_id)
