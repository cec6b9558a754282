"""The README's gRPC example runs as written (its blocking client in a thread: the server
shares this test's event loop)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from pathlib import Path

from tests.integration.transports.support import Running

README = Path(__file__).resolve().parents[3] / "README.md"


def _grpc_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    (example,) = [block for block in blocks if "berth.client" in block]
    return str(example)


async def test_the_readme_grpc_example_runs(app: Running) -> None:
    script = _grpc_example().replace("127.0.0.1:50051", app.target)
    output = io.StringIO()

    def run() -> None:
        with contextlib.redirect_stdout(output):
            exec(compile(script, "README.md", "exec"), {})

    await asyncio.to_thread(run)

    lines = output.getvalue().splitlines()
    assert lines[:2] == ["batches: 10", "metrics: 10000"]
    assert "b'trained on grpc'" in lines
    assert lines[-1] == "RESOURCE_DOES_NOT_EXIST StatusCode.NOT_FOUND"
