"""How the client calls an rpc: one typed descriptor per rpc, bound to a sync or async channel.

A service client declares ``create_experiment = Unary(pb.CreateExperiment,
pb.CreateExperiment.Response)``; on a :class:`SyncService` that attribute is a function
returning the response, on an :class:`AsyncService` a coroutine function. Either takes the
request message or its fields as keywords, and an optional ``timeout`` (the call's deadline,
in seconds). gRPC failures are raised as :class:`BerthClientError`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, Generic, NoReturn, TypeVar, overload

import grpc
from google.protobuf.message import Message

from berth.client.errors import BerthClientError

Req = TypeVar("Req", bound=Message)
Resp = TypeVar("Resp", bound=Message)


class SyncService:
    """A service's client over a blocking channel."""

    SERVICE = ""

    def __init__(self, channel: grpc.Channel) -> None:
        self._channel = channel

    def _path(self, rpc: str) -> str:
        return f"/{self.SERVICE}/{rpc}"

    def _call(self, method: Unary[Req, Resp], request: Req, timeout: float | None) -> Resp:
        call = self._channel.unary_unary(
            self._path(method.rpc),
            request_serializer=method.request_type.SerializeToString,
            response_deserializer=method.response_type.FromString,
        )
        try:
            response: Resp = call(request, timeout=timeout)
        except grpc.RpcError as exc:
            raise_client_error(exc)
        return response

    def _stream_in(
        self,
        rpc: str,
        response_type: type[Resp],
        requests: Iterator[Message],
        timeout: float | None,
    ) -> Resp:
        call = self._channel.stream_unary(
            self._path(rpc),
            request_serializer=_serialize,
            response_deserializer=response_type.FromString,
        )
        try:
            response: Resp = call(requests, timeout=timeout)
        except grpc.RpcError as exc:
            raise_client_error(exc)
        return response

    def _stream_out(
        self, rpc: str, response_type: type[Resp], request: Message, timeout: float | None
    ) -> Iterator[Resp]:
        call = self._channel.unary_stream(
            self._path(rpc),
            request_serializer=_serialize,
            response_deserializer=response_type.FromString,
        )
        responses = call(request, timeout=timeout)
        try:
            yield from responses
        except grpc.RpcError as exc:
            raise_client_error(exc)
        finally:
            responses.cancel()


class AsyncService:
    """A service's client over a ``grpc.aio`` channel."""

    SERVICE = ""

    def __init__(self, channel: grpc.aio.Channel) -> None:
        self._channel = channel

    def _path(self, rpc: str) -> str:
        return f"/{self.SERVICE}/{rpc}"

    async def _call(self, method: Unary[Req, Resp], request: Req, timeout: float | None) -> Resp:
        call = self._channel.unary_unary(
            self._path(method.rpc),
            request_serializer=method.request_type.SerializeToString,
            response_deserializer=method.response_type.FromString,
        )
        try:
            response: Resp = await call(request, timeout=timeout)
        except grpc.aio.AioRpcError as exc:
            raise_client_error(exc)
        return response

    async def _stream_in(
        self,
        rpc: str,
        response_type: type[Resp],
        requests: AsyncIterator[Message],
        timeout: float | None,
    ) -> Resp:
        call = self._channel.stream_unary(
            self._path(rpc),
            request_serializer=_serialize,
            response_deserializer=response_type.FromString,
        )
        try:
            response: Resp = await call(requests, timeout=timeout)
        except grpc.aio.AioRpcError as exc:
            raise_client_error(exc)
        return response

    async def _stream_out(
        self, rpc: str, response_type: type[Resp], request: Message, timeout: float | None
    ) -> AsyncIterator[Resp]:
        call = self._channel.unary_stream(
            self._path(rpc),
            request_serializer=_serialize,
            response_deserializer=response_type.FromString,
        )
        responses = call(request, timeout=timeout)
        try:
            async for response in responses:
                yield response
        except grpc.aio.AioRpcError as exc:
            raise_client_error(exc)
        finally:
            responses.cancel()


class Unary(Generic[Req, Resp]):
    """A unary rpc, named after the attribute it is assigned to (``get_run`` -> ``GetRun``)."""

    def __init__(self, request_type: type[Req], response_type: type[Resp]) -> None:
        self.request_type = request_type
        self.response_type = response_type
        self.rpc = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.rpc = re.sub(r"(?:^|_)([a-z])", lambda m: m.group(1).upper(), name)

    @overload
    def __get__(self, instance: None, owner: type) -> Unary[Req, Resp]: ...
    @overload
    def __get__(self, instance: SyncService, owner: type) -> SyncUnary[Req, Resp]: ...
    @overload
    def __get__(self, instance: AsyncService, owner: type) -> AsyncUnary[Req, Resp]: ...
    def __get__(
        self, instance: SyncService | AsyncService | None, owner: type
    ) -> Unary[Req, Resp] | SyncUnary[Req, Resp] | AsyncUnary[Req, Resp]:
        if instance is None:
            return self
        if isinstance(instance, SyncService):
            return SyncUnary(self, instance)
        return AsyncUnary(self, instance)

    def request(self, request: Req | None, fields: dict[str, Any]) -> Req:
        if request is not None and fields:
            raise TypeError("pass the request message or its fields, not both")
        return request if request is not None else self.request_type(**fields)


class SyncUnary(Generic[Req, Resp]):
    def __init__(self, method: Unary[Req, Resp], service: SyncService) -> None:
        self._method = method
        self._service = service

    def __call__(
        self, request: Req | None = None, /, *, timeout: float | None = None, **fields: Any
    ) -> Resp:
        message = self._method.request(request, fields)
        return self._service._call(self._method, message, timeout)


class AsyncUnary(Generic[Req, Resp]):
    def __init__(self, method: Unary[Req, Resp], service: AsyncService) -> None:
        self._method = method
        self._service = service

    async def __call__(
        self, request: Req | None = None, /, *, timeout: float | None = None, **fields: Any
    ) -> Resp:
        message = self._method.request(request, fields)
        return await self._service._call(self._method, message, timeout)


def _serialize(message: Message) -> bytes:
    return message.SerializeToString()


def raise_client_error(exc: grpc.RpcError) -> NoReturn:
    """The server's failure as a :class:`BerthClientError` (MLflow's code from the trailers)."""
    raise BerthClientError.from_rpc_error(exc) from None
