"""Model versions: numbering, sources, stages, deletion, tags, aliases and downloads."""

from __future__ import annotations

import asyncio
import json

import pytest

from berth.errors import ErrorCode
from berth.registry.entities import IS_PROMPT_TAG, Tag
from berth.tracking.sql_store import SqlTrackingStore
from tests.integration.registry.service.conftest import World
from tests.integration.tracking.service.support import raises


async def _chunks(world: World, name: str, version: str, path: str) -> bytes:
    download = await world.registry.download_artifact(name, version, path)
    return b"".join([chunk async for chunk in download.chunks])


async def _bytes(data: bytes):  # type: ignore[no-untyped-def]
    yield data


async def test_versions_count_from_one(world: World) -> None:
    assert [await world.version("m") for _ in range(3)] == [1, 2, 3]


async def test_a_deleted_version_number_is_never_reused(world: World) -> None:
    await world.version("m")
    await world.version("m")
    await world.registry.delete_model_version("m", "2")

    assert await world.version("m") == 3


async def test_runs_source_resolves_to_the_runs_artifacts(world: World) -> None:
    await world.registry.create_registered_model("m", [], None)
    run_id = await world.run_id()

    version = await world.registry.create_model_version(
        "m", f"runs:/{run_id}/model", None, [], None, None, None
    )

    assert version.source == f"runs:/{run_id}/model"
    assert version.run_id == run_id
    assert version.storage_location == f"mlflow-artifacts:/0/{run_id}/artifacts/model"
    assert await world.registry.get_download_uri("m", "1") == version.storage_location


async def test_logged_model_source_resolves_to_its_location_and_run(world: World) -> None:
    await world.registry.create_registered_model("m", [], None)
    run_id = await world.run_id()
    model_id = await world.logged_model_id(run_id)

    version = await world.registry.create_model_version(
        "m", f"models:/{model_id}", None, [], None, None, model_id
    )

    assert version.run_id == run_id
    assert version.model_id == model_id
    assert version.storage_location == f"mlflow-artifacts:/0/models/{model_id}/artifacts"


async def test_registered_version_source_resolves_to_that_versions_files(world: World) -> None:
    await world.version("a")
    await world.registry.set_alias("a", "champion", "1")
    await world.registry.create_registered_model("b", [], None)

    version = await world.registry.create_model_version(
        "b", "models:/a@champion", None, [], None, None, None
    )

    assert version.source == "models:/a/1"
    assert (
        version.storage_location
        == (await world.registry.get_model_version("a", "1")).storage_location
    )


async def test_a_source_inside_the_named_runs_artifacts_is_kept_as_given(world: World) -> None:
    await world.registry.create_registered_model("m", [], None)
    run_id = await world.run_id()
    source = f"mlflow-artifacts:/0/{run_id}/artifacts/model"

    version = await world.registry.create_model_version("m", source, run_id, [], None, "", None)

    assert (version.source, version.storage_location, version.run_id) == (source, source, run_id)
    assert version.description == ""


async def test_a_runs_source_with_a_model_id_is_refused(world: World) -> None:
    await world.registry.create_registered_model("m", [], None)
    run_id = await world.run_id()
    model_id = await world.logged_model_id(run_id)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="model_id request parameter"):
        await world.registry.create_model_version(
            "m", f"runs:/{run_id}/model", None, [], None, None, model_id
        )


@pytest.mark.parametrize("parameter", ["run_id", "model_id"])
async def test_a_registered_source_refuses_lineage_other_than_the_versions(
    world: World, parameter: str
) -> None:
    await world.version("a")
    await world.registry.create_registered_model("b", [], None)
    other_run = await world.run_id()
    lineage = {"run_id": other_run, "model_id": await world.logged_model_id(other_run)}
    given = {"run_id": None, "model_id": None, parameter: lineage[parameter]}

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="must match the referenced"):
        await world.registry.create_model_version(
            "b", "models:/a/1", given["run_id"], [], None, None, given["model_id"]
        )


async def test_a_registered_source_takes_the_referenced_versions_lineage(world: World) -> None:
    await world.version("a")
    first = await world.registry.get_model_version("a", "1")
    await world.registry.create_registered_model("b", [], None)

    version = await world.registry.create_model_version(
        "b", "models:/a/1", first.run_id, [], None, None, None
    )

    assert (version.source, version.run_id) == ("models:/a/1", first.run_id)


