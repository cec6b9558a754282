"""The real fetch: the pinned mlflow wheel from PyPI (about 12 MB, unpacked to 27 MB), once,
into the test's own folder. Skipped, saying why, where PyPI cannot be reached (a failure
in CI)."""

from __future__ import annotations

import json
import urllib.error
from pathlib import Path

import pytest

from berth.ui.fetch import MARKER, MLFLOW_UI_VERSION, WHEEL_SHA256, fetch, is_fetched, wheel_url
from tests.fixtures.services import missing_service


@pytest.mark.timeout(240)
def test_the_pinned_build_comes_whole_from_the_index_with_its_licence(tmp_path: Path) -> None:
    dest = tmp_path / "mlflow-ui"
    try:
        wheel_url()
    except urllib.error.URLError as exc:
        missing_service(f"PyPI is not reachable: {exc}")

    assert fetch(dest) is True

    assert is_fetched(dest)
    assert json.loads((dest / MARKER).read_text()) == {
        "mlflow_version": MLFLOW_UI_VERSION,
        "wheel_sha256": WHEEL_SHA256,
    }
    assert b"static-files/static/js/main." in (dest / "index.html").read_bytes()
    assert "Apache License" in (dest / "licenses" / "LICENSE.txt").read_text()
    assert not (dest / "mlflow").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mlflow-ui"]
