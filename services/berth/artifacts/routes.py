"""The ``mlflow-artifacts`` REST API: byte streams in and out, MLflow's JSON around them.

Also the UI's own artifact routes (run artifact download and upload, logged model file
download), which stream through the same code as the ``mlflow-artifacts`` ones.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from berth.artifacts.backends.base import UploadedPart
from berth.artifacts.run_artifacts import RunArtifacts
from berth.artifacts.service import ArtifactService, Download, RangeNotSatisfiable
from berth.errors import BerthError, invalid
from berth.wire.rest import (
    declared_length,
    error_response,
    internal_error,
    read_body,
    refuse_control_characters,
)

PREFIXES = ("/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts")
GET_ARTIFACT_PATHS = ("/get-artifact", "/ajax-api/2.0/mlflow/get-artifact")
# MLflow serves these two under /ajax-api only.
UPLOAD_ARTIFACT_PATH = "/ajax-api/2.0/mlflow/upload-artifact"
LOGGED_MODEL_FILE_PATH = "/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_MAX_MULTIPART_BODY = 4 * 1024 * 1024  # a completion lists at most 10,000 parts
# MLflow's text extensions (mlflow.utils.mime_type_utils), served as text/plain as it does.
_TEXT_EXTENSIONS = frozenset(
    (
        *("txt", "log", "err", "cfg", "conf", "cnf", "cf", "ini", "properties", "prop"),
        *("hocon", "toml", "yaml", "yml", "xml", "json", "js", "py", "py3", "csv", "tsv"),
        *("md", "rst", "ipynb", "mlmodel", "mlproject"),
    )
)
# Media types a browser renders as an active document or runs as a script.
_ACTIVE_CONTENT = re.compile(r"html|xml|svg|xsl|script", re.IGNORECASE)

Endpoint = Callable[..., Awaitable[Response]]


def mount(app: FastAPI, service: ArtifactService) -> None:
    for prefix in PREFIXES:
        app.add_api_route(f"{prefix}/artifacts", guarded(_list(service)), methods=["GET"])
        path = f"{prefix}/artifacts/{{artifact_path:path}}"
        app.add_api_route(path, guarded(_download(service)), methods=["GET"])
        app.add_api_route(path, guarded(_upload(service)), methods=["PUT"])
        app.add_api_route(path, guarded(_delete(service)), methods=["DELETE"])
        presigned = f"{prefix}/presigned/{{artifact_path:path}}"
        app.add_api_route(presigned, guarded(_presigned(service)), methods=["GET"])
        for action, endpoint in (
            ("create", _create_multipart(service)),
            ("complete", _complete_multipart(service)),
            ("abort", _abort_multipart(service)),
        ):
            mpu = f"{prefix}/mpu/{action}/{{artifact_path:path}}"
            app.add_api_route(mpu, guarded(endpoint), methods=["POST"])
    server_info = _server_info(service)
    app.add_api_route("/api/3.0/mlflow/server-info", server_info, methods=["GET"])
    app.add_api_route("/ajax-api/3.0/mlflow/server-info", server_info, methods=["GET"])


def mount_run_artifacts(app: FastAPI, run_artifacts: RunArtifacts) -> None:
    """The UI's reads and writes of run and logged model artifacts, at MLflow's paths (only
    where the server also serves tracking: the owner is looked up to find its artifacts)."""
    endpoint = guarded(_get_artifact(run_artifacts))
    for path in GET_ARTIFACT_PATHS:
        app.add_api_route(path, endpoint, methods=["GET"])
    app.add_api_route(
        UPLOAD_ARTIFACT_PATH, guarded(_upload_run_artifact(run_artifacts)), methods=["POST"]
    )
    app.add_api_route(
        LOGGED_MODEL_FILE_PATH, guarded(_logged_model_file(run_artifacts)), methods=["GET"]
    )


def guarded(endpoint: Endpoint) -> Endpoint:
    """Query parameters with control characters refused; domain errors in MLflow's body; an
    unsatisfiable range as HTTP 416; anything unexpected as MLflow's INTERNAL_ERROR body."""

    async def serve(request: Request) -> Response:
        try:
            refuse_control_characters(request)
            return await endpoint(request)
        except BerthError as exc:
            return error_response(exc.code, exc.message)
        except RangeNotSatisfiable as exc:
            return Response(status_code=416, headers={"Content-Range": f"bytes */{exc.size}"})
        except Exception:
            return internal_error(request)

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
        return download_response(download, ranged=byte_range is not None)

    return download_artifact


def _get_artifact(run_artifacts: RunArtifacts) -> Endpoint:
    async def get_artifact(request: Request) -> Response:
        params = request.query_params
        byte_range = _byte_range(request.headers.get("range"))
        download = await run_artifacts.download(
            params.get("run_id") or params.get("run_uuid"), params.get("path"), byte_range
        )
        return download_response(download, ranged=byte_range is not None)

    return get_artifact


def _upload_run_artifact(run_artifacts: RunArtifacts) -> Endpoint:
    async def upload_run_artifact(request: Request) -> Response:
        params = request.query_params
        await run_artifacts.upload(
            params.get("run_uuid") or params.get("run_id"),
            params.get("path"),
            request.stream(),
            declared_length(request),
        )
        return Response(media_type="application/json")  # an empty body, as MLflow's

    return upload_run_artifact


