"""The ``grpc.aio`` server that runs beside uvicorn in the same process and event loop.

It is started and stopped by the app's lifespan (:func:`attach`), so REST and gRPC share the
services, the database engine and the artifact store of one process. Besides the services it
answers the standard ``grpc.health.v1.Health`` service, reporting what ``/ready`` reports
(database reachable, schema current, artifact store usable: refreshed on every ``Check`` and
every :data:`HEALTH_REFRESH_SECONDS` for ``Watch``), and server reflection.

Several uvicorn workers (``--workers N``) each run a server on the same port, bound with
``SO_REUSEPORT`` so that the kernel spreads connections over them. With one worker the port is
bound exclusively, so that a second server on the same port fails to start instead of silently
sharing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import grpc
from fastapi import FastAPI
from google.protobuf.descriptor import ServiceDescriptor
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from berth.wire import lifespan
from berth.wire.grpc import generic_handler
from berth.wire.rpc import Rpc

log = logging.getLogger(__name__)

HEALTH_REFRESH_SECONDS = 5.0
SHUTDOWN_GRACE_SECONDS = 5.0
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING

Readiness = Callable[[], Awaitable[str | None]]
"""None when the server can do its work, else what stops it (as ``/ready`` reports)."""


@dataclass(frozen=True)
class GrpcService:
    descriptor: ServiceDescriptor
    rpcs: Sequence[Rpc]


class ReadinessHealth(health.aio.HealthServicer):
    """``grpc.health.v1.Health`` over a readiness check: the server ("") and each service are
    SERVING exactly when the check finds nothing wrong."""

    def __init__(self, ready: Readiness, services: Sequence[str]) -> None:
        super().__init__()
        self._ready = ready
        self._names = ["", *services]
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        async with self._lock:
            problem = await self._ready()
            if problem is not None:
                log.warning("gRPC health: NOT_SERVING (%s)", problem)
            for name in self._names:
                await self.set(name, SERVING if problem is None else NOT_SERVING)

    async def Check(
        self, request: health_pb2.HealthCheckRequest, context: Any
    ) -> health_pb2.HealthCheckResponse:
        await self.refresh()
        response: health_pb2.HealthCheckResponse = await super().Check(request, context)
        return response

    async def refresh_forever(self) -> None:
        while True:
            await self.refresh()
            await asyncio.sleep(HEALTH_REFRESH_SECONDS)


def build_server(
    services: Sequence[GrpcService], ready: Readiness, reuse_port: bool
) -> tuple[grpc.aio.Server, ReadinessHealth]:
    server = grpc.aio.server(options=[("grpc.so_reuseport", int(reuse_port))])
    names = [service.descriptor.full_name for service in services]
    for service in services:
        server.add_generic_rpc_handlers((generic_handler(service.descriptor, service.rpcs),))
    health_servicer = ReadinessHealth(ready, names)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    return server, health_servicer


@asynccontextmanager
async def serving(
    address: str, services: Sequence[GrpcService], ready: Readiness, reuse_port: bool
) -> AsyncIterator[grpc.aio.Server]:
    """The gRPC server listening on ``address`` while the context is open."""
    server, health_servicer = build_server(services, ready, reuse_port)
    try:
        server.add_insecure_port(address)
    except RuntimeError as exc:
        raise RuntimeError(f"gRPC cannot listen on {address}: {exc}") from exc
    await server.start()
    log.info("gRPC on %s: %s", address, ", ".join(s.descriptor.full_name for s in services))
    refresher = asyncio.create_task(health_servicer.refresh_forever())
    try:
        yield server
    finally:
        refresher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await refresher
        await health_servicer.enter_graceful_shutdown()
        await server.stop(SHUTDOWN_GRACE_SECONDS)


def attach(
    app: FastAPI,
    address: str,
    services: Sequence[GrpcService],
    ready: Readiness,
    reuse_port: bool,
) -> None:
    """Run the gRPC server inside ``app``'s lifespan: it starts after the app's own start-up
    (schema, store checks) and stops before the app releases the engine and the store."""
    lifespan.run_after_startup(app, lambda: serving(address, services, ready, reuse_port))


def grpc_address(host: str, port: int) -> str:
    """``host:port`` as gRPC takes it (IPv6 addresses bracketed)."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"
