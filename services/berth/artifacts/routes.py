"""The ``mlflow-artifacts`` REST API: byte streams in and out, MLflow's JSON around them."""

from __future__ import annotations

import mimetypes
import posixpath
import re
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from berth.artifacts.service import ArtifactService, RangeNotSatisfiable
from berth.errors import BerthError
from berth.wire.rest import error_response

PREFIXES = ("/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts")
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")

Endpoint = Callable[..., Awaitable[Response]]


def mount(app: FastAPI, service: ArtifactService) -> None:
    for prefix in PREFIXES:
        app.add_api_route(f"{prefix}/artifacts", _guarded(_list(service)), methods=["GET"])
        path = f"{prefix}/artifacts/{{artifact_path:path}}"
        app.add_api_route(path, _guarded(_download(service)), methods=["GET"])
        app.add_api_route(path, _guarded(_upload(service)), methods=["PUT"])
        app.add_api_route(path, _guarded(_delete(service)), methods=["DELETE"])
    app.add_api_route("/api/3.0/mlflow/server-info", _server_info, methods=["GET"])
    app.add_api_route("/ajax-api/3.0/mlflow/server-info", _server_info, methods=["GET"])


def _guarded(endpoint: Endpoint) -> Endpoint:
    """Domain errors in MLflow's body; an unsatisfiable range as HTTP 416."""

    async def serve(request: Request) -> Response:
        try:
            return await endpoint(request)
        except BerthError as exc:
            return error_response(exc.code, exc.message)
        except RangeNotSatisfiable as exc:
            return Response(status_code=416, headers={"Content-Range": f"bytes */{exc.size}"})

    return serve


def _list(service: ArtifactService) -> Endpoint:
    async def list_artifacts(request: Request) -> Response:
        entries = await service.list(request.query_params.get("path"))
        files = [
            {
                "path": e.path,
                "is_dir": e.is_dir,
                **({} if e.size is None else {"file_size": e.size}),
            }
            for e in entries
        ]
        return JSONResponse({"files": files} if files else {})

    return list_artifacts


def _download(service: ArtifactService) -> Endpoint:
    async def download_artifact(request: Request) -> Response:
        byte_range = _byte_range(request.headers.get("range"))
        download = await service.download(request.path_params["artifact_path"], byte_range)
        name = posixpath.basename(download.path)
        headers = {
            "Content-Length": str(download.end - download.start),
            "Accept-Ranges": "bytes",
            "Content-Disposition": _attachment(name),
            "X-Content-Type-Options": "nosniff",
        }
        status = 200
        if byte_range is not None:
            status = 206
            headers["Content-Range"] = f"bytes {download.start}-{download.end - 1}/{download.size}"
        return StreamingResponse(
            download.chunks,
            status_code=status,
            media_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            headers=headers,
        )

    return download_artifact


def _upload(service: ArtifactService) -> Endpoint:
    async def upload_artifact(request: Request) -> Response:
        await service.upload(request.path_params["artifact_path"], request.stream())
        return JSONResponse({})

    return upload_artifact


def _delete(service: ArtifactService) -> Endpoint:
    async def delete_artifact(request: Request) -> Response:
        await service.delete(request.path_params["artifact_path"])
        return JSONResponse({})

    return delete_artifact


async def _server_info(_request: Request) -> Response:
    """What the 3.x client reads to decide how to move bytes: through this proxy, unsplit."""
    return JSONResponse(
        {
            "store_type": "SqlStore",
            "workspaces_enabled": False,
            "trace_archival_enabled": False,
            "multipart_uploads_enabled": False,
            "multipart_downloads_enabled": False,
            "presigned_upload_run_id_supported": False,
            "presigned_upload_model_id_supported": False,
            "features_enabled": {"gateway": False},
        }
    )


def _byte_range(header: str | None) -> tuple[int | None, int | None] | None:
    """A single ``bytes=first-last`` range; anything else is served whole (RFC 9110 allows)."""
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    return (int(first) if first else None, int(last) if last else None)


def _attachment(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
