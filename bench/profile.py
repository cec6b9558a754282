"""``--profile``: py-spy samples every process of a server while a scenario runs.

Each (server, scenario) gets ``bench/logs/profile-<server>-<scenario>.txt`` (py-spy's
collapsed stacks, one line a stack with its sample count) and a summary of the functions that
are on the stack most often (inclusive share of the samples), written to the log. py-spy is
looked up on PATH and in ``~/.local/bin`` (``uv tool install py-spy`` or ``pip install py-spy``).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.servers import LOG_DIR


def py_spy() -> str:
    found = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path.home() / ".local/bin"))
    if not found:
        raise SystemExit("--profile needs py-spy: uv tool install py-spy (or pip install py-spy)")
    return found


@contextmanager
def profiled(pid: int, server: str, scenario: str) -> Iterator[Path]:
    """Sample ``pid`` and its subprocesses (idle threads too: awaits on the database show)
    until the block ends."""
    LOG_DIR.mkdir(exist_ok=True)
    out = LOG_DIR / f"profile-{server}-{scenario}.txt"
    command = [
        py_spy(), "record", "--pid", str(pid), "--subprocesses", "--rate", "100",
        "--format", "raw", "--output", str(out), "--nonblocking",
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield out
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def hot_functions(collapsed: str, top: int = 25, only: str = "") -> list[tuple[float, str]]:
    """From collapsed stacks (``frame;frame;frame count``): the ``top`` functions by inclusive
    share of all samples, as (share, frame); ``only`` keeps frames containing that text."""
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        for frame in set(stack.split(";")):
            if only in frame:
                inclusive[frame] += count
    if not total:
        return []
    return [(n / total, frame) for frame, n in inclusive.most_common(top)]
