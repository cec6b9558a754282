"""``/graphql``: MLflow's GraphQL endpoint, as its web UI calls it.

The answer is MLflow's: ``{"data": ..., "errors": [message, ...] | null}``, 200 when the
document ran (a failed rpc nulls its field and adds its message to ``errors``, as in
MLflow). What MLflow answers with a 500 or runs anyway is refused with 400 and MLflow's error
body (with ``errors`` beside it, for GraphQL clients): malformed JSON, batched requests, a
missing or unparsable query, a document that fails validation or exceeds the
:mod:`limits`. ``GET`` takes ``query``, ``variables`` and ``operationName`` as query
parameters and runs queries only, as GraphQL over HTTP requires.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from inspect import isawaitable
from typing import Any

import orjson
from fastapi import Request, Response
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from berth.errors import BerthError, ErrorCode, invalid
from berth.ui.graphql import limits
from berth.ui.graphql.schema import Calls, build_schema
from berth.wire.rest import internal_error, read_body
from berth.wire.rpc import Rpc

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
INTERNAL = "Internal server error; see the log."


class GraphQLEndpoint:
    """The ``POST`` and ``GET`` handlers of ``/graphql`` over ``rpcs`` (the tracking and
    registry handler tables)."""

    def __init__(self, rpcs: Sequence[Rpc], caps: limits.Limits | None = None) -> None:
        self._rpcs = {rpc.name: rpc for rpc in rpcs}
        self._schema: GraphQLSchema = build_schema(rpcs)
        self._caps = caps or limits.Limits()

    async def post(self, request: Request) -> Response:
        try:
            params = _json_params(await read_body(request, MAX_BODY_BYTES))
            return await self._run(params, allow_mutation=True)
        except BerthError as exc:
            return _refused(exc.code, exc.message)
        except Exception:
            return internal_error(request)

    async def get(self, request: Request) -> Response:
        try:
            query = request.query_params
            variables = query.get("variables")
            params = {
                "query": query.get("query"),
                "variables": _json(variables.encode()) if variables else None,
                "operationName": query.get("operationName"),
            }
            return await self._run(params, allow_mutation=False)
        except BerthError as exc:
            return _refused(exc.code, exc.message)
        except Exception:
            return internal_error(request)

    async def _run(self, params: Mapping[str, Any], allow_mutation: bool) -> Response:
        query, variables, operation_name = _checked_params(params)
        document = self._document(query)
        operation = get_operation_ast(document, operation_name)
        if (
            not allow_mutation
            and operation is not None
            and operation.operation is OperationType.MUTATION
        ):
            return _refused(ErrorCode.INVALID_PARAMETER_VALUE, "GET runs queries only; POST it.")
        result = execute(
            self._schema,
            document,
            context_value=Calls(self._rpcs),
            variable_values=variables,
            operation_name=operation_name,
        )
        if isawaitable(result):
            result = await result
        assert isinstance(result, ExecutionResult)
        if result.data is None and result.errors and not _ran(result.errors):
            return _refused(ErrorCode.INVALID_PARAMETER_VALUE, _messages(result.errors)[0])
        return _answer(
            {"data": result.data, "errors": _messages(result.errors) if result.errors else None}
        )

    def _document(self, query: str) -> DocumentNode:
        """The parsed, capped and validated document; INVALID_PARAMETER_VALUE otherwise."""
        try:
            document = parse(
                query,
                no_location=False,
                max_lexical_tokens=self._caps.max_tokens,
                max_source_length=self._caps.max_query_chars,
                max_comments=self._caps.max_tokens,
            )
        except GraphQLError as exc:
            raise invalid(f"GraphQL query could not be parsed: {exc.message}") from exc
        limits.check(document, self._caps)
        errors = validate(self._schema, document)
        if errors:
            raise invalid(f"GraphQL query is not valid: {errors[0].message}")
        return document


def _json_params(body: bytes) -> dict[str, Any]:
    params = _json(body)
    if isinstance(params, list):
        raise invalid("Batched GraphQL requests are not accepted; send one query per request.")
    if not isinstance(params, dict):
        raise invalid("The GraphQL request must be a JSON object.")
    return params


def _json(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise invalid(f"Malformed JSON in the GraphQL request: {exc}") from exc


def _checked_params(params: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None, str | None]:
    query = params.get("query")
    if not isinstance(query, str) or not query.strip():
        raise invalid("The GraphQL request needs a 'query' string.")
    variables = params.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise invalid("GraphQL 'variables' must be a JSON object.")
    operation_name = params.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise invalid("GraphQL 'operationName' must be a string.")
    return query, variables, operation_name


def _ran(errors: Sequence[GraphQLError]) -> bool:
    """Whether the document ran (errors came from fields) rather than being refused before
    running (unknown operation, bad variables: errors with no path)."""
    return any(error.path is not None for error in errors)


def _messages(errors: Sequence[GraphQLError]) -> list[str]:
    """Each error as MLflow renders it: its message. A rpc's error says what the slice said;
    an unexpected failure is logged and reported without its detail."""
    messages = []
    for error in errors:
        cause = error.original_error
        if isinstance(cause, BerthError):
            messages.append(cause.message)
        elif cause is not None:
            log.error("unhandled error resolving %s", error.path, exc_info=cause)
            messages.append(INTERNAL)
        else:
            messages.append(error.message)
    return messages


def _refused(code: ErrorCode, message: str) -> Response:
    body = {"error_code": code.name, "message": message, "data": None, "errors": [message]}
    return _answer(body, code.http_status)


def _answer(body: dict[str, Any], status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")
