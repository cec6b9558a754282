"""Page tokens over REST: they continue the search that issued them and nothing else."""

from __future__ import annotations

import base64
import json

import pytest

RUNS = 3


async def first_page(api) -> tuple[list[str], str]:
    for _ in range(RUNS):
        await api.create_run_id()
    body = api.ok(await api.post("runs/search", {"experiment_ids": ["0"], "max_results": 2}))
    return [run["info"]["run_id"] for run in body["runs"]], body["next_page_token"]


def forged(token: str, **changes: object) -> str:
    """``token`` with its payload fields changed, re-encoded as the server encodes tokens."""
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    payload.update(changes)
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


async def test_next_page_token_continues_the_same_search(api) -> None:
    first_ids, token = await first_page(api)

    body = api.ok(
        await api.post(
            "runs/search", {"experiment_ids": ["0"], "max_results": 2, "page_token": token}
        )
    )

    second_ids = [run["info"]["run_id"] for run in body["runs"]]
    assert len(second_ids) == RUNS - 2
    assert not set(first_ids) & set(second_ids)
    assert "next_page_token" not in body


@pytest.mark.parametrize("token", ["garbage", "!!!", "eyJub3QiOiAidG9rZW4ifQ", "bnVsbA"])
async def test_garbage_page_token_is_invalid_parameter_value(api, token: str) -> None:
    response = await api.post("runs/search", {"experiment_ids": ["0"], "page_token": token})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "page token" in message


async def test_token_replayed_with_another_filter_is_invalid_parameter_value(api) -> None:
    _, token = await first_page(api)

    response = await api.post(
        "runs/search",
        {
            "experiment_ids": ["0"],
            "max_results": 2,
            "filter": "attributes.status = 'RUNNING'",
            "page_token": token,
        },
    )

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "different search" in message


async def test_token_replayed_with_another_order_is_invalid_parameter_value(api) -> None:
    _, token = await first_page(api)

    response = await api.post(
        "runs/search",
        {
            "experiment_ids": ["0"],
            "max_results": 2,
            "order_by": ["attributes.start_time ASC"],
            "page_token": token,
        },
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_runs_token_replayed_on_experiment_search_is_invalid_parameter_value(api) -> None:
    _, token = await first_page(api)

    response = await api.post("experiments/search", {"page_token": token})

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_garbage_page_token_on_metric_history_is_invalid_parameter_value(api) -> None:
    run_id = await api.create_run_id()

    response = await api.get(
        "metrics/get-history",
        {"run_id": run_id, "metric_key": "m", "max_results": "1", "page_token": "nope"},
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_token_with_a_negative_offset_is_invalid_parameter_value(api) -> None:
    _, token = await first_page(api)

    response = await api.post(
        "runs/search",
        {"experiment_ids": ["0"], "max_results": 2, "page_token": forged(token, offset=-1)},
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_token_with_an_offset_beyond_int64_is_invalid_parameter_value(api) -> None:
    _, token = await first_page(api)

    response = await api.post(
        "runs/search",
        {"experiment_ids": ["0"], "max_results": 2, "page_token": forged(token, offset=10**30)},
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")
