"""Sizes of a benchmark run: the full run, and ``--quick`` for checking the harness."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    repeats: int = 3
    duration_s: float = 10.0  # each throughput measurement (log-batch, log-metric, mixed)
    writers: int = 8  # concurrent clients of the throughput scenarios and of seeding
    probe_s: float = 5.0  # each sequential TCP_NODELAY probe
    search_sizes: tuple[int, ...] = (10_000, 100_000)
    search_calls: int = 20  # sequential calls per query per repeat
    api_seed_max: int = 10_000  # search runs past this many are written in SQL (bulk_runs.py)
    history_sizes: tuple[int, ...] = (10_000, 100_000)
    history_fetches: int = 3  # full fetches per size per repeat
    mixed_runs: int = 1_000  # runs the mixed scenario searches and reads
    ui_runs: int = 10_000  # runs in the experiment whose UI pages are loaded (ui-pages)
    ui_loads: int = 20  # loads of each UI page per repeat
    artifact_mib: int = 1024


QUICK = Sizes(
    repeats=1,
    duration_s=2.0,
    probe_s=1.0,
    search_sizes=(200, 1_000),
    search_calls=5,
    api_seed_max=500,
    history_sizes=(2_000, 10_000),
    history_fetches=1,
    mixed_runs=100,
    ui_runs=500,
    ui_loads=5,
    artifact_mib=64,
)
