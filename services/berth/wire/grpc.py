"""The gRPC edge: a service's handler table as ``grpc.aio`` method handlers.

Each rpc is served by the handler that serves it over REST (``rpc.bind``); nothing here knows a
service. Failures become the gRPC status of ``errors.py``'s table, with MLflow's error code in
the trailing metadata under :data:`ERROR_CODE_KEY`, beside the error's own metadata; an
unexpected exception is logged and answered INTERNAL, never with its traceback. Cancellation
(the client's, or its deadline passing) cancels the handler's task, so a handler sees
``CancelledError`` where it awaits.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, cast

import grpc
from google.protobuf.descriptor import ServiceDescriptor
from google.protobuf.message import Message

from berth.errors import BerthError, ErrorCode
from berth.wire.dual import as_message
from berth.wire.rpc import Rpc

log = logging.getLogger(__name__)

ERROR_CODE_KEY = "mlflow-error-code"
"""Trailing metadata key carrying the MLflow error code (``RESOURCE_DOES_NOT_EXIST`` ...)."""

INTERNAL_MESSAGE = "Internal server error; see the log."


def generic_handler(service: ServiceDescriptor, rpcs: Sequence[Rpc]) -> grpc.GenericRpcHandler:
    """The handlers of ``service``'s rpcs, for ``grpc.aio.Server.add_generic_rpc_handlers``."""
    handlers = {rpc.name: _method_handler(rpc) for rpc in rpcs}
    return grpc.method_handlers_generic_handler(service.full_name, handlers)


async def abort(
    context: grpc.aio.ServicerContext[Any, Any],
    code: ErrorCode,
    message: str,
    metadata: Mapping[str, str] | None = None,
) -> None:
    """End the call with ``code``'s gRPC status, ``message``, the MLflow code and ``metadata``
    in the trailing metadata (raises)."""
    trailers = ((ERROR_CODE_KEY, code.name), *(metadata or {}).items())
    await context.abort(code.grpc_status, message, trailing_metadata=trailers)


@asynccontextmanager
async def _errors(context: grpc.aio.ServicerContext[Any, Any], name: str) -> AsyncIterator[None]:
    try:
        yield
    except BerthError as exc:
        await abort(context, exc.code, exc.message, exc.metadata)
    except grpc.aio.AbortError:
        raise
    except Exception:
        log.exception("unhandled error serving gRPC %s", name)
        await abort(context, ErrorCode.INTERNAL_ERROR, INTERNAL_MESSAGE)


def _method_handler(rpc: Rpc) -> grpc.RpcMethodHandler[Any, Any]:
    codec: dict[str, Any] = {
        "request_deserializer": rpc.request_type.FromString,
        "response_serializer": rpc.response_type.SerializeToString,
    }
    if rpc.server_streaming:
        stream = cast(Callable[[Any], AsyncIterator[Message]], rpc.handler)

        async def streamed(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            async with _errors(context, rpc.name):
                async for response in stream(request):
                    yield response

        if rpc.client_streaming:
            return grpc.stream_stream_rpc_method_handler(streamed, **codec)
        return grpc.unary_stream_rpc_method_handler(streamed, **codec)

    async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Message:
        async with _errors(context, rpc.name):
            return as_message(await rpc.handler(request))
        raise AssertionError("unreachable: _errors aborts the call")  # pragma: no cover

    if rpc.client_streaming:
        return grpc.stream_unary_rpc_method_handler(unary, **codec)
    return grpc.unary_unary_rpc_method_handler(unary, **codec)
