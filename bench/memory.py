"""Resident memory of a server's process tree, read from ``/proc``.

A server is a tree: ``mlflow server`` is its CLI process, a uvicorn supervisor and the
workers; ``berth server --workers N`` is a supervisor and N workers (one process when N is 1).
Figures are given per process (the largest) and summed over the tree (RSS counts shared
pages in every process that maps them, so the sum is an upper bound).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

KIB_PER_MIB = 1024


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found.extend(process_tree(int(child)))
    return found


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _command(pid: int) -> str:
    raw = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return raw.strip()[:120]


@dataclass(frozen=True)
class TreeMemory:
    """One memory field (VmRSS or VmHWM) for each process of a tree, in MiB."""

    per_process: dict[int, float]
    commands: dict[int, str]

    @property
    def max_mib(self) -> float:
        return max(self.per_process.values(), default=0.0)

    @property
    def total_mib(self) -> float:
        return sum(self.per_process.values())

    def facts(self, prefix: str) -> dict[str, float]:
        return {
            f"{prefix}_max_mib": round(self.max_mib, 1),
            f"{prefix}_total_mib": round(self.total_mib, 1),
            f"{prefix}_processes": float(len(self.per_process)),
        }


def tree_memory(pid: int, field: str = "VmRSS") -> TreeMemory:
    """``field`` of each live process in the tree under ``pid``."""
    values: dict[int, float] = {}
    commands: dict[int, str] = {}
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            values[member] = _status_kib(member, field) / KIB_PER_MIB
            commands[member] = _command(member)
    return TreeMemory(values, commands)


def reset_peaks(pid: int) -> None:
    """Reset VmHWM to the current RSS for every process of the tree (``clear_refs`` 5), so a
    peak measured afterwards belongs to what ran in between."""
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            Path(f"/proc/{member}/clear_refs").write_text("5")
