"""How the ``ui-pages`` scenario sends a page's calls and judges their answers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bench.scenarios.ui_calls import (
    GRAPHQL,
    TABLE_PAGE,
    Call,
    Page,
    WrongAnswer,
    check,
    next_table_page,
    run_metrics,
    run_overview,
    runs_table,
)
from bench.scenarios.ui_pages import load_page

RUN = "0123456789abcdef0123456789abcdef"


class Server:
    """Answers each call after ``delays[label]`` seconds, and logs when calls start and end."""

    def __init__(self, delays: dict[str, float]) -> None:
        self.delays = delays
        self.events: list[str] = []

    async def send(self, call: Call) -> Any:
        self.events.append(f"start {call.label}")
        await asyncio.sleep(self.delays[call.label])
        self.events.append(f"end {call.label}")
        return {"answer of": call.label}


def _page(*waves: tuple[str, ...]) -> Page:
    return Page("page", tuple(tuple(Call(label, "GET", label) for label in w) for w in waves))


async def test_the_calls_of_a_wave_go_out_together_and_a_wave_waits_for_the_one_before() -> None:
    server = Server({"a": 0.02, "b": 0.01, "c": 0.01})

    await load_page(server.send, _page(("a", "b"), ("c",)))

    assert server.events == ["start a", "start b", "end b", "end a", "start c", "end c"]


async def test_a_page_takes_at_least_its_slowest_call_of_each_wave_in_turn() -> None:
    server = Server({"a": 0.05, "b": 0.01, "c": 0.03})

    seconds, _ = await load_page(server.send, _page(("a", "b"), ("c",)))

    assert seconds >= 0.05 + 0.03


async def test_a_page_load_gives_each_calls_answer_under_its_label() -> None:
    server = Server({"a": 0, "b": 0})

    _, answers = await load_page(server.send, _page(("a",), ("b",)))

    assert answers == {"a": {"answer of": "a"}, "b": {"answer of": "b"}}


def _labels(page: Page) -> list[list[str]]:
    return [[call.label for call in wave] for wave in page.waves]


def test_the_runs_table_asks_for_the_experiment_then_its_first_page_of_100_newest_runs() -> None:
    page = runs_table("7")

    first_page = page.waves[1][2]
    assert _labels(page) == [
        ["graphql mlflowGetExperiment", "runs/search 50 (experiment kind)"],
        ["experiments/search-datasets", "logged-models/search", "runs/search 100 (page 1)"],
    ]
    assert first_page.body == {
        "experiment_ids": ["7"],
        "run_view_type": "ACTIVE_ONLY",
        "max_results": 100,
        "order_by": ["attributes.start_time DESC"],
    }


def test_load_more_follows_the_first_pages_token() -> None:
    (wave,) = next_table_page("7", "token-1").waves

    assert wave[0].body["page_token"] == "token-1"


def test_the_experiment_is_asked_for_through_graphql_at_the_site_root() -> None:
    call = runs_table("7").waves[0][0]

    assert (call.prefix, call.path, call.method) == ("", GRAPHQL, "POST")
    assert call.body["operationName"] == "MlflowGetExperimentQuery"
    assert call.body["variables"] == {"input": {"experimentId": "7"}}


def test_the_run_overview_asks_for_the_run_then_its_child_runs_and_prompts() -> None:
    page = run_overview("7", RUN)

    assert _labels(page)[1:] == [
        ["graphql mlflowGetRun", "model-versions/search (run)"],
        ["runs/search (child runs)", "model-versions/search (prompts)"],
    ]
    assert page.waves[1][0].body["variables"] == {"data": {"runId": RUN}}


def test_the_metrics_tab_samples_one_history_per_metric_at_once() -> None:
    page = run_metrics("7", RUN, ("loss", "acc"))

    charts = page.waves[-1]
    assert [dict(c.params)["metric_key"] for c in charts] == ["loss", "acc"]
    assert {dict(c.params)["max_results"] for c in charts} == {"320"}


def _get_run_answer(run_id: str, **result: Any) -> dict[str, Any]:
    run = {
        "info": {"runUuid": run_id},
        "data": {"metrics": [{"key": "m1"}], "params": [{"key": "p1"}]},
    }
    return {"data": {"mlflowGetRun": {"apiError": None, "run": run, **result}}}


def _get_run_call() -> Call:
    return run_overview("7", RUN).waves[1][0]


def test_a_get_run_answer_with_the_run_and_its_data_is_accepted() -> None:
    check(_get_run_call(), _get_run_answer(RUN))


def test_a_graphql_answer_with_errors_is_wrong() -> None:
    answer = {"data": None, "errors": [{"message": "Cannot query field"}]}

    with pytest.raises(WrongAnswer, match="Cannot query field"):
        check(_get_run_call(), answer)


def test_a_graphql_answer_with_an_api_error_is_wrong() -> None:
    answer = _get_run_answer(RUN, apiError={"code": "RESOURCE_DOES_NOT_EXIST"}, run=None)

    with pytest.raises(WrongAnswer, match="RESOURCE_DOES_NOT_EXIST"):
        check(_get_run_call(), answer)


def test_a_get_run_answer_about_another_run_is_wrong() -> None:
    with pytest.raises(WrongAnswer, match="run 'other'"):
        check(_get_run_call(), _get_run_answer("other"))


def test_an_experiment_answer_about_another_experiment_is_wrong() -> None:
    answer = {"data": {"mlflowGetExperiment": {"experiment": {"experimentId": "8"}}}}

    with pytest.raises(WrongAnswer, match="experiment '8'"):
        check(runs_table("7").waves[0][0], answer)


def test_a_table_page_short_of_100_runs_is_wrong() -> None:
    call = runs_table("7").waves[1][2]

    check(call, {"runs": [{}] * TABLE_PAGE})
    with pytest.raises(WrongAnswer, match="99 runs"):
        check(call, {"runs": [{}] * 99})


def test_a_chart_without_points_is_wrong() -> None:
    chart = run_metrics("7", RUN, ("loss",)).waves[-1][0]

    with pytest.raises(WrongAnswer, match="no points"):
        check(chart, {})
