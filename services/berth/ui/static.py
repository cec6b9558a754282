"""MLflow's web UI served from its static build, at the paths MLflow serves it: ``/`` answers
``index.html`` and ``/static-files/<path>`` the build's files (the build refers to its assets
as ``static-files/...``).

Starlette's ``StaticFiles`` does the file work (streaming, Content-Type, ETag and
Last-Modified with 304s, HEAD, and refusing any path that resolves outside the build); a
path it cannot serve answers MLflow's JSON 404 through the app's error handlers. Without a
build, nothing is mounted and ``/`` answers that 404 as every unknown path does.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path, PurePosixPath

from fastapi import FastAPI, Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from berth.config import Settings

log = logging.getLogger(__name__)

PREFIX = "/static-files"
INDEX = "index.html"
# Files below static/ carry a content hash in their names: a new build has new names.
HASHED_FOLDER = "static"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_LIVED = "public, max-age=3600"
# The build's page for rendering traces inside Jupyter, which embeds it in an iframe.
EMBEDDABLE_FOLDER = "lib/notebook-trace-renderer"
# Suffixes in the build that Python's mimetypes does not know (browsers refuse a script
# served as text/plain under nosniff).
MEDIA_TYPES = {".cjs": "text/javascript; charset=utf-8"}


def mount(app: FastAPI, settings: Settings) -> None:
    """Serve the UI on ``app`` when it is on and its build is there (mount it after every
    API route: it adds ``/`` and the ``/static-files`` prefix)."""
    build = settings.ui_build_dir
    if not settings.ui or not has_build(build):
        return
    files = BuildFiles(directory=build, html=True)

    async def index(request: Request) -> Response:
        return await files.get_response(INDEX, request.scope)

    app.add_api_route("/", index, methods=["GET", "HEAD"], include_in_schema=False)
    app.mount(PREFIX, files, name="ui")


def has_build(folder: Path) -> bool:
    return (folder / INDEX).is_file()


def announce(settings: Settings, url: str) -> None:
    """Say at start-up where the UI comes from, or that there is none and how to get one."""
    if not settings.ui:
        return
    build = settings.ui_build_dir
    if has_build(build):
        log.info("Web UI on %s/ (build in %s)", url, build)
        return
    log.warning(
        "No web UI build in %s: the API works, but no UI is served. `make run` fetches it, "
        "or run `python -m berth.ui.fetch`; --ui-dir points at another build, --no-ui "
        "silences this.",
        build,
    )


class BuildFiles(StaticFiles):
    """The build's files, with cache headers by kind: the page itself revalidated on every
    load, hashed assets kept for good, the rest for an hour. Framing by other sites is
    refused, as MLflow does."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        relative = Path(full_path).relative_to(Path(str(self.directory)).resolve()).as_posix()
        response.headers.update(_headers(relative))
        return response


def _headers(relative: str) -> dict[str, str]:
    if PurePosixPath(relative).name == INDEX:
        cache = "no-cache"
    elif relative.startswith(f"{HASHED_FOLDER}/"):
        cache = IMMUTABLE
    else:
        cache = SHORT_LIVED
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    if not relative.startswith(f"{EMBEDDABLE_FOLDER}/"):
        headers["X-Frame-Options"] = "SAMEORIGIN"
    if media_type := MEDIA_TYPES.get(PurePosixPath(relative).suffix):
        headers["Content-Type"] = media_type
    return headers
