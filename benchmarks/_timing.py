"""The benchmarks' one way to time: ours beside a baseline, alternating, in the same process.

A ratio against a baseline run in the same process, interleaved with ours, survives a busy or
slower machine; an absolute wall time does not. So every script here times with :func:`alternate`
(or :func:`timed` for a single run), summarises with :func:`stats` and prints ratios of medians.

Times are in seconds, from ``time.perf_counter`` unless a ``clock`` is given (``bench_redraw.py
--cpu`` passes ``time.process_time``). The scripts import this module by its bare name: Python
puts a script's own folder first on ``sys.path``.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Stats", "alternate", "percentile", "stats", "timed"]

Clock = Callable[[], float]


def timed(step: Callable[[], object], clock: Clock = time.perf_counter) -> float:
    """Seconds that one call of ``step()`` takes."""
    start = clock()
    step()
    return clock() - start


def alternate(
    ours: Callable[[], object],
    baseline: Callable[[], object],
    repeats: int,
    *,
    warmup: int = 1,
    clock: Clock = time.perf_counter,
) -> tuple[list[float], list[float]]:
    """Seconds of ``repeats`` calls of ``ours`` and of ``baseline``, side by side.

    Both run ``warmup`` times first, untimed. Then they alternate, and which one goes first
    alternates too, so a drift of the machine (a turbo clock, another job) falls on both alike.

    >>> ours, base = alternate(lambda: None, lambda: None, 4)
    >>> len(ours), len(base), min(ours + base) >= 0
    (4, 4, True)
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"need repeats >= 1 and warmup >= 0; got {repeats} and {warmup}")
    for _ in range(warmup):
        ours()
        baseline()
    ours_times: list[float] = []
    baseline_times: list[float] = []
    order = [(ours, ours_times), (baseline, baseline_times)]
    for repeat in range(repeats):
        for step, times in order if repeat % 2 == 0 else order[::-1]:
            times.append(timed(step, clock))
    return ours_times, baseline_times


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile, interpolated linearly between order statistics (numpy's default).

    >>> percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95)
    4.8
    """
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Stats:
    """Median, 95th percentile and minimum of a list of times, in the unit of the times."""

    median: float
    p95: float
    min: float
    count: int

    def scaled(self, factor: float) -> Stats:
        """The same summary with every time multiplied by ``factor`` (1e3: seconds to ms)."""
        return Stats(self.median * factor, self.p95 * factor, self.min * factor, self.count)


def stats(times: Sequence[float]) -> Stats:
    """Summarise ``times``; ``stats(t).median / stats(base).median`` is the ratio to print.

    >>> s = stats([0.004, 0.001, 0.002, 0.003, 0.005]).scaled(1e3)
    >>> round(s.median, 6), round(s.p95, 6), round(s.min, 6), s.count
    (3.0, 4.8, 1.0, 5)
    """
    return Stats(statistics.median(times), percentile(times, 95), min(times), len(times))