async def test_a_prompt_is_not_a_model_version_source(world: World) -> None:
    await world.registry.create_registered_model("p", [Tag(IS_PROMPT_TAG, "true")], None)
    await world.registry.create_model_version(
        "p", "prompt-template", None, [Tag(IS_PROMPT_TAG, "true")], None, None, None
    )
    await world.registry.create_registered_model("m", [], None)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="Prompt versions cannot be used"):
        await world.registry.create_model_version("m", "models:/p/1", None, [], None, None, None)


@pytest.mark.parametrize("source", ["prompt-template", "dummy-source"])
async def test_a_prompt_version_takes_mlflows_placeholder_source(world: World, source: str) -> None:
    await world.registry.create_registered_model("p", [Tag(IS_PROMPT_TAG, "true")], None)
    tags = [Tag(IS_PROMPT_TAG, "TRUE"), Tag("mlflow.prompt.text", "Hi {{name}}")]

    version = await world.registry.create_model_version("p", source, None, tags, None, None, None)

    assert (version.version, version.source, version.run_id) == (1, source, None)


@pytest.mark.parametrize(
    ("source", "tags"),
    [
        ("s3://bucket/prompt", [Tag(IS_PROMPT_TAG, "true")]),
        ("prompt-template", []),
        ("dummy-source", [Tag(IS_PROMPT_TAG, "true"), Tag(IS_PROMPT_TAG, "false")]),
    ],
)
async def test_a_placeholder_source_is_only_for_prompt_versions(
    world: World, source: str, tags: list[Tag]
) -> None:
    await world.registry.create_registered_model("p", [Tag(IS_PROMPT_TAG, "true")], None)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="Invalid (prompt|model version) source"):
        await world.registry.create_model_version("p", source, None, tags, None, None, None)


async def test_registering_a_logged_model_records_the_version_on_it(world: World) -> None:
    await world.registry.create_registered_model("m", [], None)
    model_id = await world.logged_model_id(await world.run_id())

    for _ in range(2):
        await world.registry.create_model_version(
            "m", f"models:/{model_id}", None, [], None, None, model_id
        )

    model = await world.tracking.get_logged_model(model_id)
    tags = {tag.key: tag.value for tag in model.tags}
    assert json.loads(tags["mlflow.modelVersions"]) == [
        {"name": "m", "version": 1},
        {"name": "m", "version": 2},
    ]


async def test_a_version_records_where_it_lies_and_the_download_uri_translates_it(
    world: World,
) -> None:
    async with world.db.transaction() as session:
        experiment = await SqlTrackingStore("unused").create_experiment(
            session, "in-store", world.store.root, [], world.clock()
        )
    run = await world.tracking.create_run(experiment, "alice", None, None, [])
    await world.registry.create_registered_model("m", [], None)
    recorded = f"{world.store.root}/{run.info.run_id}/artifacts/model"

    await world.registry.create_model_version(
        "m", f"runs:/{run.info.run_id}/model", None, [], None, None, None
    )

    assert (await world.registry.get_model_version("m", "1")).storage_location == recorded
    assert await world.registry.get_download_uri("m", "1") == (
        f"mlflow-artifacts:/{run.info.run_id}/artifacts/model"
    )


async def test_a_source_of_a_missing_run_is_refused(world: World) -> None:
    await world.registry.create_registered_model("m", [], None)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="Invalid model version source"):
        await world.registry.create_model_version(
            "m", "runs:/0123456789abcdef0123456789abcdef/model", None, [], None, None, None
        )


async def test_a_version_of_a_missing_model_is_not_found(world: World) -> None:
    run_id = await world.run_id()

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await world.registry.create_model_version(
            "ghost", f"runs:/{run_id}/m", None, [], None, None, None
        )


async def test_update_sets_the_description(world: World) -> None:
    await world.version("m")

    updated = await world.registry.update_model_version("m", "1", "better")

    assert updated.description == "better"


async def test_transition_moves_the_version_to_the_stage(world: World) -> None:
    await world.version("m")

    moved = await world.registry.transition_stage("m", "1", "production", False)

    assert moved.current_stage == "Production"


