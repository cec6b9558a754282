"""Issue 7's targets for Berth, checked against a run's rows: met, missed, or not measured."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bench.report import CANDIDATE, REFERENCE, Growth, Row, find
from bench.stats import ratio


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    met: bool | None  # None: not measured in this run


def _value(rows: Sequence[Row], scenario: str, variant: str, figure: str, server: str) -> float:
    row = find(rows, scenario, variant, figure)
    return row.values.get(server, math.nan) if row else math.nan


def _check(target: str, measured: str, value: float, ok: bool) -> Verdict:
    return Verdict(target, measured, None if math.isnan(value) else ok)


def evaluate(
    rows: Sequence[Row],
    growth: Sequence[Growth],
    search_sizes: Sequence[int],
    history_sizes: Sequence[int],
    artifact_mib: int,
) -> list[Verdict]:
    verdicts: list[Verdict] = []

    def both(scenario: str, variant: str, figure: str) -> tuple[float, float]:
        return (
            _value(rows, scenario, variant, figure, CANDIDATE),
            _value(rows, scenario, variant, figure, REFERENCE),
        )

    for variant in ("keep-alive", "conn-per-request"):
        berth, mlflow = both("log-batch", variant, "points_per_s")
        r = ratio(berth, mlflow)
        verdicts.append(_check(f"log-batch points/s ≥ 5x ({variant})", f"{r:.2f}x", r, r >= 5))
        berth, mlflow = both("log-metric", variant, "req_per_s")
        r = ratio(berth, mlflow)
        verdicts.append(_check(f"log-metric req/s ≥ 3x ({variant})", f"{r:.2f}x", r, r >= 3))
        berth, mlflow = both("log-metric", variant, "p99_ms")
        r = ratio(berth, mlflow)
        verdicts.append(
            _check(f"log-metric p99 ≤ ⅓ of MLflow's ({variant})", f"{r:.2f}x", r, r <= 1 / 3)
        )
    if search_sizes:
        large, small = max(search_sizes), min(search_sizes)
        berth, mlflow = both("search", f"filter+order @{large}", "p50_ms")
        r = ratio(mlflow, berth)
        verdicts.append(
            _check(
                f"search filter+order p50 at {large:,} runs ≥ 10x faster",
                f"{r:.2f}x faster",
                r,
                r >= 10,
            )
        )
        for g in growth:
            if g.what == "search filter+order p50" and len(search_sizes) >= 2:
                f = g.factor.get(CANDIDATE, math.nan)
                verdicts.append(
                    _check(
                        f"search filter+order p50 at {large:,} ≤ 2x p50 at {small:,}",
                        f"{f:.2f}x",
                        f,
                        f <= 2,
                    )
                )
    if history_sizes:
        large = max(history_sizes)
        berth, mlflow = both("history", f"{large} steps", "fetch_s")
        r = ratio(mlflow, berth)
        verdicts.append(
            _check(f"history {large:,} points ≥ 5x faster", f"{r:.2f}x faster", r, r >= 5)
        )
    variant = f"{artifact_mib} MiB"
    for direction in ("up", "down"):
        r = _value(rows, "artifacts", variant, f"{direction}_share_of_raw_s3", CANDIDATE)
        verdicts.append(
            _check(f"artifact proxy {direction} ≥ 80% of raw S3", f"{r:.0%}", r, r >= 0.8)
        )
        peak = _value(rows, "artifacts", variant, f"peak_rss_{direction}_max_mib", CANDIDATE)
        verdicts.append(
            _check(
                f"peak RSS < 200 MB while {direction} {artifact_mib} MiB (largest process)",
                f"{peak:.0f} MiB = {peak * 1.048576:.0f} MB",
                peak,
                peak * 1.048576 < 200,
            )
        )
    seeding = [r for r in rows if r.scenario == "seeding" and r.figure == "runs_per_s"]
    if seeding:
        last = seeding[-1]
        r = last.ratio
        verdicts.append(_check(f"seeding runs/s ≥ 5x ({last.variant})", f"{r:.2f}x", r, r >= 5))
    idle = _value(rows, "idle-rss", "after start", "rss_max_mib", CANDIDATE)
    verdicts.append(
        _check(
            "idle RSS per server process < 120 MB",
            f"{idle:.0f} MiB = {idle * 1.048576:.0f} MB",
            idle,
            idle * 1.048576 < 120,
        )
    )
    return verdicts


def verdict_table(verdicts: Sequence[Verdict]) -> str:
    lines = ["| target | measured | verdict |", "|---|---:|---|"]
    for v in verdicts:
        word = {True: "met", False: "**missed**", None: "not measured"}[v.met]
        lines.append(f"| {v.target} | {v.measured if v.met is not None else '-'} | {word} |")
    return "\n".join(lines)
