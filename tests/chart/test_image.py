"""services/Dockerfile, read (no Docker engine here to build it): the final stage is what the
chart's security context expects, and it carries the web UI that a build stage fetched."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from berth.config import Settings
from tests.chart.support import REPO

DOCKERFILE = (REPO / "services" / "Dockerfile").read_text()
FINAL_STAGE = DOCKERFILE.split("AS runtime", 1)[1]
UI_STAGE = DOCKERFILE.split("AS ui\n", 1)[1].split("\nFROM ", 1)[0]
UI_IN_IMAGE = "/opt/berth/ui"


def test_the_image_installs_the_lock_file_without_development_groups() -> None:
    syncs = re.findall(r"uv sync ([^\n\\]*)", DOCKERFILE)

    assert syncs
    assert all("--frozen" in s and "--no-default-groups" in s for s in syncs)


def test_the_final_stage_runs_berth_as_the_non_root_user_the_chart_expects() -> None:
    assert re.search(r"^USER 10001:10001$", FINAL_STAGE, re.MULTILINE)
    assert re.search(r'^ENTRYPOINT \["berth"\]$', FINAL_STAGE, re.MULTILINE)


def test_the_final_stage_writes_only_to_a_declared_tmp_volume() -> None:
    assert re.search(r'^VOLUME \["/tmp"\]$', FINAL_STAGE, re.MULTILINE)
    assert "PYTHONDONTWRITEBYTECODE=1" in FINAL_STAGE
    assert "UV_COMPILE_BYTECODE=1" in DOCKERFILE


def test_the_final_stage_copies_the_environment_and_installs_no_build_tools() -> None:
    assert "COPY --from=build /opt/berth /opt/berth" in FINAL_STAGE
    assert not re.search(r"apt-get|pip install|gcc|build-essential", FINAL_STAGE)


def test_the_image_carries_oci_labels() -> None:
    for label in ("title", "version", "revision", "created", "source", "licenses"):
        assert f"org.opencontainers.image.{label}=" in FINAL_STAGE


def test_the_runtime_environment_the_image_installs_runs_berth_with_postgresql_and_s3(
    tmp_path: Path,
) -> None:
    """What the build stage does, outside Docker: the locked runtime dependencies alone (no
    development group) start the app and carry the PostgreSQL and S3 drivers."""
    environment = tmp_path / "berth"
    uv = [os.environ.get("UV") or shutil.which("uv") or "uv"]  # `uv run` names itself in UV
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))},
        "UV_PROJECT_ENVIRONMENT": str(environment),
        "UV_LINK_MODE": "copy",
    }
    sync = [*uv, "sync", "--frozen", "--no-default-groups", "--no-editable", "--quiet"]
    subprocess.run(sync, cwd=REPO, env=env, check=True, timeout=300)

    probe = subprocess.run(
        [
            str(environment / "bin" / "python"),
            "-c",
            "import asyncpg, aiobotocore, prometheus_client, berth.app, berth.cli; "
            "import importlib.util as u; print(u.find_spec('pytest') is None)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    help_text = subprocess.run(
        [str(environment / "bin" / "berth"), "--help"], capture_output=True, text=True, timeout=60
    )

    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "True"  # no development package came along
    assert help_text.returncode == 0, help_text.stderr
    assert {"server", "artifacts", "registry", "db", "gc"} <= set(
        re.findall(r"^  (\w+)", help_text.stdout, re.MULTILINE)
    )


def test_the_image_compiles_the_bytecode_the_server_process_runs() -> None:
    assert re.search(r"python -OO -m compileall [^\n]*/opt/berth/lib", DOCKERFILE)


def _image_env() -> dict[str, str]:
    """The ENV the final stage sets, as NAME -> value."""
    block = re.search(r"^ENV ((?:[^\n]*\\\n)*[^\n]*)$", FINAL_STAGE, re.MULTILINE)
    assert block, "the final stage sets no ENV"
    return dict(re.findall(r"(\w+)=(\S+)", block[1]))


def _ui_stage_sources() -> list[str]:
    """The repository files the ui stage copies in."""
    return [
        source
        for line in re.findall(r"^COPY (.+)$", UI_STAGE, re.MULTILINE)
        for source in line.split()[:-1]
    ]


def test_the_ui_stage_copies_only_the_fetcher_so_its_layer_outlives_code_changes() -> None:
    assert _ui_stage_sources() == [
        "services/berth/__init__.py",
        "services/berth/ui/__init__.py",
        "services/berth/ui/fetch.py",
    ]
    assert re.search(r"PYTHONPATH=/src/services python -m berth.ui.fetch --dest /ui", UI_STAGE)


def test_the_files_the_ui_stage_copies_run_the_fetcher_with_the_standard_library_alone(
    tmp_path: Path,
) -> None:
    """The stage's interpreter has none of Berth's dependencies: the copied files, run
    without site-packages (python -S), must start the fetcher."""
    for source in _ui_stage_sources():
        target = tmp_path / source
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / source, target)

    result = subprocess.run(
        [sys.executable, "-S", "-m", "berth.ui.fetch", "--help"],
        env={"PATH": os.environ.get("PATH", "/usr/bin"), "PYTHONPATH": str(tmp_path / "services")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "--dest" in result.stdout


def test_the_final_stage_carries_the_whole_ui_build_with_its_licence_files() -> None:
    assert f"COPY --from=ui /ui {UI_IN_IMAGE}" in FINAL_STAGE
    assert "test -d /ui/licenses" in UI_STAGE  # the wheel's licence files came along


def test_the_image_points_berth_at_its_ui_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """BERTH_UI_DIR as the image sets it is the setting berth server reads."""
    monkeypatch.setenv("BERTH_UI_DIR", _image_env()["BERTH_UI_DIR"])

    assert Settings().ui_build_dir == Path(UI_IN_IMAGE)
