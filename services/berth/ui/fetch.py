"""Fetch MLflow's prebuilt web UI from the pinned ``mlflow`` wheel: ``python -m berth.ui.fetch``.

The UI is a static React build shipped inside the wheel (``mlflow/server/js/build/``,
Apache-2.0). This module downloads that one wheel from the package index, checks it against
the sha256 pinned here, and unpacks only the build and the wheel's licence files. mlflow is
never installed, and the build is never committed: ``make run`` fetches it once into the user's
cache, the image fetches it in a build stage.

Standard library only: the image's build stage runs it with ``PYTHONPATH=services`` and none
of Berth's dependencies.

A fetch is all or nothing: the wheel is verified before anything is unpacked, the build is
unpacked into a scratch folder beside the destination and renamed into place with a marker
naming the version and the wheel's hash, so a folder at the destination is always a whole
build. With that marker present, a fetch does nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

MLFLOW_UI_VERSION = "3.17.2"
WHEEL_NAME = f"mlflow-{MLFLOW_UI_VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "4e44c03791beb518d8b0a40b0982d958c2634d902f46d67d7907c82107f21fac"
INDEX_URL = "https://pypi.org/simple"

BUILD_PREFIX = "mlflow/server/js/build/"
DIST_INFO_PREFIX = f"mlflow-{MLFLOW_UI_VERSION}.dist-info/"
LICENCE_NAMES = ("LICENSE", "LICENCE", "NOTICE", "COPYING")
MARKER = ".berth-ui.json"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
TIMEOUT_SECONDS = 60.0
CHUNK_BYTES = 1024 * 1024


class FetchError(Exception):
    """The UI could not be fetched; the message says why and nothing was left half-done."""


def default_ui_dir() -> Path:
    """Where ``make run`` keeps the pinned build: ``$XDG_CACHE_HOME`` (or ``~/.cache``)
    ``/berth/mlflow-ui/<version>``."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "berth" / "mlflow-ui" / MLFLOW_UI_VERSION


def marker_content(wheel_sha256: str = WHEEL_SHA256) -> dict[str, str]:
    """What the marker of a whole build says: the version and the hash of its wheel."""
    return {"mlflow_version": MLFLOW_UI_VERSION, "wheel_sha256": wheel_sha256}


