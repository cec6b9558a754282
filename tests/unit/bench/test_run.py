"""How ``make bench`` orders its measurements."""

from __future__ import annotations

from collections.abc import AsyncIterator

from bench.run import alternating, in_turns


def test_the_server_that_goes_first_alternates_from_scenario_to_scenario() -> None:
    servers = ["mlflow", "berth"]

    orders = [list(alternating(servers, index)) for index in range(4)]

    assert orders == [
        ["mlflow", "berth"],
        ["berth", "mlflow"],
        ["mlflow", "berth"],
        ["berth", "mlflow"],
    ]


async def _steps(name: str, count: int, log: list[str]) -> AsyncIterator[list[str]]:
    for step in range(count):
        log.append(f"{name}{step}")
        yield [f"{name}{step}"]


async def test_servers_take_the_steps_of_a_scenario_in_turns_the_first_alternating() -> None:
    log: list[str] = []

    await in_turns({"a": _steps("a", 3, log), "b": _steps("b", 3, log)})

    assert log == ["a0", "b0", "b1", "a1", "a2", "b2"]


async def test_each_server_gets_its_own_measurements_in_the_order_taken() -> None:
    found = await in_turns({"a": _steps("a", 2, []), "b": _steps("b", 2, [])})

    assert found == {"a": ["a0", "a1"], "b": ["b0", "b1"]}


async def test_a_server_with_more_steps_goes_on_alone_once_the_other_is_done() -> None:
    log: list[str] = []

    found = await in_turns({"a": _steps("a", 1, log), "b": _steps("b", 3, log)})

    assert log == ["a0", "b0", "b1", "b2"]
    assert found == {"a": ["a0"], "b": ["b0", "b1", "b2"]}


async def test_each_step_is_reported_with_its_server_as_it_is_taken() -> None:
    seen: list[tuple[str, list[str]]] = []

    await in_turns({"a": _steps("a", 1, []), "b": _steps("b", 1, [])}, lambda *s: seen.append(s))

    assert seen == [("a", ["a0"]), ("b", ["b0"])]
