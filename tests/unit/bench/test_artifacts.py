"""How the ``artifacts`` scenario sets a proxied transfer beside its raw S3 ceiling."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bench.scenarios.artifacts import MIB, GetTiming, _downloads, _in_turns

Transfer = Callable[[], Awaitable[float]]


class Timeline:
    """A clock that only the stand-in transfers move, each by its duration, and the order in
    which they ran."""

    def __init__(self) -> None:
        self.now = 0.0
        self.turns: list[str] = []

    def clock(self) -> float:
        return self.now

    def transfer(self, name: str, durations: list[float]) -> Transfer:
        remaining = iter(durations)

        async def run() -> float:
            seconds = next(remaining)
            self.turns.append(name)
            self.now += seconds
            return seconds

        return run


async def test_raw_and_proxied_transfers_take_turns_raw_first_until_the_budget_is_spent() -> None:
    timeline = Timeline()
    raw = timeline.transfer("raw", [1.0, 1.0, 1.0])
    proxied = timeline.transfer("proxied", [2.0, 2.0, 2.0])

    await _in_turns(raw, proxied, budget_s=6.0, clock=timeline.clock)

    assert timeline.turns == ["raw", "proxied", "raw", "proxied"]


async def test_one_turn_each_is_taken_even_when_the_first_outlasts_the_budget() -> None:
    timeline = Timeline()
    raw = timeline.transfer("raw", [50.0])
    proxied = timeline.transfer("proxied", [80.0])

    assert await _in_turns(raw, proxied, budget_s=10.0, clock=timeline.clock) == ([50.0], [80.0])


async def test_each_side_keeps_its_own_timings_in_the_order_taken() -> None:
    timeline = Timeline()
    raw = timeline.transfer("raw", [3.0, 1.0, 2.0])
    proxied = timeline.transfer("proxied", [9.0, 4.0, 5.0])

    timings = await _in_turns(raw, proxied, budget_s=24.0, clock=timeline.clock)

    assert timings == ([3.0, 1.0, 2.0], [9.0, 4.0, 5.0])


def test_a_get_streams_at_its_size_over_the_time_after_its_first_byte() -> None:
    get = GetTiming(seconds=1.5, first_byte_s=0.5)

    assert get.stream_mib_s(512 * MIB) == 512.0


def test_downloads_report_the_median_first_byte_and_stream_rate_under_a_prefix() -> None:
    gets = [GetTiming(1.0, 0.5), GetTiming(3.0, 1.0), GetTiming(2.0, 1.5)]

    figures = _downloads(100 * MIB, gets, prefix="raw_s3_")

    assert figures == {"raw_s3_down_first_byte_s": 1.0, "raw_s3_down_stream_mb_s": 200.0}
