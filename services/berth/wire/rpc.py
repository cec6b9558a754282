"""The handler table: each rpc of a service, bound to the async function that serves it.

A slice declares its handlers as an object with one ``async`` method per rpc, named in
snake_case after it (``CreateExperiment`` -> ``create_experiment``); each takes the request
message and returns the response message. The REST edge (``rest.py``) mounts every rpc at the
paths its ``(berth.v1.rpc)`` option declares; the gRPC edge (``grpc.py``) registers the same
table as the service's method handlers, so a handler is written once for both transports.

A streaming rpc is gRPC-only (it declares no REST endpoint): its handler takes an async
iterator of request messages (client streaming) and/or is an async generator of responses
(server streaming).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass

from berth.proto import http_pb2
from berth.wire.dual import Response

Handler = Callable[[Any], Awaitable[Response]]
"""A unary handler; streaming ones take or yield async iterators (see the module's doc)."""


@dataclass(frozen=True)
class Endpoint:
    """One REST binding: HTTP method and the full path, ``{field}`` marking path parameters."""

    method: str
    path: str

    @property
    def path_fields(self) -> list[str]:
        return re.findall(r"{([^}]+)}", self.path)


@dataclass(frozen=True)
class Rpc:
    method: MethodDescriptor
    handler: Handler
    request_type: type[Message]
    response_type: type[Message]
    options: http_pb2.RpcOptions

    @property
    def name(self) -> str:
        return self.method.name

    @property
    def client_streaming(self) -> bool:
        return bool(self.method.client_streaming)

    @property
    def server_streaming(self) -> bool:
        return bool(self.method.server_streaming)

    def endpoints(self) -> list[Endpoint]:
        """Each declared path under both the API prefix and the UI's ``ajax-api`` prefix."""
        return [
            Endpoint(e.method, f"/{prefix}/{e.version or '2.0'}{e.path}")
            for e in self.options.endpoints
            for prefix in ("api", "ajax-api")
        ]


def handler_name(rpc_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", rpc_name).lower()


def rpc_options(method: MethodDescriptor) -> http_pb2.RpcOptions:
    options: Any = method.GetOptions()
    rpc: http_pb2.RpcOptions = options.Extensions[http_pb2.rpc]
    return rpc


def bind(service: ServiceDescriptor, handlers: object) -> list[Rpc]:
    """The table for ``service``: fails at start-up if any rpc lacks its handler."""
    return list(_bind(service, handlers))


def _bind(service: ServiceDescriptor, handlers: object) -> Iterator[Rpc]:
    for method in service.methods:
        handler = getattr(handlers, handler_name(method.name), None)
        if handler is None:
            raise TypeError(f"{type(handlers).__name__} has no handler for rpc {method.name}")
        rpc = Rpc(
            method=method,
            handler=handler,
            request_type=GetMessageClass(method.input_type),
            response_type=GetMessageClass(method.output_type),
            options=rpc_options(method),
        )
        if rpc.options.endpoints and (rpc.client_streaming or rpc.server_streaming):
            raise TypeError(f"rpc {method.name} streams, so it cannot declare REST endpoints")
        yield rpc
