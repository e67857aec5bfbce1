"""How fast the explorers answer: slider value -> finished redraw, in the kernel and in a browser.

1. In the kernel (this process): a few hundred random slider moves per explorer, each timed from
   setting ``slider.value`` to the return of the setter (the observer recomputes the readouts,
   redraws the moving artists and stores the PNG in the ``Image`` widget before it returns).
   Beside it, in the same process, two baselines at the same figure size: a bare matplotlib
   render of an empty figure to PNG (alternating with the moves), and the explorer's own figure
   fully redrawn (no cached background). Targets: median <= 30 ms, p95 <= 60 ms.
2. In the browser: Voila serves the explorer app as ``make explore`` does, Chromium (at
   1280 x 720) presses
   a key on a slider, and the page itself times keydown -> the new figure image loaded (and, as
   a baseline, keydown -> the readout text changed: the round trip without the picture).
   Target: median <= 150 ms. Skipped when /usr/bin/chromium is missing.

Run: ``.venv/bin/python benchmarks/bench_explorer.py [--moves 300] [--presses 40] [--no-browser]``
"""

from __future__ import annotations

import argparse
import io
import math
import random
import sys
import time
from collections.abc import Callable

from _timing import alternate, stats, timed
from _voila import ServerError, chromium, missing_browser_stack, voila_server


def _mover(moves: list[tuple[object, float]]) -> Callable[[], None]:
    """A step that sets the next ``slider.value = value`` of ``moves`` each time it is called."""
    pending = iter(moves)

    def move() -> None:
        slider, value = next(pending)
        slider.value = value

    return move


def _empty_figure_to_png(pixel_size: tuple[int, int], dpi: float) -> Callable[[], None]:
    """A step that renders an empty figure of the explorer's size to PNG: the bare cost."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(pixel_size[0] / dpi, pixel_size[1] / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    return lambda: figure.savefig(io.BytesIO(), format="png")


def _full_redraw(explorer) -> Callable[[], None]:
    """A step that redraws the explorer's figure from scratch (no cached background)."""
    def redraw() -> None:
        explorer.canvas.invalidate()
        explorer.refresh()

    return redraw


def bench_kernel(moves: int) -> None:
    from hinge_utils import widgets as hw

    rng = random.Random(0)

    def margin_moves(ex):
        ranges = {"angle": (-180.0, 180.0), "norm": (0.0, 4.0), "bias": (-3.0, 3.0),
                  "margin": (0.0, 3.0)}
        names = [rng.choice(list(ranges)) for _ in range(moves)]
        return [(ex.controls[n], round(rng.uniform(*ranges[n]), 2)) for n in names]

    def multiclass_moves(ex):
        names = [f"w{k}{j}" for k in range(3) for j in range(2)] + [f"b{k}" for k in range(3)]
        return [(ex.controls[rng.choice(names)], round(rng.uniform(-3.0, 3.0), 2))
                for _ in range(moves)]

    def loss_moves(ex):
        return [(ex.controls["margin"], round(rng.uniform(0.0, 2.0), 2)) if rng.random() < 0.5
                else (ex.controls["tau"], 10 ** rng.uniform(-2.0, 0.5)) for _ in range(moves)]

    print(f"In the kernel: slider value -> finished redraw, {moves} random moves per explorer")
    print(f"{'':24s}{'median ms':>10s}{'p95 ms':>9s}   baselines at the same size: "
          "empty figure to PNG | this figure fully redrawn")
    for name, factory, make_moves in (("margin_explorer", hw.margin_explorer, margin_moves),
                                      ("multiclass_explorer", hw.multiclass_explorer,
                                       multiclass_moves),
                                      ("loss_explorer", hw.loss_explorer, loss_moves)):
        explorer = factory()
        for slider, value in make_moves(explorer)[:10]:  # warm up
            slider.value = value
        empty_png = _empty_figure_to_png(explorer.canvas.pixel_size, explorer.canvas.figure.dpi)
        empty_png()  # warm up
        frames = explorer.frames
        # each move alternates with an empty-figure render, the first baseline
        move_times, empty_times = alternate(_mover(make_moves(explorer)), empty_png, moves,
                                            warmup=0)
        changed = explorer.frames - frames  # a move to the value already shown draws nothing
        assert changed <= moves, "at most one redraw per move"
        # the second baseline after the moves, not between them: a full redraw drops the cached
        # background that the next move would use
        full_times = [timed(_full_redraw(explorer)) for _ in range(30)]
        ours = stats(move_times).scaled(1e3)
        median, p95 = ours.median, ours.p95
        empty = stats(empty_times).scaled(1e3).median
        full = stats(full_times).scaled(1e3).median
        verdict = "ok" if median <= 30 and p95 <= 60 else "ABOVE TARGET"
        print(f"  {name:22s}{median:10.1f}{p95:9.1f}   {empty:6.1f} ({median / empty:4.1f}x) "
              f"| {full:6.1f} ({median / full:4.2f}x)   [{verdict}: median <= 30, p95 <= 60; "
              f"{changed} frames]")
        explorer.close()


