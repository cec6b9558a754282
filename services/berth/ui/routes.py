"""The web UI's helper endpoints for features Berth does not have, answered as MLflow 3.17.2
answers them with those features off, so that the UI's pages load without errors:

- ``gateway-proxy`` (GET, POST): no AI gateway target, so an empty list of endpoints.
- ``assistant/config`` and ``assistant/providers`` (GET): no assistant is set up and none can
  be (MLflow lists the assistants its host could run; Berth runs none, so it lists none and
  resolves none, which the UI shows as an assistant not set up).
- ``ui-telemetry`` (GET, POST): telemetry is off. Berth collects nothing and sends nothing
  anywhere; a POST's body is read up to the request size limit and dropped.
- Traces and evaluation datasets (MLflow 3's GenAI pages, among them an experiment's default
  Overview): Berth stores none yet, so their searches answer what MLflow answers for an
  experiment without any (``{}``), and the trace count is zero. Writing them is not served.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from berth.errors import BerthError
from berth.wire.json import parse_json_object
from berth.wire.rest import error_response, read_body

GATEWAY_PROXY_PATH = "/ajax-api/2.0/mlflow/gateway-proxy"
ASSISTANT_PREFIX = "/ajax-api/3.0/mlflow/assistant"
UI_TELEMETRY_PATH = "/ajax-api/3.0/mlflow/ui-telemetry"

NO_GATEWAY_ENDPOINTS: dict[str, Any] = {"endpoints": []}
NO_ASSISTANT_CONFIG: dict[str, Any] = {
    "providers": {},
    "projects": {},
    "remote_access_allowed": False,
}
NO_ASSISTANT_PROVIDERS: dict[str, Any] = {
    "providers": [],
    "resolved": None,
    "gateway_vendor_options": {},
}
TELEMETRY_OFF: dict[str, Any] = {
    "disable_ui_events": [],
    "disable_ui_telemetry": True,
    "ui_rollout_percentage": 0,
}
TELEMETRY_DISCARDED: dict[str, Any] = {"status": "disabled"}
NO_RESULTS: dict[str, Any] = {}
EMPTY_SEARCHES = (
    ("/ajax-api/3.0/mlflow/traces/search", "POST"),
    ("/ajax-api/2.0/mlflow/traces", "GET"),
    ("/ajax-api/3.0/mlflow/datasets/search", "POST"),
)
TRACE_METRICS_PATH = "/ajax-api/3.0/mlflow/traces/metrics"

Endpoint = Callable[[Request], Awaitable[Response]]


def mount(app: FastAPI, max_request_bytes: int) -> None:
    """The helper endpoints on ``app`` (a server that tracks runs, as MLflow's)."""
    app.add_api_route(GATEWAY_PROXY_PATH, _answer(NO_GATEWAY_ENDPOINTS), methods=["GET", "POST"])
    app.add_api_route(f"{ASSISTANT_PREFIX}/config", _answer(NO_ASSISTANT_CONFIG), methods=["GET"])
    app.add_api_route(
        f"{ASSISTANT_PREFIX}/providers", _answer(NO_ASSISTANT_PROVIDERS), methods=["GET"]
    )
    app.add_api_route(UI_TELEMETRY_PATH, _answer(TELEMETRY_OFF), methods=["GET"])
    app.add_api_route(UI_TELEMETRY_PATH, _discard(max_request_bytes), methods=["POST"])
    for path, method in EMPTY_SEARCHES:
        app.add_api_route(path, _answer(NO_RESULTS), methods=[method])
    app.add_api_route(TRACE_METRICS_PATH, _no_trace_metrics(max_request_bytes), methods=["POST"])


def _answer(document: dict[str, Any]) -> Endpoint:
    async def answer(_request: Request) -> Response:
        return JSONResponse(document)

    return answer


def _discard(limit: int) -> Endpoint:
    async def discard_telemetry(request: Request) -> Response:
        try:
            await read_body(request, limit)
        except BerthError as exc:
            return error_response(exc.code, exc.message)
        return JSONResponse(TELEMETRY_DISCARDED)

    return discard_telemetry


def _no_trace_metrics(limit: int) -> Endpoint:
    """Trace metrics over no traces, as MLflow computes them: a total ``COUNT`` (no time
    buckets, no dimensions) is one data point of 0.0; every other aggregation of nothing, and
    every bucketed or grouped query, has no data points."""

    async def trace_metrics(request: Request) -> Response:
        try:
            query = parse_json_object(await read_body(request, limit))
        except BerthError as exc:
            return error_response(exc.code, exc.message)
        aggregations = query.get("aggregations") or []
        counted = any(
            isinstance(a, dict) and a.get("aggregation_type") == "COUNT" for a in aggregations
        )
        if not counted or query.get("time_interval_seconds") or query.get("dimensions"):
            return JSONResponse(NO_RESULTS)
        point = {"metric_name": query.get("metric_name", ""), "values": {"COUNT": 0.0}}
        return JSONResponse({"data_points": [point]})

    return trace_metrics
