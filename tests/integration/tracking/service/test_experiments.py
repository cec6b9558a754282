"""Experiments: create, read, rename, delete and restore (with their runs), tags."""

from __future__ import annotations

import pytest

from berth.errors import BerthError, ErrorCode
from berth.tracking.entities import LifecycleStage, Tag, ViewType
from berth.tracking.service import TrackingService
from tests.integration.tracking.service.support import FakeClock, Tracking, raises, tags_of


async def test_default_experiment_0_named_default_exists(
    service: TrackingService, artifact_root: str
) -> None:
    default = await service.get_experiment("0")

    assert default.name == "Default"
    assert default.lifecycle_stage is LifecycleStage.ACTIVE
    assert default.artifact_location == f"{artifact_root}/0"


async def test_bootstrap_again_keeps_a_single_default_experiment(
    service: TrackingService, clock: FakeClock
) -> None:
    clock.advance(1000)
    await service.bootstrap()

    page = await service.search_experiments(ViewType.ALL, None, None, [], None)
    assert [e.experiment_id for e in page.items] == ["0"]
    assert page.items[0].creation_time == clock.now - 1000


async def test_created_experiment_is_returned_by_get_with_its_tags_and_times(
    service: TrackingService, clock: FakeClock
) -> None:
    experiment_id = await service.create_experiment("fraud", None, [Tag("team", "risk")])

    experiment = await service.get_experiment(experiment_id)
    assert experiment.experiment_id == experiment_id
    assert experiment.name == "fraud"
    assert experiment.lifecycle_stage is LifecycleStage.ACTIVE
    assert experiment.creation_time == clock.now
    assert experiment.last_update_time == clock.now
    assert tags_of(experiment) == {"team": "risk"}


async def test_get_experiment_by_name_finds_it(service: TrackingService) -> None:
    experiment_id = await service.create_experiment("by-name", None, [])

    experiment = await service.get_experiment_by_name("by-name")

    assert experiment.experiment_id == experiment_id


