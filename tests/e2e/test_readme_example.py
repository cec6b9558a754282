"""The README's mlflow example runs as written against berth server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    assert blocks, "README.md has no python example"
    return str(blocks[0])


def test_readme_example_logs_runs_and_finds_the_best(berth_url: str, tmp_path: Path) -> None:
    script = _example().replace("http://127.0.0.1:5000", berth_url)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "0.1" in result.stdout
    assert len(_example().splitlines()) <= 20
