"""Whether the UI is served and from which build: ``BERTH_UI``, ``BERTH_UI_DIR``, and the
user's cache by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from berth.config import Settings
from berth.ui.fetch import MLFLOW_UI_VERSION


def test_the_ui_is_on_by_default() -> None:
    assert Settings().ui is True


def test_berth_ui_false_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BERTH_UI", "false")

    assert Settings().ui is False


def test_berth_ui_dir_names_the_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BERTH_UI_DIR", str(tmp_path / "my-build"))

    assert Settings().ui_build_dir == tmp_path / "my-build"


def test_a_ui_dir_under_home_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    assert Settings(ui_dir=Path("~/ui")).ui_build_dir == tmp_path / "ui"


def test_by_default_the_build_is_the_pinned_version_in_the_user_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    assert Settings().ui_build_dir == tmp_path / "berth" / "mlflow-ui" / MLFLOW_UI_VERSION
