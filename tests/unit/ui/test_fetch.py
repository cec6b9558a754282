"""Fetching the UI build from the pinned mlflow wheel: only the build and the wheel's licence
files are unpacked, all or nothing, and only once per version. The wheels here are small
archives made by the tests, in the wheel's layout."""

from __future__ import annotations

import hashlib
import json
import tomllib
import zipfile
from pathlib import Path
from urllib.error import URLError

import pytest

from berth.ui.fetch import (
    MARKER,
    MLFLOW_UI_VERSION,
    FetchError,
    default_ui_dir,
    fetch,
    install,
    is_fetched,
    main,
    marker_content,
)

PYPROJECT = Path(__file__).parents[3] / "pyproject.toml"
# A loopback port nothing answers on: a fetch that reaches for the index fails at once.
UNREACHABLE_INDEX = "http://127.0.0.1:9/simple"
BUILD = "mlflow/server/js/build/"
DIST_INFO = f"mlflow-{MLFLOW_UI_VERSION}.dist-info/"
WHEEL_MEMBERS = {
    "mlflow/__init__.py": b"VERSION = '3.17.2'",
    f"{BUILD}index.html": b"<!doctype html><title>MLflow</title>",
    f"{BUILD}static/js/main.c2f5f8d4.js": b"console.log('ui')",
    f"{DIST_INFO}METADATA": b"Name: mlflow",
    f"{DIST_INFO}RECORD": b"",
    f"{DIST_INFO}licenses/LICENSE.txt": b"Apache License 2.0",
    f"{DIST_INFO}NOTICE": b"notice",
}


def make_wheel(folder: Path, members: dict[str, bytes]) -> tuple[Path, str]:
    """A wheel-shaped zip holding ``members``, and its sha256."""
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"mlflow-{MLFLOW_UI_VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return wheel, hashlib.sha256(wheel.read_bytes()).hexdigest()


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def fetched_build(dest: Path) -> Path:
    """``dest`` as a completed fetch of the pinned version leaves it."""
    dest.mkdir(parents=True)
    (dest / "index.html").write_text("<!doctype html>")
    (dest / MARKER).write_text(json.dumps(marker_content()))
    return dest


def test_the_pinned_version_is_the_one_the_e2e_client_pins() -> None:
    groups = tomllib.loads(PYPROJECT.read_text())["dependency-groups"]

    assert f"mlflow=={MLFLOW_UI_VERSION}" in groups["e2e"]


def test_only_the_build_and_the_licence_files_are_unpacked(tmp_path: Path) -> None:
    wheel, sha256 = make_wheel(tmp_path / "download", WHEEL_MEMBERS)
    dest = tmp_path / "cache" / "ui"

    install(wheel, dest, sha256)

    assert files_in(dest) == {
        "index.html",
        "static/js/main.c2f5f8d4.js",
        "licenses/LICENSE.txt",
        "NOTICE",
        MARKER,
    }
    assert (dest / "static/js/main.c2f5f8d4.js").read_bytes() == b"console.log('ui')"


def test_the_marker_names_the_version_and_the_wheel_hash(tmp_path: Path) -> None:
    wheel, sha256 = make_wheel(tmp_path / "download", WHEEL_MEMBERS)
    dest = tmp_path / "ui"

    install(wheel, dest, sha256)

    marker = json.loads((dest / MARKER).read_text())
    assert marker == {"mlflow_version": MLFLOW_UI_VERSION, "wheel_sha256": sha256}


def test_a_wheel_with_another_hash_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    wheel, _ = make_wheel(tmp_path / "download", WHEEL_MEMBERS)
    cache = tmp_path / "cache"
    cache.mkdir()

    with pytest.raises(FetchError, match="sha256"):
        install(wheel, cache / "ui", "0" * 64)

    assert list(cache.iterdir()) == []


def test_a_member_that_would_land_outside_the_build_stops_the_fetch(tmp_path: Path) -> None:
    members = {**WHEEL_MEMBERS, f"{BUILD}../../../../escaped.txt": b"outside"}
    wheel, sha256 = make_wheel(tmp_path / "download", members)
    cache = tmp_path / "cache"

    with pytest.raises(FetchError, match="unsafe"):
        install(wheel, cache / "ui", sha256)

    assert list(cache.iterdir()) == []
    assert not list(tmp_path.rglob("escaped.txt"))


def test_a_wheel_without_a_build_is_refused(tmp_path: Path) -> None:
    members = {k: v for k, v in WHEEL_MEMBERS.items() if not k.startswith(BUILD)}
    wheel, sha256 = make_wheel(tmp_path / "download", members)
    cache = tmp_path / "cache"

    with pytest.raises(FetchError, match="no UI build"):
        install(wheel, cache / "ui", sha256)

    assert list(cache.iterdir()) == []


def test_an_older_build_fetched_by_berth_is_replaced_whole(tmp_path: Path) -> None:
    dest = tmp_path / "ui"
    dest.mkdir()
    (dest / "old.js").write_text("old")
    (dest / MARKER).write_text(json.dumps({"mlflow_version": "3.0.0", "wheel_sha256": "x"}))
    wheel, sha256 = make_wheel(tmp_path / "download", WHEEL_MEMBERS)

    install(wheel, dest, sha256)

    assert not (dest / "old.js").exists()
    assert (dest / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["download", "ui"]


def test_a_folder_berth_did_not_fetch_is_never_replaced(tmp_path: Path) -> None:
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "thesis.tex").write_text("years of work")
    wheel, sha256 = make_wheel(tmp_path / "download", WHEEL_MEMBERS)

    with pytest.raises(FetchError, match="not a UI build fetched by Berth"):
        install(wheel, dest, sha256)

    assert files_in(dest) == {"thesis.tex"}


def test_a_fetched_build_is_not_fetched_again(tmp_path: Path) -> None:
    dest = fetched_build(tmp_path / "ui")

    assert is_fetched(dest)
    assert fetch(dest, UNREACHABLE_INDEX) is False


def test_a_build_of_another_version_is_fetched_anew(tmp_path: Path) -> None:
    dest = fetched_build(tmp_path / "ui")
    (dest / MARKER).write_text(json.dumps({**marker_content(), "mlflow_version": "3.0.0"}))

    assert not is_fetched(dest)
    with pytest.raises(URLError):  # it reached for the index
        fetch(dest, UNREACHABLE_INDEX)


def test_a_failed_fetch_says_why_in_one_line_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["--dest", str(tmp_path / "ui"), "--index-url", UNREACHABLE_INDEX])

    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""
    assert err.startswith("berth.ui.fetch: could not fetch the MLflow UI:")
    assert not (tmp_path / "ui").exists()


def test_the_command_prints_where_the_build_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = fetched_build(tmp_path / "ui")

    assert main(["--dest", str(dest)]) == 0
    assert capsys.readouterr().out == f"MLflow UI {MLFLOW_UI_VERSION} build already in {dest}\n"


def test_the_default_folder_is_the_version_s_folder_in_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    assert default_ui_dir() == tmp_path / "berth" / "mlflow-ui" / MLFLOW_UI_VERSION
