"""Composition root: builds the engine, stores and services, and mounts their routes."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import text

import berth
from berth import heap
from berth.artifacts import routes as artifact_routes
from berth.artifacts.backends import backend_for
from berth.artifacts.backends.base import ArtifactBackend
from berth.artifacts.handlers import ArtifactHandlers
from berth.artifacts.run_artifacts import RunArtifacts
from berth.artifacts.service import ArtifactService
from berth.config import Settings
from berth.db.engine import create_engine
from berth.db.schema_check import SchemaState, check_schema
from berth.db.transaction import Database
from berth.errors import ErrorCode
from berth.proto import artifacts_pb2, registry_pb2, tracking_pb2
from berth.registry import routes as registry_routes
from berth.registry.handlers import RegistryHandlers
from berth.registry.service import RegistryService
from berth.registry.sources import SourcePolicy
from berth.registry.sql_store import SqlRegistryStore
from berth.tracking.handlers import TrackingHandlers
from berth.tracking.lineage import TrackingLineage
from berth.tracking.locations import ArtifactLister
from berth.tracking.service import TrackingService
from berth.tracking.sql_store import SqlTrackingStore
from berth.ui import graphql
from berth.ui import routes as ui_routes
from berth.ui import static as ui_static
from berth.wire import grpc_server, rest
from berth.wire.hosts import HostGuard
from berth.wire.metrics import mount_metrics
from berth.wire.rpc import Rpc, bind

log = logging.getLogger(__name__)

TRACKING = tracking_pb2.DESCRIPTOR.services_by_name["TrackingService"]
REGISTRY = registry_pb2.DESCRIPTOR.services_by_name["RegistryService"]
ARTIFACTS = artifacts_pb2.DESCRIPTOR.services_by_name["ArtifactService"]
ARTIFACTS_ONLY_MESSAGE = (
    "This server is artifacts-only (--artifacts-only): tracking and registry "
    "endpoints are not served here; use the tracking server's URL."
)
REGISTRY_ONLY_MESSAGE = (
    "This server runs the model registry only (berth registry): tracking and artifact "
    "endpoints are not served here; use the tracking server's URL."
)

# How long /ready trusts its last look at the artifact store: probes from every pod every few
# seconds need not each reach S3.
STORE_CHECK_TTL_SECONDS = 10.0


def create_app(settings: Settings) -> FastAPI:
    artifact_store = backend_for(settings.artifact_store, settings.store_options)
    if settings.artifacts_only:
        return _artifacts_only_app(settings, artifact_store)
    db = Database(create_engine(settings.backend_store_uri))
    tracking_store = SqlTrackingStore(settings.artifact_root)
    registry = _registry_service(settings, db, artifact_store, tracking_store)
    if settings.registry_only:
        return _registry_only_app(settings, db, registry, artifact_store)
    tracking = TrackingService(db, tracking_store, ArtifactLister(artifact_store))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await artifact_store.check()
        await tracking.bootstrap()
        yield
        await db.dispose()
        await artifact_store.close()

    app = _bare_app(settings, lifespan)
    tracking_rpcs = bind(TRACKING, TrackingHandlers(tracking))
    rest.mount(app, tracking_rpcs, settings.max_request_bytes)
    registry_rpcs = _mount_registry(app, settings, registry)
    graphql.mount(app, [*tracking_rpcs, *registry_rpcs])
    artifacts = _artifact_service(settings, artifact_store)
    if settings.serve_artifacts:
        artifact_routes.mount(app, artifacts)
    # The UI's run artifact download, in every mode that tracks runs: the server reads the
    # artifacts that live in its own store (as it lists them), whoever wrote them there.
    artifact_routes.mount_run_artifacts(app, RunArtifacts(tracking, artifacts))
    ui_routes.mount(app, settings.max_request_bytes)
    services = ["tracking", "registry", *(["artifacts"] if settings.serve_artifacts else [])]
    ready = _readiness(settings, db, artifact_store)
    _attach_grpc(
        app,
        settings,
        [
            grpc_server.GrpcService(TRACKING, tracking_rpcs),
            grpc_server.GrpcService(REGISTRY, registry_rpcs),
            *([_artifacts_grpc(artifacts)] if settings.serve_artifacts else []),
        ],
        ready,
    )
    _mount_meta(
        app,
        ready,
        {
            "services": services,
            "backend": db.dialect,
            "default_artifact_root": settings.artifact_root,
            **_artifacts_info(settings),
        },
    )
    # Last, so that no API route is shadowed by the UI's paths.
    ui_static.mount(app, settings)
    return app


def _registry_service(
    settings: Settings,
    db: Database,
    artifact_store: ArtifactBackend,
    tracking_store: SqlTrackingStore,
) -> RegistryService:
    """The registry, reaching runs and logged models through the tracking store (its
    lineage port), in its own transactions."""
    sources = SourcePolicy(artifact_store.root, proxied=settings.serve_artifacts)
    lineage = TrackingLineage(tracking_store)
    return RegistryService(db, SqlRegistryStore(), sources, artifact_store, lineage)


def _mount_registry(app: FastAPI, settings: Settings, registry: RegistryService) -> list[Rpc]:
    rpcs = bind(REGISTRY, RegistryHandlers(registry))
    rest.mount(app, rpcs, settings.max_request_bytes)
    registry_routes.mount(app, registry)
    return rpcs


def _registry_only_app(
    settings: Settings, db: Database, registry: RegistryService, artifact_store: ArtifactBackend
) -> FastAPI:
    """The registry alone (``berth registry``), beside tracking and artifact services that
    share its database and store: every other MLflow path answers that it is not here."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await artifact_store.check()
        yield
        await db.dispose()
        await artifact_store.close()

    app = _bare_app(settings, lifespan)
    registry_rpcs = _mount_registry(app, settings, registry)
    _mount_not_served(app, REGISTRY_ONLY_MESSAGE)
    ready = _readiness(settings, db, artifact_store)
    _attach_grpc(app, settings, [grpc_server.GrpcService(REGISTRY, registry_rpcs)], ready)
    _mount_meta(
        app,
        ready,
        {
            "services": ["registry"],
            "backend": db.dialect,
            "default_artifact_root": settings.artifact_root,
            **_artifacts_info(settings),
        },
    )
    return app


