"""One app, two transports: the composed app run in process with its gRPC server on a free
port, and a :class:`Transport` per wire (REST through httpx, gRPC through ``berth.client``)
offering the same calls, so that a behaviour is written once and checked on both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import httpx
from fastapi import FastAPI
from google.protobuf import json_format
from google.protobuf.message import Message

from berth.app import ARTIFACTS, REGISTRY, TRACKING
from berth.client import AsyncBerthClient, BerthClientError
from berth.client.calls import AsyncService
from berth.config import Settings
from berth.db.migrate import upgrade
from berth.wire.rpc import handler_name, rpc_options
from tests.fixtures.apps import in_process
from tests.fixtures.services import free_port

M = TypeVar("M", bound=Message)
METHODS = {m.name: m for service in (TRACKING, REGISTRY, ARTIFACTS) for m in service.methods}
ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts"


class CallFailed(Exception):
    """A failed call on either transport: MLflow's error code, and the transport's status."""

    def __init__(self, error_code: str, status: object) -> None:
        super().__init__(f"{error_code} ({status})")
        self.error_code = error_code
        self.status = status


@dataclass(frozen=True)
class Entry:
    path: str
    is_dir: bool
    size: int | None


class Transport(Protocol):
    name: str

    async def call(self, rpc: str, request: M, response_type: type[Message]) -> Any: ...
    async def upload(self, path: str, data: bytes) -> None: ...
    async def download(self, path: str) -> bytes: ...
    async def list(self, path: str) -> list[Entry]: ...
    async def delete(self, path: str) -> None: ...


class Rest:
    name = "rest"

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def call(self, rpc: str, request: M, response_type: type[Message]) -> Any:
        """The rpc at its first declared REST path, its request as MLflow's JSON."""
        endpoint = rpc_options(METHODS[rpc]).endpoints[0]
        fields = json_format.MessageToDict(request, preserving_proto_field_name=True)
        path = endpoint.path
        for name in list(fields):
            if "{" + name + "}" in path:
                path = path.replace("{" + name + "}", quote(str(fields.pop(name)), safe=""))
        url = f"/api/{endpoint.version}{path}"
        if endpoint.method in ("GET", "DELETE"):
            response = await self.client.request(endpoint.method, url, params=fields)
        else:
            response = await self.client.request(endpoint.method, url, json=fields)
        self._check(response)
        return json_format.Parse(response.text, response_type(), ignore_unknown_fields=True)

    async def upload(self, path: str, data: bytes) -> None:
        self._check(await self.client.put(f"{ARTIFACTS_API}/{path}", content=data))

    async def download(self, path: str) -> bytes:
        response = await self.client.get(f"{ARTIFACTS_API}/{path}")
        self._check(response)
        return response.content

    async def list(self, path: str) -> list[Entry]:
        response = await self.client.get(ARTIFACTS_API, params={"path": path})
        self._check(response)
        files = response.json().get("files", [])
        return [Entry(f["path"], f["is_dir"], f.get("file_size")) for f in files]

    async def delete(self, path: str) -> None:
        self._check(await self.client.delete(f"{ARTIFACTS_API}/{path}"))

    @staticmethod
    def _check(response: httpx.Response) -> None:
        if response.status_code >= 400:
            raise CallFailed(response.json()["error_code"], response.status_code)


class Grpc:
    name = "grpc"

    def __init__(self, client: AsyncBerthClient) -> None:
        self.client = client

    async def call(self, rpc: str, request: M, response_type: type[Message]) -> Any:
        method = METHODS[rpc]
        service: AsyncService = {
            TRACKING: self.client.tracking,
            REGISTRY: self.client.registry,
            ARTIFACTS: self.client.artifacts,
        }[method.containing_service]
        try:
            return await getattr(service, handler_name(rpc))(request)
        except BerthClientError as exc:
            raise CallFailed(exc.error_code, exc.status) from exc

    async def upload(self, path: str, data: bytes) -> None:
        try:
            await self.client.artifacts.upload_artifact(path, data)
        except BerthClientError as exc:
            raise CallFailed(exc.error_code, exc.status) from exc

    async def download(self, path: str) -> bytes:
        try:
            return b"".join([c async for c in self.client.artifacts.download_artifact(path)])
        except BerthClientError as exc:
            raise CallFailed(exc.error_code, exc.status) from exc

    async def list(self, path: str) -> list[Entry]:
        try:
            response = await self.client.artifacts.list_artifacts(path=path)
        except BerthClientError as exc:
            raise CallFailed(exc.error_code, exc.status) from exc
        return [
            Entry(f.path, f.is_dir, f.file_size if f.HasField("file_size") else None)
            for f in response.files
        ]

    async def delete(self, path: str) -> None:
        try:
            await self.client.artifacts.delete_artifact(path=path)
        except BerthClientError as exc:
            raise CallFailed(exc.error_code, exc.status) from exc


@dataclass(frozen=True)
class Running:
    settings: Settings
    asgi: FastAPI
    rest: Rest
    grpc: Grpc
    target: str

    def transport(self, name: str) -> Transport:
        return self.rest if name == "rest" else self.grpc


@asynccontextmanager
async def running(settings: Settings, migrate: bool = True) -> AsyncIterator[Running]:
    """``create_app(settings)`` with its lifespan run (gRPC included) and a client per wire."""
    if migrate and not settings.artifacts_only:
        await upgrade(settings.backend_store_uri)
    target = f"127.0.0.1:{settings.grpc_port}"
    async with in_process(settings) as (app, http), AsyncBerthClient(target) as client:
        yield Running(settings, app, Rest(http), Grpc(client), target)


def settings(**fields: Any) -> Settings:
    """Settings with gRPC on a free port of the loopback interface."""
    return Settings(**{"grpc_port": free_port(), **fields})
