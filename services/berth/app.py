"""Composition root: builds the engine, stores and services, and mounts their routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import text

import berth
from berth.artifacts import routes as artifact_routes
from berth.artifacts.backends import backend_for
from berth.artifacts.service import ArtifactService
from berth.config import Settings
from berth.db.engine import create_engine
from berth.db.schema_check import SchemaState, check_schema
from berth.db.transaction import Database
from berth.proto import tracking_pb2
from berth.tracking.handlers import TrackingHandlers
from berth.tracking.locations import ArtifactLister
from berth.tracking.service import TrackingService
from berth.tracking.sql_store import SqlTrackingStore
from berth.wire import rest
from berth.wire.hosts import HostGuard
from berth.wire.rpc import bind

log = logging.getLogger(__name__)

TRACKING = tracking_pb2.DESCRIPTOR.services_by_name["TrackingService"]


def create_app(settings: Settings) -> FastAPI:
    db = Database(create_engine(settings.backend_store_uri))
    artifact_store = backend_for(settings.artifact_store)
    tracking = TrackingService(
        db, SqlTrackingStore(settings.artifact_root), ArtifactLister(artifact_store)
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await artifact_store.check()
        await tracking.bootstrap()
        yield
        await db.dispose()

    app = FastAPI(
        title="Berth",
        version=berth.__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.add_middleware(HostGuard, allowlist=settings.host_allowlist)
    rest.install_error_handlers(app)
    rest.mount(app, bind(TRACKING, TrackingHandlers(tracking)), settings.max_request_bytes)
    if settings.serve_artifacts:
        artifact_routes.mount(app, ArtifactService(artifact_store))
    _mount_meta(app, db, settings)
    return app


def create_app_from_environment() -> FastAPI:
    """The factory uvicorn workers call: settings come from ``BERTH_*`` set by the CLI."""
    return create_app(Settings())


def _mount_meta(app: FastAPI, db: Database, settings: Settings) -> None:
    @app.get("/health", include_in_schema=False)
    async def health() -> PlainTextResponse:
        return PlainTextResponse("OK")

    @app.get("/version", include_in_schema=False)
    async def version() -> PlainTextResponse:
        return PlainTextResponse(berth.__version__)

    @app.get("/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            schema = await check_schema(settings.backend_store_uri)
        except Exception:  # readiness reports any failure instead of raising it
            log.exception("readiness check failed")
            return JSONResponse(
                {"status": "unavailable", "reason": "database unreachable"}, status_code=503
            )
        if schema is not SchemaState.CURRENT:
            return JSONResponse(
                {"status": "unavailable", "reason": f"schema is {schema.name.lower()}"},
                status_code=503,
            )
        return JSONResponse({"status": "ready"})

    @app.get("/api/2.0/berth/server-info")
    async def server_info() -> JSONResponse:
        return JSONResponse(
            {
                "version": berth.__version__,
                "services": ["tracking", "artifacts"] if settings.serve_artifacts else ["tracking"],
                "backend": db.dialect,
                "default_artifact_root": settings.artifact_root,
                "artifacts_mode": "proxied" if settings.serve_artifacts else "direct",
            }
        )