def _readiness(
    settings: Settings, db: Database, artifact_store: ArtifactBackend
) -> Callable[[], Awaitable[str | None]]:
    """Ready: the database answers, its schema is current, and the artifact store is usable."""
    store_problem = CachedCheck(_store_check(artifact_store), STORE_CHECK_TTL_SECONDS)

    async def ready() -> str | None:
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            schema = await check_schema(settings.backend_store_uri)
        except Exception:  # readiness reports any failure instead of raising it
            log.exception("readiness check failed")
            return "database unreachable"
        if schema is not SchemaState.CURRENT:
            return f"schema is {schema.name.lower()}"
        return await store_problem()

    return ready


def _not_served(message: str) -> Callable[[Request], Awaitable[JSONResponse]]:
    """An endpoint answering ENDPOINT_NOT_FOUND (404) with ``message``."""

    async def not_served(_request: Request) -> JSONResponse:
        return rest.error_response(ErrorCode.ENDPOINT_NOT_FOUND, message)

    return not_served


def _mount_not_served(app: FastAPI, message: str, *extra_get_paths: str) -> None:
    """Every MLflow REST path not mounted before this, and ``extra_get_paths``, answer 404
    with ``message``."""
    not_served = _not_served(message)
    for prefix in ("/api", "/ajax-api"):
        app.add_api_route(
            f"{prefix}/{{version}}/mlflow/{{rest:path}}",
            not_served,
            methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
        )
    for path in extra_get_paths:
        app.add_api_route(path, not_served, methods=["GET"])


def create_app_from_environment() -> FastAPI:
    """The factory uvicorn workers call: settings come from ``BERTH_*`` set by the CLI. Each
    worker hands back the memory its start-up freed before it idles."""
    app = create_app(Settings())
    heap.release_after_startup(app)
    return app


