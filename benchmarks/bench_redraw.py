"""Time of one redraw of the decision-boundary explorer, against an empty figure, side by side.

The explorer's figure: 6 x 4.5 in at 80 dpi, Agg backend, the course style, 200 points. For a few
hundred random ``(w, b)`` each case is timed alternately with its baseline in one process:

* ``update + draw``: ``update_decision_boundary`` (lines, band, rings, crosses, arrow moved in
  place) followed by ``fig.canvas.draw()``; baseline: ``fig.canvas.draw()`` of an empty axes of
  the same size and style. Measured twice: with constrained layout run on every draw (the
  style's default) and with the layout frozen after the first draw (``freeze_layout``, what an
  explorer should do). Target: median under 30 ms with the frozen layout.
* ``update + blit``: the same update, then the cached background (everything that does not move:
  axes, ticks, legend, points) restored and only ``art.moving_artists()`` drawn on top, as the
  explorers' PNG canvas does.
* ``full render to PNG``: a new figure, ``plot_decision_boundary``, ``savefig`` to PNG in memory,
  ``plt.close``; baseline: the same for an empty axes.

Prints median and 95th percentile in ms and the ratio to the baseline.
Run ``python benchmarks/bench_redraw.py`` (about a minute) or add ``--quick``; ``--cpu`` times
process CPU time instead of wall-clock time, steadier on a machine shared with other jobs.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from hinge_utils.data import make_binary_blobs  # noqa: E402
from hinge_utils.plotting import (  # noqa: E402
    freeze_layout,
    plot_decision_boundary,
    style,
    update_decision_boundary,
)

FIGSIZE = (6.0, 4.5)
DPI = 80
TARGET_MS = 30.0


def random_models(count: int, seed: int = 0) -> list[tuple[torch.Tensor, float]]:
    generator = torch.Generator().manual_seed(seed)
    weights = torch.randn(count, 2, generator=generator, dtype=torch.float64)
    biases = torch.randn(count, generator=generator, dtype=torch.float64)
    return [(weights[i], float(biases[i])) for i in range(count)]


def explorer_figure(X: torch.Tensor, y: torch.Tensor):
    with style():
        fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
        art = plot_decision_boundary(torch.tensor([1.0, 1.0]), 0.0, X, y, ax=ax,
                                     title="Drag w and b")
    return fig, art


def empty_figure():
    with style():
        fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
    return fig


CLOCK = time.perf_counter  # --cpu switches to time.process_time (robust on a busy machine)


def timed(step: Callable[[], None]) -> float:
    start = CLOCK()
    step()
    return (CLOCK() - start) * 1000.0


def alternate(ours: Callable[[int], None], baseline: Callable[[int], None], count: int,
              warmup: int = 5) -> tuple[list[float], list[float]]:
    for i in range(warmup):
        ours(i)
        baseline(i)
    ours_ms, baseline_ms = [], []
    for i in range(count):
        if i % 2 == 0:
            ours_ms.append(timed(lambda i=i: ours(i)))
            baseline_ms.append(timed(lambda i=i: baseline(i)))
        else:
            baseline_ms.append(timed(lambda i=i: baseline(i)))
            ours_ms.append(timed(lambda i=i: ours(i)))
    return ours_ms, baseline_ms


def summary(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), float(np.percentile(times, 95))


def report(name: str, baseline_name: str, ours: list[float], baseline: list[float],
           target: float | None) -> None:
    (med, p95), (base_med, base_p95) = summary(ours), summary(baseline)
    verdict = "" if target is None else ("  OK" if med < target else f"  ABOVE {target:g} ms")
    print(f"{name:<37} median {med:6.1f} ms  p95 {p95:6.1f} ms | {baseline_name:<20} "
          f"median {base_med:6.1f} ms  p95 {base_p95:6.1f} ms | ratio {med / base_med:4.2f}x"
          f"{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--points", type=int, default=200, help="number of data points")
    parser.add_argument("--cpu", action="store_true",
                        help="time CPU (process) time instead of wall-clock time")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    redraws, renders = (40, 10) if args.quick else (200, 40)

    X, y = make_binary_blobs(n=args.points, separation=3.0, seed=0)
    models = random_models(max(redraws, renders) + 10)
    print(f"explorer figure {FIGSIZE[0]:g} x {FIGSIZE[1]:g} in at {DPI} dpi, Agg, "
          f"{args.points} points, {redraws} redraws / {renders} full renders; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          f"({'CPU' if args.cpu else 'wall-clock'} times)")

    for frozen in (False, True):
        fig, art = explorer_figure(X, y)
        empty = empty_figure()
        if frozen:
            freeze_layout(fig)
            freeze_layout(empty)

        def redraw(i: int, fig=fig, art=art) -> None:
            weight, bias = models[i % len(models)]
            update_decision_boundary(art, weight, bias)
            fig.canvas.draw()

        ours, base = alternate(redraw, lambda i, empty=empty: empty.canvas.draw(), redraws)
        layout = "frozen layout" if frozen else "layout each draw"
        report(f"update + draw, {layout}", "empty figure draw", ours, base,
               TARGET_MS if frozen else None)
        plt.close(fig)
        plt.close(empty)

    fig, art = explorer_figure(X, y)
    empty = freeze_layout(empty_figure())
    freeze_layout(fig)
    moving = sorted(art.moving_artists(), key=lambda a: a.get_zorder())
    for artist in moving:
        artist.set_animated(True)
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)

    def blit(i: int) -> None:
        weight, bias = models[i % len(models)]
        update_decision_boundary(art, weight, bias)
        fig.canvas.restore_region(background)
        renderer = fig.canvas.get_renderer()
        for artist in moving:
            if artist.get_visible():
                artist.draw(renderer)

    ours, base = alternate(blit, lambda i: empty.canvas.draw(), redraws)
    report("update + blit", "empty figure draw", ours, base, TARGET_MS)
    plt.close(fig)
    plt.close(empty)

    def render(i: int) -> None:
        weight, bias = models[i % len(models)]
        with style():
            new_fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
            plot_decision_boundary(weight, bias, X, y, ax=ax, title="Drag w and b")
        new_fig.savefig(io.BytesIO(), format="png", dpi=DPI)
        plt.close(new_fig)

    def render_empty(i: int) -> None:
        new_fig = empty_figure()
        new_fig.savefig(io.BytesIO(), format="png", dpi=DPI)
        plt.close(new_fig)

    ours, base = alternate(render, render_empty, renders, warmup=2)
    report("full render to PNG", "empty figure to PNG", ours, base, None)
    plt.close("all")


if __name__ == "__main__":
    main()
