"""The UI's helper endpoints for features Berth does not have (AI gateway, assistant, UI
telemetry): each answers as MLflow 3.17.2 does with the feature off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.artifacts.support import running, server_settings

GATEWAY_PROXY = "/ajax-api/2.0/mlflow/gateway-proxy"
ASSISTANT = "/ajax-api/3.0/mlflow/assistant"
UI_TELEMETRY = "/ajax-api/3.0/mlflow/ui-telemetry"
TRACE_METRICS = "/ajax-api/3.0/mlflow/traces/metrics"


async def test_the_gateway_proxy_lists_no_endpoints(api: Any) -> None:
    response = await api.client.get(GATEWAY_PROXY, params={"gateway_path": "api/2.0/endpoints"})

    assert api.ok(response) == {"endpoints": []}


async def test_a_gateway_invocation_is_answered_with_no_endpoints(api: Any) -> None:
    body = {"gateway_path": "gateway/chat/invocations", "json_data": {"messages": []}}

    response = await api.client.post(GATEWAY_PROXY, json=body)

    assert api.ok(response) == {"endpoints": []}


async def test_the_assistant_config_has_no_providers_or_projects(api: Any) -> None:
    response = await api.client.get(f"{ASSISTANT}/config")

    assert api.ok(response) == {"providers": {}, "projects": {}, "remote_access_allowed": False}


async def test_the_assistant_has_no_provider_and_none_resolved(api: Any) -> None:
    response = await api.client.get(f"{ASSISTANT}/providers")

    assert api.ok(response) == {"providers": [], "resolved": None, "gateway_vendor_options": {}}


async def test_ui_telemetry_is_off(api: Any) -> None:
    response = await api.client.get(UI_TELEMETRY)

    assert api.ok(response) == {
        "disable_ui_events": [],
        "disable_ui_telemetry": True,
        "ui_rollout_percentage": 0,
    }


@pytest.mark.parametrize("content", [b'{"records": [{"event_name": "click"}]}', b"not json", b""])
async def test_ui_telemetry_records_are_discarded(api: Any, content: bytes) -> None:
    response = await api.client.post(UI_TELEMETRY, content=content)

    assert api.ok(response) == {"status": "disabled"}


async def test_ui_telemetry_bodies_over_the_request_limit_are_refused(tmp_path: Path) -> None:
    async with running(server_settings(tmp_path, max_request_bytes=1024)) as client:
        response = await client.post(UI_TELEMETRY, content=b"x" * 1025)

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


async def test_an_artifacts_only_server_has_no_helper_routes(tmp_path: Path) -> None:
    async with running(server_settings(tmp_path, artifacts_only=True)) as client:
        responses = [
            await client.get(GATEWAY_PROXY),
            await client.get(f"{ASSISTANT}/config"),
            await client.get(UI_TELEMETRY),
        ]

    assert [r.status_code for r in responses] == [404, 404, 404]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/ajax-api/3.0/mlflow/traces/search"),
        ("GET", "/ajax-api/2.0/mlflow/traces"),
        ("POST", "/ajax-api/3.0/mlflow/datasets/search"),
    ],
)
async def test_trace_and_evaluation_dataset_searches_find_nothing(
    api: Any, method: str, path: str
) -> None:
    response = await api.client.request(method, path, json={"experiment_ids": ["0"]})

    assert api.ok(response) == {}


TRACE_COUNT = {
    "experiment_ids": ["0"],
    "view_type": "TRACES",
    "metric_name": "trace_count",
    "aggregations": [{"aggregation_type": "COUNT"}],
}


async def test_the_trace_count_is_one_data_point_of_zero(api: Any) -> None:
    response = await api.client.post(TRACE_METRICS, json=TRACE_COUNT)

    assert api.ok(response) == {
        "data_points": [{"metric_name": "trace_count", "values": {"COUNT": 0.0}}]
    }


@pytest.mark.parametrize(
    "query",
    [
        {**TRACE_COUNT, "time_interval_seconds": 3600},
        {**TRACE_COUNT, "dimensions": ["trace_status"]},
        {**TRACE_COUNT, "aggregations": [{"aggregation_type": "AVG"}]},
    ],
    ids=["bucketed", "grouped", "average"],
)
async def test_other_trace_metrics_have_no_data_points(api: Any, query: dict[str, Any]) -> None:
    assert api.ok(await api.client.post(TRACE_METRICS, json=query)) == {}


async def test_a_malformed_trace_metrics_query_is_refused(api: Any) -> None:
    response = await api.client.post(TRACE_METRICS, content=b"[1]")

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