def _artifacts_only_app(settings: Settings, artifact_store: ArtifactBackend) -> FastAPI:
    """The artifact service alone, for another team's tracking server: no database at all."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await artifact_store.check()
        yield
        await artifact_store.close()

    app = _bare_app(settings, lifespan)
    artifacts = _artifact_service(settings, artifact_store)
    artifact_routes.mount(app, artifacts)
    _mount_not_served(app, ARTIFACTS_ONLY_MESSAGE, registry_routes.GET_ARTIFACT)

    ready = CachedCheck(_store_check(artifact_store), STORE_CHECK_TTL_SECONDS)
    _attach_grpc(app, settings, [_artifacts_grpc(artifacts)], ready)
    _mount_meta(app, ready, {"services": ["artifacts"], **_artifacts_info(settings)})
    return app


class CachedCheck:
    """A readiness check whose answer (None when fine, else the problem) is reused for
    ``ttl`` seconds."""

    def __init__(self, check: Callable[[], Awaitable[str | None]], ttl: float) -> None:
        self._check = check
        self._ttl = ttl
        self._answer: str | None = None
        self._checked_at: float | None = None

    async def __call__(self) -> str | None:
        now = time.monotonic()
        if self._checked_at is None or now - self._checked_at >= self._ttl:
            self._answer = await self._check()
            self._checked_at = time.monotonic()
        return self._answer


def _store_check(store: ArtifactBackend) -> Callable[[], Awaitable[str | None]]:
    async def check() -> str | None:
        try:
            await store.check()
        except Exception:  # readiness reports any failure instead of raising it
            log.exception("artifact store check failed")
            return "artifact store unreachable"
        return None

    return check


def _artifact_service(settings: Settings, store: ArtifactBackend) -> ArtifactService:
    return ArtifactService(store, delegation=settings.artifacts_delegation == "presigned")


def _artifacts_info(settings: Settings) -> dict[str, Any]:
    """The artifact mode as operators configured it (never credentials: no login guards it)."""
    info: dict[str, Any] = {"artifacts_mode": settings.artifacts_mode}
    if settings.serves_artifacts:
        info["artifacts_delegation"] = settings.artifacts_delegation
    return info


def _bare_app(
    settings: Settings, lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]]
) -> FastAPI:
    app = FastAPI(
        title="Berth",
        version=berth.__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.add_middleware(HostGuard, allowlist=settings.host_allowlist)
    mount_metrics(app)
    rest.install_error_handlers(app)
    return app


def _mount_meta(
    app: FastAPI, ready_problem: Callable[[], Awaitable[str | None]], info: dict[str, Any]
) -> None:
    @app.get("/health", include_in_schema=False)
    async def health() -> PlainTextResponse:
        return PlainTextResponse("OK")

    @app.get("/version", include_in_schema=False)
    async def version() -> PlainTextResponse:
        return PlainTextResponse(berth.__version__)

    @app.get("/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        problem = await ready_problem()
        if problem is not None:
            return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get("/api/2.0/berth/server-info")
    async def server_info() -> JSONResponse:
        return JSONResponse({"version": berth.__version__, **info})


# --- gRPC: the same handler tables, served by grpc.aio inside the app's lifespan -------------


def _attach_grpc(
    app: FastAPI,
    settings: Settings,
    services: list[grpc_server.GrpcService],
    ready: Callable[[], Awaitable[str | None]],
) -> None:
    """Serve ``services`` over gRPC on ``--grpc-port`` (0: not at all) while the app runs."""
    if settings.grpc_port:
        address = grpc_server.grpc_address(settings.host, settings.grpc_port)
        grpc_server.attach(app, address, services, ready, reuse_port=settings.workers > 1)


def _artifacts_grpc(artifacts: ArtifactService) -> grpc_server.GrpcService:
    return grpc_server.GrpcService(ARTIFACTS, bind(ARTIFACTS, ArtifactHandlers(artifacts)))