def _logged_model_file(run_artifacts: RunArtifacts) -> Endpoint:
    async def logged_model_file(request: Request) -> Response:
        byte_range = _byte_range(request.headers.get("range"))
        download = await run_artifacts.download_model_file(
            request.path_params["model_id"],
            request.query_params.get("artifact_file_path"),
            byte_range,
        )
        return download_response(download, ranged=byte_range is not None)

    return logged_model_file


def download_response(download: Download, ranged: bool = False) -> StreamingResponse:
    """The bytes as an attachment, never rendered on this server's origin (see
    :func:`_media_type`); 206 with ``Content-Range`` when a range was asked for."""
    name = posixpath.basename(download.path)
    headers = {
        "Content-Length": str(download.end - download.start),
        "Accept-Ranges": "bytes",
        "Content-Disposition": _attachment(name),
        "X-Content-Type-Options": "nosniff",
    }
    status = 200
    if ranged:
        status = 206
        headers["Content-Range"] = f"bytes {download.start}-{download.end - 1}/{download.size}"
    return StreamingResponse(
        download.chunks, status_code=status, media_type=_media_type(name), headers=headers
    )


def _upload(service: ArtifactService) -> Endpoint:
    async def upload_artifact(request: Request) -> Response:
        path = request.path_params["artifact_path"]
        await service.upload(path, request.stream(), declared_length(request))
        return JSONResponse({})

    return upload_artifact


def _delete(service: ArtifactService) -> Endpoint:
    async def delete_artifact(request: Request) -> Response:
        await service.delete(request.path_params["artifact_path"])
        return JSONResponse({})

    return delete_artifact


class _MultipartRequest(BaseModel):
    """The JSON body of the ``mpu/*`` endpoints, as MLflow's client sends it."""

    model_config = ConfigDict(extra="ignore")

    path: StrictStr = Field(min_length=1)
    upload_id: StrictStr = ""


class _CreateMultipart(_MultipartRequest):
    num_parts: StrictInt = 1


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore")

    part_number: StrictInt = Field(ge=1)
    etag: StrictStr = Field(min_length=1)


class _CompleteMultipart(_MultipartRequest):
    parts: list[_Part] = Field(min_length=1)


Model = TypeVar("Model", bound=BaseModel)


async def _body(request: Request, model: type[Model]) -> Model:
    raw = await read_body(request, _MAX_MULTIPART_BODY)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "body"
        raise invalid(f"Invalid request body at '{where}': {problem['msg']}.") from None


def _presigned(service: ArtifactService) -> Endpoint:
    async def presigned_download(request: Request) -> Response:
        url = await service.presigned_download(request.path_params["artifact_path"])
        return JSONResponse({"url": url.url, "headers": url.headers, "file_size": url.size})

    return presigned_download


def _create_multipart(service: ArtifactService) -> Endpoint:
    async def create_multipart_upload(request: Request) -> Response:
        body = await _body(request, _CreateMultipart)
        upload = await service.create_multipart_upload(
            request.path_params["artifact_path"], body.path, body.num_parts
        )
        credentials = [
            {"url": part.url, "part_number": part.part_number, "headers": part.headers}
            for part in upload.parts
        ]
        return JSONResponse({"upload_id": upload.upload_id, "credentials": credentials})

    return create_multipart_upload


def _complete_multipart(service: ArtifactService) -> Endpoint:
    async def complete_multipart_upload(request: Request) -> Response:
        body = await _body(request, _CompleteMultipart)
        parts = [UploadedPart(part.part_number, part.etag) for part in body.parts]
        await service.complete_multipart_upload(
            request.path_params["artifact_path"], body.path, body.upload_id, parts
        )
        return JSONResponse({})

    return complete_multipart_upload


def _abort_multipart(service: ArtifactService) -> Endpoint:
    async def abort_multipart_upload(request: Request) -> Response:
        body = await _body(request, _MultipartRequest)
        await service.abort_multipart_upload(
            request.path_params["artifact_path"], body.path, body.upload_id
        )
        return JSONResponse({})

    return abort_multipart_upload


def _server_info(service: ArtifactService) -> Endpoint:
    async def server_info(_request: Request) -> Response:
        """What the 3.x client reads to decide how to move bytes: presigned URLs when this
        server delegates to its store, otherwise every byte through this proxy."""
        return JSONResponse(
            {
                "store_type": "SqlStore",
                "workspaces_enabled": False,
                "trace_archival_enabled": False,
                "multipart_uploads_enabled": service.delegates,
                "multipart_downloads_enabled": service.delegates,
                "presigned_upload_run_id_supported": False,
                "presigned_upload_model_id_supported": False,
                "features_enabled": {"gateway": False},
            }
        )

    return server_info


def _byte_range(header: str | None) -> tuple[int | None, int | None] | None:
    """A single ``bytes=first-last`` range; anything else is served whole (RFC 9110 allows)."""
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    return (int(first) if first else None, int(last) if last else None)


def _media_type(name: str) -> str:
    """The Content-Type to serve ``name`` with: text/plain for MLflow's text files and for
    anything a browser would run as a page or script (HTML, SVG, XML, JavaScript), so that an
    uploaded artifact can never execute on this server's origin (stored XSS); else the type
    its name implies."""
    extension = posixpath.splitext(name)[1][1:] or name  # MLmodel, MLproject
    if extension.lower() in _TEXT_EXTENSIONS:
        return "text/plain"
    guessed = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    return "text/plain" if _ACTIVE_CONTENT.search(guessed) else guessed


def _attachment(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
