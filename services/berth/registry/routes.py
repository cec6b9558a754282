"""The registry's one byte-stream route: ``GET /model-versions/get-artifact`` (the UI's
download of a version's file), served from the server's own artifact store."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response

from berth.artifacts.routes import download_response, guarded
from berth.registry.service import RegistryService
from berth.wire.fields import missing

GET_ARTIFACT = "/model-versions/get-artifact"


def mount(app: FastAPI, service: RegistryService) -> None:
    async def get_model_version_artifact(request: Request) -> Response:
        query = request.query_params
        for name in ("name", "version", "path"):
            if not query.get(name):
                raise missing(name)
        download = await service.download_artifact(query["name"], query["version"], query["path"])
        return download_response(download)

    app.add_api_route(GET_ARTIFACT, guarded(get_model_version_artifact), methods=["GET"])