# ---------------------------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------------------------

INSTRUMENT = """() => {
    const root = document.querySelector('.hu-margin-explorer');
    const img = root.querySelector('img.hu-margin-figure');
    const readout = root.querySelector('.hu-readout-loss');
    window.__hu = {keys: [], frames: [], readouts: []};
    document.addEventListener('keydown', () => window.__hu.keys.push(performance.now()), true);
    img.addEventListener('load', () => window.__hu.frames.push(performance.now()));
    new MutationObserver(() => window.__hu.readouts.push(performance.now()))
        .observe(readout, {subtree: true, childList: true, characterData: true});
}"""


def bench_browser(presses: int) -> None:
    missing = missing_browser_stack()
    if missing:
        print(f"\nIn the browser: skipped, missing {' and '.join(missing)}")
        return
    try:
        with voila_server(start_seconds=60) as url, chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 720})  # the app, one screen
            start = time.perf_counter()
            page.goto(url, timeout=120_000)
            page.locator(".hu-margin-explorer img.hu-margin-figure[src]").wait_for(
                timeout=120_000)
            load_s = time.perf_counter() - start
            page.evaluate(INSTRUMENT)
            handle = page.locator(".hu-margin-explorer .hu-slider-angle .noUi-handle")
            handle.focus()
            for i in range(presses):  # one at a time: wait for each new figure
                handle.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                page.wait_for_function(f"window.__hu.frames.length >= {i + 1}",
                                       timeout=15_000)
            data = page.evaluate("window.__hu")
            figure = stats(_first_after(data["keys"], data["frames"]))
            readout = stats(_first_after(data["keys"], data["readouts"]))
            median, p95, r_median = figure.median, figure.p95, readout.median
            verdict = "ok" if median <= 150 else "ABOVE TARGET"
            print(f"\nIn the browser (Voila + Chromium, page ready in {load_s:.1f} s): "
                  f"{presses} key presses on the angle slider, one at a time")
            print(f"  keydown -> new figure loaded: median {median:6.1f} ms, p95 {p95:6.1f} ms"
                  f"   [{verdict}: median <= 150]")
            print(f"  baseline, keydown -> readout text changed: median {r_median:6.1f} ms "
                  f"(figure / readout: {median / r_median:.2f}x)")
            _burst(page, handle)
    except ServerError as error:
        sys.exit(str(error))


def _first_after(keys: list[float], events: list[float]) -> list[float]:
    """For each key press, the time to the first event after it (ms)."""
    return [min(e for e in events if e >= k) - k for k in keys]


def _burst(page, handle, presses: int = 30) -> None:
    """Hold a key: many values in flight at once; only the latest may be drawn after each frame."""
    page.evaluate("window.__hu.frames = []")
    angle = float(page.locator(".hu-margin-explorer .hu-slider-angle .widget-readout")
                  .inner_text())
    start = time.perf_counter()
    for _ in range(presses):
        handle.press("ArrowRight", delay=0)
    final = angle + presses
    w = (math.cos(math.radians(final)), math.sin(math.radians(final)))
    caption = f"w = ({w[0]:.3f}, {w[1]:.3f})"
    page.wait_for_function(
        "t => document.querySelector('.hu-margin-figure-caption').textContent.includes(t)",
        arg=caption, timeout=30_000)
    elapsed = time.perf_counter() - start
    frames = len(page.evaluate("window.__hu.frames"))
    print(f"  burst: {presses} presses as fast as the keyboard goes -> {frames} figures drawn, "
          f"the last one at angle {final:.0f} after {elapsed * 1e3:.0f} ms (no backlog: "
          f"{presses - frames} stale values skipped)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=300)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    bench_kernel(args.moves)
    if not args.no_browser:
        bench_browser(args.presses)


if __name__ == "__main__":
    main()