async def test_get_experiment_by_name_finds_a_deleted_one(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment("gone")
    await tracking.service.delete_experiment(experiment_id)

    experiment = await tracking.service.get_experiment_by_name("gone")

    assert experiment.lifecycle_stage is LifecycleStage.DELETED


async def test_get_unknown_experiment_is_resource_does_not_exist(
    service: TrackingService,
) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await service.get_experiment("12345")


async def test_get_experiment_with_a_non_integer_id_is_invalid(service: TrackingService) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await service.get_experiment("not-a-number")


async def test_get_experiment_by_unknown_name_is_resource_does_not_exist(
    service: TrackingService,
) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await service.get_experiment_by_name("nobody")


async def test_artifact_location_defaults_to_root_slash_id(
    service: TrackingService, artifact_root: str
) -> None:
    experiment_id = await service.create_experiment("located", None, [])

    experiment = await service.get_experiment(experiment_id)

    assert experiment.artifact_location == f"{artifact_root}/{experiment_id}"


async def test_explicit_remote_artifact_location_is_kept(service: TrackingService) -> None:
    experiment_id = await service.create_experiment("remote", "s3://bucket/models/", [])

    experiment = await service.get_experiment(experiment_id)

    assert experiment.artifact_location == "s3://bucket/models"


async def test_local_artifact_location_from_a_client_is_refused(service: TrackingService) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await service.create_experiment("local", "file:///etc", [])


async def test_empty_experiment_name_is_invalid(service: TrackingService) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await service.create_experiment("", None, [])


async def test_duplicate_name_is_resource_already_exists(tracking: Tracking) -> None:
    await tracking.experiment("twin")

    with raises(ErrorCode.RESOURCE_ALREADY_EXISTS):
        await tracking.experiment("twin")


async def test_duplicate_name_of_a_deleted_experiment_is_resource_already_exists(
    tracking: Tracking,
) -> None:
    experiment_id = await tracking.experiment("ghost")
    await tracking.service.delete_experiment(experiment_id)

    with raises(ErrorCode.RESOURCE_ALREADY_EXISTS):
        await tracking.experiment("ghost")


async def test_rename_changes_name_and_last_update_time(
    tracking: Tracking, clock: FakeClock
) -> None:
    experiment_id = await tracking.experiment("old")
    clock.advance(500)

    await tracking.service.rename_experiment(experiment_id, "new")

    experiment = await tracking.service.get_experiment(experiment_id)
    assert experiment.name == "new"
    assert experiment.last_update_time == clock.now
    assert experiment.creation_time == clock.now - 500
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.get_experiment_by_name("old")


async def test_rename_to_an_existing_name_is_resource_already_exists(tracking: Tracking) -> None:
    await tracking.experiment("taken")
    experiment_id = await tracking.experiment("mine")

    with raises(ErrorCode.RESOURCE_ALREADY_EXISTS):
        await tracking.service.rename_experiment(experiment_id, "taken")

    assert (await tracking.service.get_experiment(experiment_id)).name == "mine"


async def test_rename_to_its_own_name_is_allowed(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment("same")

    await tracking.service.rename_experiment(experiment_id, "same")

    assert (await tracking.service.get_experiment(experiment_id)).name == "same"


async def test_rename_of_a_deleted_experiment_is_refused(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment("frozen")
    await tracking.service.delete_experiment(experiment_id)

    # MLflow answers INVALID_STATE here; the message is the same.
    with pytest.raises(BerthError, match="Cannot rename a non-active experiment"):
        await tracking.service.rename_experiment(experiment_id, "thawed")


async def test_delete_marks_the_experiment_and_its_runs_deleted(
    tracking: Tracking, clock: FakeClock
) -> None:
    experiment_id = await tracking.experiment()
    run_ids = [await tracking.run(experiment_id), await tracking.run(experiment_id)]
    clock.advance(10)

    await tracking.service.delete_experiment(experiment_id)

    experiment = await tracking.service.get_experiment(experiment_id)
    assert experiment.lifecycle_stage is LifecycleStage.DELETED
    assert experiment.last_update_time == clock.now
    for run_id in run_ids:
        run = await tracking.service.get_run(run_id)
        assert run.info.lifecycle_stage is LifecycleStage.DELETED


async def test_delete_leaves_runs_of_other_experiments_alone(tracking: Tracking) -> None:
    doomed = await tracking.experiment()
    kept = await tracking.run(await tracking.experiment())
    await tracking.run(doomed)

    await tracking.service.delete_experiment(doomed)

    assert (await tracking.service.get_run(kept)).info.lifecycle_stage is LifecycleStage.ACTIVE


async def test_restore_brings_the_experiment_and_its_runs_back(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()
    run_id = await tracking.run(experiment_id)
    await tracking.service.delete_experiment(experiment_id)

    await tracking.service.restore_experiment(experiment_id)

    experiment = await tracking.service.get_experiment(experiment_id)
    assert experiment.lifecycle_stage is LifecycleStage.ACTIVE
    run = await tracking.service.get_run(run_id)
    assert run.info.lifecycle_stage is LifecycleStage.ACTIVE


async def test_restore_of_an_active_experiment_is_resource_does_not_exist(
    tracking: Tracking,
) -> None:
    experiment_id = await tracking.experiment()

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.restore_experiment(experiment_id)


async def test_delete_of_a_deleted_experiment_is_resource_does_not_exist(
    tracking: Tracking,
) -> None:
    experiment_id = await tracking.experiment()
    await tracking.service.delete_experiment(experiment_id)

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.delete_experiment(experiment_id)


async def test_the_default_experiment_can_be_deleted_and_restored(
    service: TrackingService,
) -> None:
    await service.delete_experiment("0")
    assert (await service.get_experiment("0")).lifecycle_stage is LifecycleStage.DELETED

    await service.restore_experiment("0")
    assert (await service.get_experiment("0")).lifecycle_stage is LifecycleStage.ACTIVE


async def test_runs_cannot_be_created_in_a_deleted_experiment(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()
    await tracking.service.delete_experiment(experiment_id)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE) as refused:
        await tracking.run(experiment_id)
    assert refused.value.message == (
        f"The experiment {experiment_id} must be in the 'active' state. Current state is deleted."
    )
    await tracking.service.restore_experiment(experiment_id)
    assert (
        await tracking.service.search_runs([experiment_id], "", ViewType.ALL, 10, [], None)
    ).items == []


async def test_set_experiment_tag_adds_then_overwrites(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment(stage="dev")

    await tracking.service.set_experiment_tag(experiment_id, Tag("owner", "ana"))
    await tracking.service.set_experiment_tag(experiment_id, Tag("stage", "prod"))

    experiment = await tracking.service.get_experiment(experiment_id)
    assert tags_of(experiment) == {"owner": "ana", "stage": "prod"}


async def test_delete_experiment_tag_removes_only_that_tag(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment(keep="1", drop="2")

    await tracking.service.delete_experiment_tag(experiment_id, "drop")

    experiment = await tracking.service.get_experiment(experiment_id)
    assert tags_of(experiment) == {"keep": "1"}


async def test_delete_of_a_missing_experiment_tag_is_resource_does_not_exist(
    tracking: Tracking,
) -> None:
    experiment_id = await tracking.experiment()

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await tracking.service.delete_experiment_tag(experiment_id, "absent")


async def test_tags_cannot_be_set_on_a_deleted_experiment(tracking: Tracking) -> None:
    experiment_id = await tracking.experiment()
    await tracking.service.delete_experiment(experiment_id)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await tracking.service.set_experiment_tag(experiment_id, Tag("k", "v"))