async def test_transition_with_archiving_archives_the_stages_other_versions(
    world: World,
) -> None:
    await world.version("m")
    await world.version("m")
    await world.registry.transition_stage("m", "1", "Production", False)

    await world.registry.transition_stage("m", "2", "Production", True)

    assert (await world.registry.get_model_version("m", "1")).current_stage == "Archived"
    assert (await world.registry.get_model_version("m", "2")).current_stage == "Production"


async def test_archiving_needs_an_active_target_stage(world: World) -> None:
    await world.version("m")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="is not an Active stage"):
        await world.registry.transition_stage("m", "1", "Archived", True)


async def test_a_deleted_version_is_not_found_and_loses_its_aliases(world: World) -> None:
    await world.version("m")
    await world.version("m")
    await world.registry.set_alias("m", "champion", "1")

    await world.registry.delete_model_version("m", "1")

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST, match=r"name=m, version=1"):
        await world.registry.get_model_version("m", "1")
    assert (await world.registry.get_registered_model("m")).aliases == ()


@pytest.mark.parametrize("version", ["one", "1.5", ""])
async def test_a_version_that_is_not_an_integer_is_refused(world: World, version: str) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="must be an integer"):
        await world.registry.get_model_version("m", version)


async def test_version_tags_are_set_and_deleted(world: World) -> None:
    await world.version("m", stage="dev")

    await world.registry.set_model_version_tag("m", "1", Tag("stage", "prod"))
    assert (await world.registry.get_model_version("m", "1")).tags == (Tag("stage", "prod"),)
    await world.registry.delete_model_version_tag("m", "1", "stage")
    assert (await world.registry.get_model_version("m", "1")).tags == ()


async def test_an_alias_points_at_a_version_and_can_move(world: World) -> None:
    await world.version("m")
    await world.version("m")

    await world.registry.set_alias("m", "champion", "1")
    await world.registry.set_alias("m", "champion", "2")

    found = await world.registry.get_version_by_alias("m", "champion")
    assert (found.version, found.aliases) == (2, ("champion",))
    assert (await world.registry.get_registered_model("m")).aliases == (("champion", 2),)


async def test_a_deleted_alias_is_no_longer_found(world: World) -> None:
    await world.version("m")
    await world.registry.set_alias("m", "champion", "1")

    await world.registry.delete_alias("m", "champion")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="alias champion not found"):
        await world.registry.get_version_by_alias("m", "champion")


async def test_the_latest_alias_is_the_highest_live_version(world: World) -> None:
    await world.version("m")
    await world.version("m")

    assert (await world.registry.get_version_by_alias("m", "latest")).version == 2


@pytest.mark.parametrize("alias", ["latest", "LATEST", "v1", "V12", "bad alias", ""])
async def test_reserved_and_malformed_aliases_are_refused(world: World, alias: str) -> None:
    await world.version("m")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await world.registry.set_alias("m", alias, "1")


async def test_an_alias_for_a_missing_version_is_not_found(world: World) -> None:
    await world.version("m")

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await world.registry.set_alias("m", "champion", "7")


async def test_download_streams_a_file_of_the_version_from_the_store(world: World) -> None:
    await world.version("m")
    location = (await world.registry.get_model_version("m", "1")).storage_location
    path = location.removeprefix("mlflow-artifacts:/")
    await world.store.write(f"{path}/MLmodel", _bytes(b"flavors: {}"))

    assert await _chunks(world, "m", "1", "MLmodel") == b"flavors: {}"


@pytest.mark.parametrize("path", ["../../etc/passwd", "%2e%2e/x", "/etc/passwd", "a\\..\\b"])
async def test_download_refuses_paths_leaving_the_version(world: World, path: str) -> None:
    await world.version("m")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await world.registry.download_artifact("m", "1", path)


async def test_twenty_concurrent_registrations_get_versions_one_to_twenty(world: World) -> None:
    await world.registry.create_registered_model("m", [], None)
    run_id = await world.run_id()

    created = await asyncio.gather(
        *(
            world.registry.create_model_version(
                "m", f"runs:/{run_id}/model", None, [], None, None, None
            )
            for _ in range(20)
        )
    )

    assert sorted(v.version for v in created) == list(range(1, 21))
