"""From measurements to the Markdown table, the growth factors and the targets."""

from __future__ import annotations

import dataclasses
import json

from bench.config import Sizes
from bench.document import nodelay_note, reduced_note
from bench.report import aggregate, growth, growth_table, json_lines, table
from bench.scenarios.common import Measurement
from bench.targets import evaluate, verdict_table


def _measured() -> dict[str, list[Measurement]]:
    def batch(rate: float, repeat: int) -> Measurement:
        return Measurement("log-batch", "keep-alive", repeat, {"points_per_s": rate, "p50_ms": 9})

    def search(size: int, p50: float) -> Measurement:
        return Measurement("search", f"filter+order @{size}", 0, {"p50_ms": p50, "p99_ms": p50})

    return {
        "mlflow": [
            batch(1000, 0),
            batch(3000, 1),
            batch(2000, 2),
            search(10, 100),
            search(100, 800),
        ],
        "berth": [batch(9000, 0), batch(11000, 1), batch(10000, 2), search(10, 5), search(100, 6)],
    }


def test_rows_hold_the_median_over_repeats_and_the_ratio() -> None:
    rows = aggregate(_measured())
    first = rows[0]
    assert (first.scenario, first.variant, first.figure) == (
        "log-batch",
        "keep-alive",
        "points_per_s",
    )
    assert first.values == {"mlflow": 2000, "berth": 10000}
    assert first.ratio == 5
    assert first.repeats == 3


def test_table_renders_one_line_per_figure_with_the_ratio() -> None:
    lines = table(aggregate(_measured())).splitlines()
    assert lines[0] == "| scenario | variant | figure | MLflow | Berth | Berth/MLflow | better |"
    assert "| log-batch | keep-alive | points_per_s | 2,000 | 10,000 | 5.00x | higher |" in lines
    assert "| log-batch | keep-alive | p50_ms | 9.00 | 9.00 | 1.00x | lower |" in lines
    # a figure only one server has shows a dash, not a made-up ratio
    only_berth = aggregate({"berth": [Measurement("history", "10 steps", 0, {"fetch_s": 1.0})]})
    assert "| history | 10 steps | fetch_s | - | 1.00 | - | lower |" in table(only_berth)


def test_growth_factor_is_large_size_over_small_size() -> None:
    rows = aggregate(_measured())
    (found,) = growth(rows, (10, 100), ())
    assert found.what == "search filter+order p50"
    assert found.factor == {"mlflow": 8.0, "berth": 1.2}
    assert "| search filter+order p50 | 10 → 100 | 8.00x | 1.20x |" in growth_table([found])


def test_targets_say_met_missed_or_not_measured() -> None:
    rows = aggregate(_measured())
    verdicts = {v.target: v for v in evaluate(rows, growth(rows, (10, 100), ()), (10, 100), (), 64)}
    assert verdicts["log-batch points/s ≥ 5x (keep-alive)"].met is True
    assert verdicts["search filter+order p50 at 100 runs ≥ 10x faster"].met is True
    assert verdicts["search filter+order p50 at 100 ≤ 2x p50 at 10"].met is True
    assert verdicts["log-metric req/s ≥ 3x (keep-alive)"].met is None
    assert "| log-metric req/s ≥ 3x (keep-alive) | - | not measured |" in verdict_table(
        list(verdicts.values())
    )


def test_json_lines_are_one_object_per_row_and_growth() -> None:
    rows = aggregate(_measured())
    lines = [json.loads(line) for line in json_lines(rows, growth(rows, (10, 100), ()))]
    assert lines[0]["berth_over_mlflow"] == 5.0
    assert lines[-1] == {"growth": "search filter+order p50", "small": 10, "large": 100,
                         "mlflow": 8.0, "berth": 1.2}  # fmt: skip


def test_nodelay_note_names_the_server_that_stalls() -> None:
    probe = [
        Measurement("nodelay-probe", "keep-alive", 0, {"p50_ms": 41.0}),
        Measurement("nodelay-probe", "conn-per-request", 0, {"p50_ms": 2.0}),
    ]
    fast = [
        Measurement("nodelay-probe", "keep-alive", 0, {"p50_ms": 1.0}),
        Measurement("nodelay-probe", "conn-per-request", 0, {"p50_ms": 2.0}),
    ]
    note = nodelay_note(aggregate({"mlflow": fast, "berth": probe}))
    assert "**mlflow** does not show the stall" in note
    assert "**berth** shows the stall" in note


def test_artifact_share_of_raw_s3_is_the_median_of_each_repeats_own_share() -> None:
    shares = [0.75, 0.9, 0.7]
    rows = aggregate(
        {
            "berth": [
                Measurement("artifacts", "1 MiB", i, {"up_share_of_raw_s3": share})
                for i, share in enumerate(shares)
            ]
        }
    )
    text = table(rows)
    assert "| artifacts | 1 MiB | up_share_of_raw_s3 | - | 0.75 | - | higher |" in text
    verdicts = {v.target: v for v in evaluate(rows, [], (), (), 1)}
    assert verdicts["artifact proxy up ≥ 80% of raw S3"].met is False


def test_a_reduced_run_says_what_it_changed() -> None:
    assert reduced_note(Sizes()).startswith("These are the full run's sizes")
    note = reduced_note(dataclasses.replace(Sizes(), search_sizes=(1_000, 10_000)))
    assert note.startswith("**A reduced run.**")
    assert "search_sizes (1000, 10000) (full run: (10000, 100000))" in note
