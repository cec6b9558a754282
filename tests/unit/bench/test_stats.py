"""The harness's statistics: percentiles as numpy computes them, medians and ratios."""

from __future__ import annotations

import math

import pytest

from bench.stats import latency_summary, median, percentile, ratio


@pytest.mark.parametrize(
    ("samples", "q", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([1.0, 2.0, 3.0, 4.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0], 100, 4.0),
        ([4.0, 1.0, 3.0, 2.0], 25, 1.75),
        ([float(i) for i in range(1, 101)], 99, 99.01),
        ([7.0], 99, 7.0),
    ],
)
def test_percentile_interpolates_linearly_between_closest_ranks(
    samples: list[float], q: float, expected: float
) -> None:
    assert percentile(samples, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_nan_and_q_is_checked() -> None:
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], 101)


def test_median_ignores_nan() -> None:
    assert median([3.0, math.nan, 1.0, 2.0]) == 2.0
    assert math.isnan(median([math.nan]))


def test_ratio_is_nan_when_a_side_is_missing_or_zero() -> None:
    assert ratio(6.0, 3.0) == 2.0
    assert math.isnan(ratio(1.0, 0.0))
    assert math.isnan(ratio(math.nan, 1.0))


def test_latency_summary_is_in_milliseconds() -> None:
    summary = latency_summary([0.001, 0.002, 0.003])
    assert summary == {"p50_ms": pytest.approx(2.0), "p99_ms": pytest.approx(2.98), "n": 3.0}
