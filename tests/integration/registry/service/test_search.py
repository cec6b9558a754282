"""Searching registered models and model versions: filters, order, pages, prompts."""

from __future__ import annotations

import pytest

from berth.errors import ErrorCode
from berth.registry.entities import IS_PROMPT_TAG, Tag
from tests.integration.registry.service.conftest import World
from tests.integration.tracking.service.support import raises


async def _models(world: World, filter_string: str | None = None, **kw: object) -> list[str]:
    page = await world.registry.search_registered_models(
        filter_string,
        kw.get("max_results"),  # type: ignore[arg-type]
        kw.get("order_by", []),  # type: ignore[arg-type]
        kw.get("page_token"),  # type: ignore[arg-type]
    )
    return [m.name for m in page.items]


async def _versions(world: World, filter_string: str | None = None) -> list[tuple[str, int]]:
    page = await world.registry.search_model_versions(filter_string, None, [], None)
    return [(v.name, v.version) for v in page.items]


async def test_models_are_ordered_by_name_by_default(world: World) -> None:
    for name in ["b", "c", "a"]:
        await world.registry.create_registered_model(name, [], None)

    assert await _models(world) == ["a", "b", "c"]


async def test_models_filter_by_name_pattern_and_tag(world: World) -> None:
    await world.registry.create_registered_model("churn-a", [Tag("team", "ml")], None)
    await world.registry.create_registered_model("churn-b", [Tag("team", "bi")], None)
    await world.registry.create_registered_model("fraud", [Tag("team", "ml")], None)

    assert await _models(world, "name LIKE 'churn%' AND tags.team = 'ml'") == ["churn-a"]


async def test_models_order_by_last_update_descending(world: World) -> None:
    for name in ["a", "b"]:
        await world.registry.create_registered_model(name, [], None)
        world.clock.advance()

    assert await _models(world, order_by=["timestamp DESC"]) == ["b", "a"]


async def test_model_pages_cover_every_model_once(world: World) -> None:
    for i in range(5):
        await world.registry.create_registered_model(f"m{i}", [], None)

    first = await world.registry.search_registered_models(None, 2, [], None)
    second = await world.registry.search_registered_models(None, 2, [], first.next_page_token)
    third = await world.registry.search_registered_models(None, 2, [], second.next_page_token)

    names = [m.name for page in (first, second, third) for m in page.items]
    assert names == [f"m{i}" for i in range(5)]
    assert third.next_page_token is None


async def test_a_page_token_of_another_search_is_refused(world: World) -> None:
    for i in range(3):
        await world.registry.create_registered_model(f"m{i}", [], None)
    first = await world.registry.search_registered_models(None, 1, [], None)

    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="different search"):
        await world.registry.search_registered_models("name = 'm1'", 1, [], first.next_page_token)


async def test_max_results_above_mlflows_limit_is_refused(world: World) -> None:
    with raises(ErrorCode.INVALID_PARAMETER_VALUE, match="max_results"):
        await world.registry.search_registered_models(None, 1001, [], None)


async def test_prompts_are_left_out_unless_asked_for(world: World) -> None:
    await world.registry.create_registered_model("model", [], None)
    prompt = [Tag("mlflow.prompt.is_prompt", "true")]
    await world.registry.create_registered_model("prompt", prompt, None)

    assert await _models(world) == ["model"]
    assert await _models(world, "tags.`mlflow.prompt.is_prompt` = 'true'") == ["prompt"]


async def test_versions_newest_first_by_default(world: World) -> None:
    await world.version("a")
    world.clock.advance()
    await world.version("b")
    world.clock.advance()
    await world.version("a")

    assert await _versions(world) == [("a", 2), ("b", 1), ("a", 1)]


async def test_versions_filter_by_name_number_and_tag(world: World) -> None:
    for _ in range(3):
        await world.version("a", env="prod")
    await world.version("b", env="prod")

    found = await _versions(world, "name = 'a' AND version_number > 1 AND tags.env = 'prod'")

    assert found == [("a", 3), ("a", 2)]


async def test_versions_updated_at_once_order_by_name_then_newest_version(world: World) -> None:
    for name in ["b", "a", "b", "a"]:
        await world.version(name)

    assert await _versions(world) == [("a", 2), ("a", 1), ("b", 2), ("b", 1)]


async def test_models_updated_at_once_order_by_name(world: World) -> None:
    for name in ["c", "a", "b"]:
        await world.registry.create_registered_model(name, [], None)

    assert await _models(world, order_by=["last_updated_timestamp DESC"]) == ["a", "b", "c"]


async def test_prompt_versions_are_left_out_of_version_search_unless_asked_for(
    world: World,
) -> None:
    await world.version("model")
    prompt = [Tag(IS_PROMPT_TAG, "true")]
    await world.registry.create_registered_model("prompt", prompt, None)
    await world.registry.create_model_version(
        "prompt", "prompt-template", None, prompt, None, None, None
    )

    assert await _versions(world) == [("model", 1)]
    assert await _versions(world, f"tags.`{IS_PROMPT_TAG}` = 'true'") == [("prompt", 1)]


async def test_versions_filter_by_run_id(world: World) -> None:
    await world.version("a")
    run_id = (await world.registry.get_model_version("a", "1")).run_id
    await world.version("a")

    assert await _versions(world, f"run_id = '{run_id}'") == [("a", 1)]


async def test_deleted_versions_are_not_found_by_search(world: World) -> None:
    await world.version("a")
    await world.version("a")
    await world.registry.delete_model_version("a", "1")

    assert await _versions(world, "name = 'a'") == [("a", 2)]


async def test_a_tag_filter_on_a_missing_tag_matches_nothing(world: World) -> None:
    await world.version("a")

    assert await _versions(world, "tags.env != 'prod'") == []


@pytest.mark.parametrize(
    ("condition", "matches"),
    [
        ("= 2147483648", False),
        ("!= 2147483648", True),
        ("< 99999999999999999999999", True),
        ("<= 2147483648", True),
        ("> 2147483648", False),
        (">= '99999999999999999999999'", False),
        ("= -99999999999999999999999", False),
        ("!= 0", True),
        ("< 0", False),
        ("<= -1", False),
        ("> -99999999999999999999999", True),
        (">= 0", True),
    ],
)
async def test_a_version_number_beyond_the_column_is_decided_without_overflow(
    world: World, condition: str, matches: bool
) -> None:
    await world.version("a")

    found = await _versions(world, f"version_number {condition}")

    assert found == ([("a", 1)] if matches else [])
