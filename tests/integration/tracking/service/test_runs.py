"""Runs: creation and naming, updates, delete and restore, params, tags."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable

import pytest

from berth.errors import ErrorCode
from berth.tracking.entities import LifecycleStage, Metric, Param, RunStatus, Tag
from berth.tracking.service import TrackingService
from tests.integration.tracking.service.support import (
    FakeClock,
    Tracking,
    dataset_input,
    history_of,
    metrics_of,
    outcome,
    params_of,
    raises,
    tags_of,
)

RUN_NAME = "mlflow.runName"


async def test_run_created_with_a_name_keeps_it_and_the_run_name_tag(tracking: Tracking) -> None:
    run_id = await tracking.run("0", "baseline")

    run = await tracking.service.get_run(run_id)

    assert run.info.run_name == "baseline"
    assert tags_of(run)[RUN_NAME] == "baseline"


async def test_run_created_without_a_name_gets_a_generated_one_in_its_tag(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")

    run = await tracking.service.get_run(run_id)

    assert re.fullmatch(r"[a-z]+-[a-z]+-\d{1,3}", run.info.run_name)
    assert tags_of(run)[RUN_NAME] == run.info.run_name


async def test_run_name_tag_alone_names_the_run(tracking: Tracking) -> None:
    run_id = await tracking.run("0", tags={RUN_NAME: "from-tag"})

    run = await tracking.service.get_run(run_id)

    assert run.info.run_name == "from-tag"
    assert tags_of(run)[RUN_NAME] == "from-tag"


async def test_run_name_and_an_equal_run_name_tag_are_accepted(tracking: Tracking) -> None:
    run_id = await tracking.run("0", "same", tags={RUN_NAME: "same"})

    run = await tracking.service.get_run(run_id)

    assert run.info.run_name == "same"
    assert tags_of(run) == {RUN_NAME: "same"}


async def test_run_name_conflicting_with_its_tag_is_invalid(tracking: Tracking) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="different values"):
        await tracking.run("0", "one", tags={RUN_NAME: "other"})

    assert (await tracking.search(["0"])).items == []


async def test_new_run_info_is_running_active_and_under_the_experiment_location(
    tracking: Tracking, clock: FakeClock
) -> None:
    experiment_id = await tracking.experiment()
    experiment = await tracking.service.get_experiment(experiment_id)

    run = await tracking.service.create_run(experiment_id, "bob", None, "r", [Tag("k", "v")])

    info = run.info
    assert info.experiment_id == experiment_id
    assert info.user_id == "bob"
    assert info.status is RunStatus.RUNNING
    assert info.start_time == clock.now
    assert info.end_time is None
    assert info.lifecycle_stage is LifecycleStage.ACTIVE
    assert info.artifact_uri == f"{experiment.artifact_location}/{info.run_id}/artifacts"
    assert tags_of(run) == {"k": "v", RUN_NAME: "r"}
    assert await tracking.service.get_run(info.run_id) == run


async def test_explicit_start_time_is_kept(tracking: Tracking) -> None:
    run_id = await tracking.run("0", start_time=42)

    assert (await tracking.service.get_run(run_id)).info.start_time == 42


async def test_get_unknown_run_is_resource_does_not_exist(service: TrackingService) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await service.get_run("0" * 32)


async def test_run_in_unknown_experiment_is_resource_does_not_exist(tracking: Tracking) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST) as refused:
        await tracking.run("999")
    assert refused.value.message == "No Experiment with id=999 exists"


async def test_update_run_sets_status_and_end_time(tracking: Tracking) -> None:
    run_id = await tracking.run("0", "r")

    info = await tracking.service.update_run(run_id, RunStatus.FINISHED, 1234, None)

    assert (info.status, info.end_time, info.run_name) == (RunStatus.FINISHED, 1234, "r")
    stored = (await tracking.service.get_run(run_id)).info
    assert (stored.status, stored.end_time, stored.run_name) == (RunStatus.FINISHED, 1234, "r")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_update_run_name_renames_the_run_and_its_tag(tracking: Tracking) -> None:
    run_id = await tracking.run("0", "before")

    failure = await outcome(tracking.service.update_run(run_id, None, None, "after"))

    assert failure is None, failure
    run = await tracking.service.get_run(run_id)
    assert run.info.run_name == "after"
    assert tags_of(run)[RUN_NAME] == "after"
    assert run.info.status is RunStatus.RUNNING


async def test_update_run_with_nothing_changes_nothing(tracking: Tracking) -> None:
    run_id = await tracking.run("0", "still")
    before = await tracking.service.get_run(run_id)

    await tracking.service.update_run(run_id, None, None, None)

    assert await tracking.service.get_run(run_id) == before


async def test_setting_the_run_name_tag_renames_the_run(tracking: Tracking) -> None:
    run_id = await tracking.run("0", "before")

    await tracking.service.set_tag(run_id, Tag(RUN_NAME, "renamed"))

    assert (await tracking.service.get_run(run_id)).info.run_name == "renamed"


async def test_delete_run_marks_it_deleted_and_restore_brings_it_back(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")

    await tracking.service.delete_run(run_id)
    assert (await tracking.service.get_run(run_id)).info.lifecycle_stage is LifecycleStage.DELETED

    await tracking.service.restore_run(run_id)
    assert (await tracking.service.get_run(run_id)).info.lifecycle_stage is LifecycleStage.ACTIVE


async def test_delete_unknown_run_is_resource_does_not_exist(service: TrackingService) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await service.delete_run("f" * 32)


WRITES: dict[str, Callable[[TrackingService, str], Awaitable[object]]] = {
    "log_metric": lambda s, r: s.log_metric(r, Metric("m", 1.0, 1, 0)),
    "log_param": lambda s, r: s.log_param(r, Param("p", "1")),
    "set_tag": lambda s, r: s.set_tag(r, Tag("t", "1")),
    "delete_tag": lambda s, r: s.delete_tag(r, RUN_NAME),
    "log_batch": lambda s, r: s.log_batch(r, [Metric("m", 1.0, 1, 0)], [], []),
    "log_inputs": lambda s, r: s.log_inputs(r, [dataset_input()], []),
    "update_run": lambda s, r: s.update_run(r, RunStatus.FINISHED, 5, None),
}


@pytest.mark.parametrize("write", list(WRITES))
async def test_writing_to_a_deleted_run_is_invalid(tracking: Tracking, write: str) -> None:
    run_id = await tracking.run("0")
    await tracking.service.delete_run(run_id)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="must be in the 'active' state"):
        await WRITES[write](tracking.service, run_id)


async def test_metrics_on_a_deleted_run_are_refused_with_mlflows_message_and_not_kept(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")
    await tracking.service.delete_run(run_id)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE) as refused:
        await tracking.service.log_batch(run_id, [Metric("m", 1.0, 1, 0)], [], [])
    assert refused.value.message == (
        f"The run {run_id} must be in the 'active' state. Current state is deleted."
    )
    await tracking.service.restore_run(run_id)
    assert (await tracking.service.get_run(run_id)).metrics == ()
    assert (await tracking.service.metric_history(run_id, "m", None, None)).items == []


async def test_metrics_of_an_unknown_run_are_resource_does_not_exist(
    service: TrackingService,
) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST) as refused:
        await service.log_metric("f" * 32, Metric("m", 1.0, 1, 0))
    assert refused.value.message == f"Run with id={'f' * 32} not found"


async def test_create_run_returns_the_run_as_get_run_reads_it(tracking: Tracking) -> None:
    created = await tracking.service.create_run(
        "0", "alice", 5, None, [Tag("b", "1"), Tag("a", "2"), Tag("b", "3")]
    )

    assert created == await tracking.service.get_run(created.info.run_id)


async def test_logged_params_are_on_the_run(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    await tracking.service.log_param(run_id, Param("lr", "0.1"))
    await tracking.log(run_id, params={"depth": "3", "empty": ""})

    assert params_of(await tracking.service.get_run(run_id)) == {
        "lr": "0.1",
        "depth": "3",
        "empty": "",
    }


async def test_relogging_a_param_with_the_same_value_is_accepted(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.log(run_id, params={"lr": "0.1"})

    await tracking.service.log_param(run_id, Param("lr", "0.1"))
    await tracking.log(run_id, params={"lr": "0.1", "other": "x"})

    assert params_of(await tracking.service.get_run(run_id)) == {"lr": "0.1", "other": "x"}


async def test_changing_a_param_value_is_invalid(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    await tracking.log(run_id, params={"lr": "0.1"})

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="Changing param values is not allowed"):
        await tracking.service.log_param(run_id, Param("lr", "0.2"))

    assert params_of(await tracking.service.get_run(run_id)) == {"lr": "0.1"}


async def test_a_batch_changing_a_param_writes_nothing_of_the_batch(tracking: Tracking) -> None:
    run_id = await tracking.run("0", "r")
    await tracking.log(run_id, params={"lr": "0.1"})

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.log(
            run_id,
            metrics=[Metric("loss", 0.5, 10, 0)],
            params={"fresh": "1", "lr": "0.2"},
            tags={"note": "x"},
        )

    run = await tracking.service.get_run(run_id)
    assert params_of(run) == {"lr": "0.1"}
    assert tags_of(run) == {RUN_NAME: "r"}
    assert run.metrics == ()
    assert (await history_of(tracking.service, run_id, "loss", None, None)).items == []


async def test_duplicate_param_keys_in_one_batch_are_invalid(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="Duplicate parameter keys"):
        await tracking.service.log_batch(run_id, [], [Param("a", "1"), Param("a", "1")], [])


@pytest.mark.parametrize("key", ["", "../escape", "a/../b", "bad*char"])
async def test_a_param_with_an_unsafe_key_is_invalid(tracking: Tracking, key: str) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.service.log_param(run_id, Param(key, "v"))


async def test_set_tag_adds_then_overwrites(tracking: Tracking) -> None:
    run_id = await tracking.run("0", "r")

    await tracking.service.set_tag(run_id, Tag("stage", "dev"))
    await tracking.service.set_tag(run_id, Tag("stage", "prod"))

    assert tags_of(await tracking.service.get_run(run_id)) == {RUN_NAME: "r", "stage": "prod"}


async def test_the_last_value_of_a_tag_repeated_in_a_batch_wins(tracking: Tracking) -> None:
    run_id = await tracking.run("0", "r")

    await tracking.service.log_batch(run_id, [], [], [Tag("t", "first"), Tag("t", "last")])

    assert tags_of(await tracking.service.get_run(run_id))["t"] == "last"


async def test_delete_tag_removes_only_that_tag(tracking: Tracking) -> None:
    run_id = await tracking.run("0", "r", tags={"keep": "1", "drop": "2"})

    await tracking.service.delete_tag(run_id, "drop")

    assert tags_of(await tracking.service.get_run(run_id)) == {RUN_NAME: "r", "keep": "1"}


async def test_delete_of_a_missing_run_tag_is_resource_does_not_exist(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.delete_tag(run_id, "absent")


async def test_model_history_appends_each_model_to_the_run_tag(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    await tracking.service.append_model_history(run_id, '{"artifact_path": "a"}')
    await tracking.service.append_model_history(run_id, '{"artifact_path": "b"}')

    history = json.loads(
        tags_of(await tracking.service.get_run(run_id))["mlflow.log-model.history"]
    )
    assert history == [{"artifact_path": "a"}, {"artifact_path": "b"}]


async def test_metrics_logged_on_a_run_are_its_latest_values(tracking: Tracking) -> None:
    run_id = await tracking.run("0")

    await tracking.log(run_id, metrics=[Metric("a", 1.0, 5, 0), Metric("b", 2.0, 5, 0)])

    assert {k: m.value for k, m in metrics_of(await tracking.service.get_run(run_id)).items()} == {
        "a": 1.0,
        "b": 2.0,
    }