def is_fetched(dest: Path) -> bool:
    """Whether ``dest`` holds the build of the pinned wheel, whole."""
    try:
        marker = json.loads((dest / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(marker == marker_content() and (dest / "index.html").is_file())


def fetch(dest: Path, index_url: str = INDEX_URL) -> bool:
    """Put the pinned UI build in ``dest`` unless it is there already; True when it fetched."""
    if is_fetched(dest):
        return False
    _check_replaceable(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=f".{dest.name}.download-") as tmp:
        wheel = Path(tmp) / WHEEL_NAME
        download(wheel_url(index_url), wheel)
        install(wheel, dest)
    return True


def wheel_url(index_url: str = INDEX_URL) -> str:
    """The pinned wheel's URL, from the index's project page in its JSON form (PEP 691)."""
    page = f"{index_url.rstrip('/')}/mlflow/"
    request = urllib.request.Request(page, headers={"Accept": SIMPLE_JSON})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        if not response.headers.get("Content-Type", "").startswith(SIMPLE_JSON):
            raise FetchError(f"{page} does not answer the index's JSON API (PEP 691)")
        project = json.load(response)
    for file in project.get("files", []):
        if file.get("filename") != WHEEL_NAME:
            continue
        listed = file.get("hashes", {}).get("sha256")
        if listed is not None and listed != WHEEL_SHA256:
            raise FetchError(
                f"{page} lists {WHEEL_NAME} with sha256 {listed}, not the pinned "
                f"{WHEEL_SHA256}: refusing it"
            )
        if not file.get("url"):
            raise FetchError(f"{page} lists {WHEEL_NAME} without a URL")
        return urljoin(page, str(file["url"]))
    raise FetchError(f"{page} lists no {WHEEL_NAME}")


def download(url: str, target: Path) -> None:
    """Stream ``url`` into ``target`` (the wheel is never held in memory)."""
    with (
        urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response,
        target.open("wb") as out,
    ):
        shutil.copyfileobj(response, out, CHUNK_BYTES)


def install(wheel: Path, dest: Path, expected_sha256: str = WHEEL_SHA256) -> None:
    """Unpack the UI build and the licence files of ``wheel`` into ``dest``, atomically, once
    the wheel's sha256 is the expected one; ``dest`` is replaced only if it is a Berth build."""
    with wheel.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    if digest != expected_sha256:
        raise FetchError(
            f"{wheel.name} has sha256 {digest}, not the pinned {expected_sha256}: refusing it "
            "(a damaged download or a changed file); nothing was unpacked"
        )
    _check_replaceable(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.partial-"))
    try:
        # mkdtemp makes the folder private; the build is read by whichever user serves it.
        staging.chmod(0o755)
        with zipfile.ZipFile(wheel) as archive:
            _unpack(archive, staging)
        if not (staging / "index.html").is_file():
            raise FetchError(f"{wheel.name} holds no UI build ({BUILD_PREFIX}index.html)")
        (staging / MARKER).write_text(json.dumps(marker_content(digest)) + "\n", encoding="utf-8")
        _move_into_place(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack(archive: zipfile.ZipFile, into: Path) -> None:
    for member in archive.infolist():
        relative = _destination(member.filename)
        if relative is None or member.is_dir():
            continue
        target = into.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK_BYTES)


def _destination(name: str) -> PurePosixPath | None:
    """Where a wheel member goes, relative to the build folder: build files keep their path
    below ``build/``, licence files their path below the dist-info folder; None for the rest.
    A name that could land outside the folder stops the whole fetch."""
    if name.startswith(BUILD_PREFIX):
        relative = name.removeprefix(BUILD_PREFIX)
    elif name.startswith(DIST_INFO_PREFIX) and _is_licence(name.removeprefix(DIST_INFO_PREFIX)):
        relative = name.removeprefix(DIST_INFO_PREFIX)
    else:
        return None
    path = PurePosixPath(relative)
    if "\\" in relative or path.is_absolute() or any(part in ("..", ".") for part in path.parts):
        raise FetchError(f"the wheel holds an unsafe file name: {name!r}")
    return path


def _is_licence(relative: str) -> bool:
    if relative.startswith("licenses/"):
        return True
    return "/" not in relative and relative.upper().startswith(LICENCE_NAMES)


def _check_replaceable(dest: Path) -> None:
    """Refuse to replace a folder that Berth did not fetch (a typo in --dest must not cost
    someone a directory)."""
    if not dest.exists() or (dest / MARKER).is_file():
        return
    if not dest.is_dir() or any(dest.iterdir()):
        raise FetchError(
            f"{dest} exists and is not a UI build fetched by Berth: remove it or choose "
            "another --dest"
        )


def _move_into_place(staging: Path, dest: Path) -> None:
    """Rename ``staging`` to ``dest``; an older Berth build there is moved aside first and
    removed after. A concurrent fetch that got there first with the same build wins."""
    aside = None
    if dest.exists():
        aside = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.old-"))
        dest.replace(aside / dest.name)
    try:
        staging.rename(dest)
    except OSError:
        if is_fetched(dest):
            return
        if aside is not None and not dest.exists():
            (aside / dest.name).replace(dest)
        raise
    finally:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m berth.ui.fetch",
        description=f"Fetch MLflow {MLFLOW_UI_VERSION}'s web UI build from its wheel "
        "(verified, never installed) for `berth server` to serve.",
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=None,
        help=f"Folder to put the build in (default: {default_ui_dir()})",
    )
    parser.add_argument(
        "--index-url",
        default=INDEX_URL,
        help="Package index with the JSON API, e.g. a mirror (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    dest: Path = (args.dest or default_ui_dir()).expanduser().absolute()
    try:
        fetched = fetch(dest, args.index_url)
    except (FetchError, OSError) as exc:
        print(f"berth.ui.fetch: could not fetch the MLflow UI: {exc}", file=sys.stderr)
        return 1
    state = "fetched into" if fetched else "already in"
    print(f"MLflow UI {MLFLOW_UI_VERSION} build {state} {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
