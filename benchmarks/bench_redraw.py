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
import itertools
import os
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from _timing import alternate, stats  # noqa: E402

from hinge_utils.data import make_binary_blobs  # noqa: E402
from hinge_utils.plotting import (  # noqa: E402
    course_style,
    freeze_layout,
    plot_decision_boundary,
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
    with course_style():
        fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
        art = plot_decision_boundary(torch.tensor([1.0, 1.0]), 0.0, X, y, ax=ax,
                                     title="Drag w and b")
    return fig, art


def empty_figure():
    with course_style():
        fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
    return fig


def report(name: str, baseline_name: str, times: tuple[list[float], list[float]],
           target: float | None) -> None:
    """One line: median and p95 of ours and of the baseline (from seconds, shown in ms)."""
    ours, base = (stats(t).scaled(1e3) for t in times)
    verdict = ("" if target is None
               else "  OK" if ours.median < target else f"  ABOVE {target:g} ms")
    print(f"{name:<37} median {ours.median:6.1f} ms  p95 {ours.p95:6.1f} ms | "
          f"{baseline_name:<20} median {base.median:6.1f} ms  p95 {base.p95:6.1f} ms | "
          f"ratio {ours.median / base.median:4.2f}x{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--points", type=int, default=200, help="number of data points")
    parser.add_argument("--cpu", action="store_true",
                        help="time CPU (process) time instead of wall-clock time")
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter  # CPU time: robust when busy
    redraws, renders = (40, 10) if args.quick else (200, 40)

    X, y = make_binary_blobs(n=args.points, separation=3.0, seed=0)
    next_model = itertools.cycle(random_models(max(redraws, renders) + 10)).__next__
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

        def redraw(fig=fig, art=art) -> None:
            update_decision_boundary(art, *next_model())
            fig.canvas.draw()

        times = alternate(redraw, empty.canvas.draw, redraws, warmup=5, clock=clock)
        layout = "frozen layout" if frozen else "layout each draw"
        report(f"update + draw, {layout}", "empty figure draw", times,
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

    def blit() -> None:
        update_decision_boundary(art, *next_model())
        fig.canvas.restore_region(background)
        renderer = fig.canvas.get_renderer()
        for artist in moving:
            if artist.get_visible():
                artist.draw(renderer)

    times = alternate(blit, empty.canvas.draw, redraws, warmup=5, clock=clock)
    report("update + blit", "empty figure draw", times, TARGET_MS)
    plt.close(fig)
    plt.close(empty)

    def render() -> None:
        weight, bias = next_model()
        with course_style():
            new_fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
            plot_decision_boundary(weight, bias, X, y, ax=ax, title="Drag w and b")
        new_fig.savefig(io.BytesIO(), format="png", dpi=DPI)
        plt.close(new_fig)

    def render_empty() -> None:
        new_fig = empty_figure()
        new_fig.savefig(io.BytesIO(), format="png", dpi=DPI)
        plt.close(new_fig)

    times = alternate(render, render_empty, renders, warmup=2, clock=clock)
    report("full render to PNG", "empty figure to PNG", times, None)
    plt.close("all")


if __name__ == "__main__":
    main()
