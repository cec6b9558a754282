"""From measurements to results: medians over repeats, the Berth/MLflow table, growth factors,
the targets met or missed, JSON lines and ``bench/RESULTS.md``."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bench.scenarios.common import Measurement
from bench.stats import median, ratio

REFERENCE, CANDIDATE = "mlflow", "berth"
HIGHER, LOWER, INFO = "higher", "lower", "info"

# The figures shown for each scenario, and which way is better.
FIGURES: dict[str, list[tuple[str, str]]] = {
    "idle-rss": [("rss_max_mib", LOWER), ("rss_total_mib", LOWER), ("rss_processes", INFO)],
    "nodelay-probe": [("p50_ms", LOWER), ("p99_ms", LOWER), ("client_util", INFO)],
    "log-metric": [
        ("req_per_s", HIGHER),
        ("p50_ms", LOWER),
        ("p99_ms", LOWER),
        ("client_util", INFO),
    ],
    "log-batch": [
        ("points_per_s", HIGHER),
        ("p50_ms", LOWER),
        ("p99_ms", LOWER),
        ("client_util", INFO),
    ],
    "mixed": [
        ("req_per_s", HIGHER),
        ("p50_ms", LOWER),
        ("p99_ms", LOWER),
        ("search_p50_ms", LOWER),
        ("client_util", INFO),
    ],
    "seeding": [("runs_per_s", HIGHER), ("client_util", INFO)],
    "search": [("p50_ms", LOWER), ("p99_ms", LOWER)],
    "history": [("fetch_s", LOWER), ("bulk_interval_ms", LOWER)],
    "ui-pages": [("p50_ms", LOWER), ("p99_ms", LOWER)],
    "artifacts": [
        ("up_mb_s", HIGHER),
        ("down_mb_s", HIGHER),
        ("raw_s3_up_mb_s", INFO),
        ("raw_s3_down_mb_s", INFO),
        ("up_share_of_raw_s3", HIGHER),
        ("down_share_of_raw_s3", HIGHER),
        ("down_first_byte_s", LOWER),
        ("raw_s3_down_first_byte_s", INFO),
        ("down_stream_mb_s", HIGHER),
        ("raw_s3_down_stream_mb_s", INFO),
        ("peak_rss_up_max_mib", LOWER),
        ("peak_rss_up_total_mib", LOWER),
        ("peak_rss_down_max_mib", LOWER),
        ("peak_rss_down_total_mib", LOWER),
        ("client_util", INFO),
    ],
}

Key = tuple[str, str, str]  # scenario, variant, figure


@dataclass(frozen=True)
class Row:
    scenario: str
    variant: str
    figure: str
    better: str
    values: dict[str, float]  # server -> median over repeats
    repeats: int

    @property
    def ratio(self) -> float:
        return ratio(self.values.get(CANDIDATE, math.nan), self.values.get(REFERENCE, math.nan))

    def as_json(self) -> dict[str, object]:
        return {
            "scenario": self.scenario,
            "variant": self.variant,
            "figure": self.figure,
            "better": self.better,
            **{server: _finite(value) for server, value in self.values.items()},
            "berth_over_mlflow": _finite(round(self.ratio, 3)),
            "repeats": self.repeats,
        }


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


def aggregate(measured: Mapping[str, Sequence[Measurement]]) -> list[Row]:
    """Medians over repeats, one row per scenario, variant and figure, in first-seen order."""
    samples: dict[Key, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for server, measurements in measured.items():
        for m in measurements:
            for figure, _ in FIGURES.get(m.scenario, []):
                if figure in m.values:
                    samples[(m.scenario, m.variant, figure)][server].append(m.values[figure])
    better = {(s, f): b for s, figures in FIGURES.items() for f, b in figures}
    rows = []
    for (scenario, variant, figure), by_server in samples.items():
        values = {server: round(median(v), 3) for server, v in by_server.items()}
        repeats = max(len(v) for v in by_server.values())
        rows.append(Row(scenario, variant, figure, better[(scenario, figure)], values, repeats))
    order = {scenario: i for i, scenario in enumerate(FIGURES)}
    return sorted(rows, key=lambda row: order.get(row.scenario, len(order)))  # stable


def find(rows: Iterable[Row], scenario: str, variant: str, figure: str) -> Row | None:
    for row in rows:
        if (row.scenario, row.variant, row.figure) == (scenario, variant, figure):
            return row
    return None


def _number(value: float) -> str:
    if math.isnan(value):
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio_text(row: Row) -> str:
    if math.isnan(row.ratio):
        return "-"
    return f"{row.ratio:.2f}x"


def table(rows: Sequence[Row]) -> str:
    """The Markdown table: one line per figure, with Berth/MLflow."""
    lines = [
        "| scenario | variant | figure | MLflow | Berth | Berth/MLflow | better |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for row in rows:
        mlflow = row.values.get(REFERENCE, math.nan)
        berth = row.values.get(CANDIDATE, math.nan)
        lines.append(
            f"| {row.scenario} | {row.variant} | {row.figure} | {_number(mlflow)} | "
            f"{_number(berth)} | {_ratio_text(row)} | {row.better} |"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Growth:
    what: str
    small: int
    large: int
    factor: dict[str, float]  # server -> large/small


def growth(
    rows: Sequence[Row], search_sizes: Sequence[int], history_sizes: Sequence[int]
) -> list[Growth]:
    """How cost grows from the smallest to the largest size: search p50 and history fetch."""
    found = []
    if len(search_sizes) >= 2:
        small, large = min(search_sizes), max(search_sizes)
        for query in ("no-filter", "filter+order", "page-1000"):
            a = find(rows, "search", f"{query} @{small}", "p50_ms")
            b = find(rows, "search", f"{query} @{large}", "p50_ms")
            if a and b:
                factor = {s: ratio(b.values.get(s, math.nan), v) for s, v in a.values.items()}
                found.append(Growth(f"search {query} p50", small, large, factor))
    if len(history_sizes) >= 2:
        small, large = min(history_sizes), max(history_sizes)
        a = find(rows, "history", f"{small} steps", "fetch_s")
        b = find(rows, "history", f"{large} steps", "fetch_s")
        if a and b:
            factor = {s: ratio(b.values.get(s, math.nan), v) for s, v in a.values.items()}
            found.append(Growth("history fetch", small, large, factor))
    return found


def growth_table(found: Sequence[Growth]) -> str:
    lines = [
        "| cost | sizes | MLflow growth | Berth growth |",
        "|---|---|---:|---:|",
    ]
    for g in found:
        lines.append(
            f"| {g.what} | {g.small:,} → {g.large:,} | "
            f"{_number(g.factor.get(REFERENCE, math.nan))}x | "
            f"{_number(g.factor.get(CANDIDATE, math.nan))}x |"
        )
    return "\n".join(lines)


def json_lines(rows: Sequence[Row], found: Sequence[Growth]) -> list[str]:
    lines = [json.dumps(row.as_json()) for row in rows]
    for g in found:
        record = {"growth": g.what, "small": g.small, "large": g.large}
        record |= {server: _finite(round(f, 3)) for server, f in g.factor.items()}
        lines.append(json.dumps(record))
    return lines
