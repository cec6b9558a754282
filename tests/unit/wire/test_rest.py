"""The REST edge without a server: MLflow's error body and the request body limit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.requests import Request

from berth.errors import BerthError, ErrorCode
from berth.wire.rest import error_response, read_body

LIMIT = 1024


def request(chunks: list[bytes], headers: dict[str, str] | None = None) -> Request:
    """A POST whose body arrives in ``chunks``; reading past the last one fails the test."""
    pending = list(chunks)

    async def receive() -> dict[str, Any]:
        assert pending, "the body was read past its end"
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    return Request(scope, receive)


def refusal(error: pytest.ExceptionInfo[BerthError]) -> str:
    assert error.value.code is ErrorCode.INVALID_PARAMETER_VALUE
    return error.value.message


def test_error_response_is_mlflows_body_with_the_codes_status() -> None:
    response = error_response(ErrorCode.RESOURCE_DOES_NOT_EXIST, "Run with id=x not found")

    assert response.status_code == 404
    assert json.loads(response.body) == {
        "error_code": "RESOURCE_DOES_NOT_EXIST",
        "message": "Run with id=x not found",
    }


def test_error_response_status_can_be_overridden() -> None:
    response = error_response(ErrorCode.ENDPOINT_NOT_FOUND, "wrong method", 405)

    assert response.status_code == 405
    assert json.loads(response.body)["error_code"] == "ENDPOINT_NOT_FOUND"


async def test_body_within_the_limit_is_read_whole() -> None:
    body = await read_body(request([b"a" * 600, b"b" * 424]), LIMIT)

    assert body == b"a" * 600 + b"b" * 424


async def test_declared_length_over_the_limit_is_refused_before_reading() -> None:
    with pytest.raises(BerthError) as raised:
        await read_body(request([], {"Content-Length": str(LIMIT + 1)}), LIMIT)

    assert f"at most {LIMIT} bytes" in refusal(raised)


async def test_streamed_body_over_the_limit_is_refused_at_the_chunk_that_crosses_it() -> None:
    chunks = [b"x" * 600, b"x" * 600, b"never read"]

    with pytest.raises(BerthError) as raised:
        await read_body(request(chunks), LIMIT)

    assert "at least 1200 bytes" in refusal(raised)


async def test_understated_content_length_does_not_lift_the_limit() -> None:
    with pytest.raises(BerthError):
        await read_body(request([b"x" * 2000], {"Content-Length": "10"}), LIMIT)
