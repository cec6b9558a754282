"""The web UI's helper endpoints for features Berth does not have, answered as MLflow 3.17.2
answers them with those features off, so that the UI's pages load without errors:

- ``gateway-proxy`` (GET, POST): no AI gateway target, so an empty list of endpoints.
- ``assistant/config`` and ``assistant/providers`` (GET): no assistant is set up and none can
  be (MLflow lists the assistants its host could run; Berth runs none, so it lists none and
  resolves none, which the UI shows as an assistant not set up).
- ``ui-telemetry`` (GET, POST): telemetry is off. Berth collects nothing and sends nothing
  anywhere; a POST's body is read up to the request size limit and dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from berth.errors import BerthError
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
