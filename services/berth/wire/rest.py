"""The REST edge: routes from the handler table, MLflow's error bodies, request limits."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from google.protobuf.message import Message
from starlette.exceptions import HTTPException as StarletteHTTPException

from berth.artifacts.paths import has_control_characters
from berth.errors import BerthError, ErrorCode, invalid
from berth.wire.json import parse_dict, parse_json_body, parse_query, response_json
from berth.wire.rpc import Endpoint, Rpc

log = logging.getLogger(__name__)

JSON = "application/json"


def error_response(code: ErrorCode, message: str, status: int | None = None) -> JSONResponse:
    return JSONResponse(
        {"error_code": code.name, "message": message},
        status_code=status or code.http_status,
    )


def internal_error(request: Request) -> JSONResponse:
    """An unexpected failure while serving ``request``: its traceback goes to the log, the
    client gets MLflow's INTERNAL_ERROR body. Call it from an ``except Exception`` block."""
    log.exception("unhandled error serving %s %s", request.method, request.url.path)
    return error_response(ErrorCode.INTERNAL_ERROR, "Internal server error; see the log.")


def refuse_control_characters(request: Request) -> None:
    """Query parameters (names and values) with control characters, NUL included, are
    INVALID_PARAMETER_VALUE: no store can take them, and PostgreSQL fails on a NUL."""
    for key, value in request.query_params.multi_items():
        if has_control_characters(key) or has_control_characters(value):
            raise invalid(f"Query parameter {key!r} contains control characters.")


def install_error_handlers(app: FastAPI) -> None:
    """Failures outside the rpc routes (unknown path, wrong method) in MLflow's error body.

    Inside rpc routes, ``serve`` turns every exception into the error body itself, so no
    traceback reaches a client and nothing is logged twice.
    """

    async def on_http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return error_response(ErrorCode.ENDPOINT_NOT_FOUND, "No API endpoint at this path.")
        if exc.status_code == 405:
            response = error_response(
                ErrorCode.ENDPOINT_NOT_FOUND, "This endpoint does not accept that method.", 405
            )
            response.headers.update(exc.headers or {})
            return response
        return error_response(ErrorCode.BAD_REQUEST, str(exc.detail), exc.status_code)

    app.add_exception_handler(StarletteHTTPException, on_http_error)


def declared_length(request: Request) -> int | None:
    """The body's length as its Content-Length declares it; None for a chunked body."""
    declared = request.headers.get("content-length")
    return int(declared) if declared is not None and declared.isdigit() else None


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused as soon as it is known to exceed ``limit`` bytes."""
    declared = declared_length(request)
    if declared is not None and declared > limit:
        raise _too_large(declared, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> BerthError:
    return invalid(f"Request bodies must be at most {limit} bytes, got at least {size} bytes.")


def mount(app: FastAPI, rpcs: Sequence[Rpc], max_request_bytes: int) -> None:
    for rpc in rpcs:
        for endpoint in rpc.endpoints():
            app.add_api_route(
                endpoint.path,
                _endpoint_function(rpc, endpoint, max_request_bytes),
                methods=[endpoint.method],
                name=f"{rpc.name}:{endpoint.path}",
                include_in_schema=endpoint.path.startswith("/api/"),
            )


def _endpoint_function(
    rpc: Rpc, endpoint: Endpoint, limit: int
) -> Callable[[Request], Awaitable[Response]]:
    path_fields = endpoint.path_fields
    read_query = endpoint.method in ("GET", "DELETE")

    async def serve(request: Request) -> Response:
        try:
            message = await _request_message(request, rpc, read_query, limit)
            if path_fields:
                _bind_path(message, request.path_params, path_fields)
            response = await rpc.handler(message)
        except BerthError as exc:
            return error_response(exc.code, exc.message)
        except Exception:
            return internal_error(request)
        return Response(response_json(response), media_type=JSON)

    serve.__name__ = rpc.name
    return serve


async def _request_message(request: Request, rpc: Rpc, read_query: bool, limit: int) -> Message:
    body = await read_body(request, limit)
    if read_query and not body.strip():
        query = {key: request.query_params.getlist(key) for key in request.query_params}
        return parse_query(query, rpc.request_type)
    return parse_json_body(body, rpc.request_type)


def _bind_path(message: Message, params: dict[str, str], fields: Sequence[str]) -> None:
    values = {name: params[name] for name in fields}
    message.MergeFrom(parse_dict(values, type(message)))
