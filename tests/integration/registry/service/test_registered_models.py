"""Registered models: MLflow's rules for names, descriptions, tags, renames and deletes."""

from __future__ import annotations

import pytest

from berth.errors import ErrorCode
from berth.registry.entities import Tag
from berth.registry.service import RegistryService
from tests.integration.registry.service.conftest import World
from tests.integration.tracking.service.support import T0, raises


async def test_create_returns_the_model_with_its_tags_and_description(
    registry: RegistryService,
) -> None:
    model = await registry.create_registered_model("churn", [Tag("team", "ml")], "first")

    assert model.name == "churn"
    assert model.description == "first"
    assert model.tags == (Tag("team", "ml"),)
    assert model.creation_timestamp == model.last_updated_timestamp == T0
    assert model.latest_versions == ()


async def test_create_refuses_a_taken_name(registry: RegistryService) -> None:
    await registry.create_registered_model("churn", [], None)

    with raises(ErrorCode.RESOURCE_ALREADY_EXISTS, match=r"Registered Model \(name=churn\)"):
        await registry.create_registered_model("churn", [], None)


@pytest.mark.parametrize("name", ["a/b", "a:b", "  ", "..", "./x"])
async def test_create_refuses_names_mlflow_refuses(registry: RegistryService, name: str) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE):
        await registry.create_registered_model(name, [], None)


async def test_get_of_a_missing_model_is_not_found(registry: RegistryService) -> None:
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST, match="Registered Model with name=nope"):
        await registry.get_registered_model("nope")


async def test_rename_moves_the_versions_with_the_model(world: World) -> None:
    await world.version("old")

    await world.registry.rename_registered_model("old", "new")

    assert (await world.registry.get_model_version("new", "1")).name == "new"
    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await world.registry.get_registered_model("old")


async def test_rename_onto_a_taken_name_is_refused(registry: RegistryService) -> None:
    await registry.create_registered_model("a", [], None)
    await registry.create_registered_model("b", [], None)

    with raises(ErrorCode.RESOURCE_ALREADY_EXISTS):
        await registry.rename_registered_model("a", "b")


async def test_update_replaces_the_description_and_the_update_time(world: World) -> None:
    await world.registry.create_registered_model("m", [], "before")
    world.clock.advance(5)

    model = await world.registry.update_registered_model("m", "after")

    assert model.description == "after"
    assert model.last_updated_timestamp == T0 + 5


async def test_delete_removes_the_model_and_its_versions(world: World) -> None:
    await world.version("m")

    await world.registry.delete_registered_model("m")

    with raises(ErrorCode.RESOURCE_DOES_NOT_EXIST):
        await world.registry.get_model_version("m", "1")
    await world.registry.create_registered_model("m", [], None)  # the name is free again


async def test_set_tag_overwrites_and_delete_tag_removes(registry: RegistryService) -> None:
    await registry.create_registered_model("m", [Tag("k", "1")], None)

    await registry.set_registered_model_tag("m", Tag("k", "2"))
    assert (await registry.get_registered_model("m")).tags == (Tag("k", "2"),)
    await registry.delete_registered_model_tag("m", "k")
    assert (await registry.get_registered_model("m")).tags == ()


async def test_deleting_a_missing_tag_is_not_an_error(registry: RegistryService) -> None:
    await registry.create_registered_model("m", [], None)

    await registry.delete_registered_model_tag("m", "absent")

    assert (await registry.get_registered_model("m")).tags == ()


async def test_latest_versions_holds_the_newest_version_of_each_stage(world: World) -> None:
    for _ in range(3):
        await world.version("m")
    await world.registry.transition_stage("m", "1", "Production", False)

    model = await world.registry.get_registered_model("m")

    assert {(v.current_stage, v.version) for v in model.latest_versions} == {
        ("Production", 1),
        ("None", 3),
    }


async def test_get_latest_versions_filters_by_stage_in_any_case(world: World) -> None:
    await world.version("m")
    await world.version("m")
    await world.registry.transition_stage("m", "1", "staging", False)

    latest = await world.registry.get_latest_versions("m", ["STAGING"])

    assert [(v.version, v.current_stage) for v in latest] == [(1, "Staging")]


async def test_get_latest_versions_refuses_an_unknown_stage(world: World) -> None:
    await world.version("m")

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="Invalid Model Version stage: Live"):
        await world.registry.get_latest_versions("m", ["Live"])
