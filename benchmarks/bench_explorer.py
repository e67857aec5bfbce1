"""How fast the explorers answer: slider value -> finished redraw, in the kernel and in a browser.

1. In the kernel (this process): a few hundred random slider moves per explorer, each timed from
   setting ``slider.value`` to the return of the setter (the observer recomputes the readouts,
   redraws the moving artists and stores the PNG in the ``Image`` widget before it returns).
   Beside it, in the same process, two baselines at the same figure size: a bare matplotlib
   render of an empty figure to PNG, and the explorer's own figure fully redrawn (no cached
   background). Targets: median <= 30 ms, p95 <= 60 ms.
2. In the browser: Voila serves the explorer lesson as ``make explore`` does, Chromium presses
   a key on a slider, and the page itself times keydown -> the new figure image loaded (and, as
   a baseline, keydown -> the readout text changed: the round trip without the picture).
   Target: median <= 150 ms. Skipped when /usr/bin/chromium is missing.

Run: ``.venv/bin/python benchmarks/bench_explorer.py [--moves 300] [--presses 40] [--no-browser]``
"""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _stats(samples_ms: list[float]) -> tuple[float, float]:
    return statistics.median(samples_ms), float(np.percentile(samples_ms, 95))


def _time_moves(moves: list[tuple[object, float]]) -> list[float]:
    """Set each ``slider.value = value`` in turn; the time of each setter call, in ms."""
    times = []
    for slider, value in moves:
        start = time.perf_counter()
        slider.value = value
        times.append((time.perf_counter() - start) * 1e3)
    return times


def _empty_figure_baseline(pixel_size: tuple[int, int], dpi: float, repeats: int) -> list[float]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(pixel_size[0] / dpi, pixel_size[1] / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        figure.savefig(io.BytesIO(), format="png")
        times.append((time.perf_counter() - start) * 1e3)
    return times


def _full_redraw_baseline(explorer, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        explorer.canvas.invalidate()
        explorer.refresh()
        times.append((time.perf_counter() - start) * 1e3)
    return times


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
        _time_moves(make_moves(explorer)[:10])  # warm up
        planned = [(slider, value) for slider, value in make_moves(explorer)]
        frames = explorer.frames
        median, p95 = _stats(_time_moves(planned))
        changed = explorer.frames - frames  # a move to the value already shown draws nothing
        assert changed <= moves, "at most one redraw per move"
        empty, _ = _stats(_empty_figure_baseline(explorer.canvas.pixel_size,
                                                 explorer.canvas.figure.dpi, 50))
        full, _ = _stats(_full_redraw_baseline(explorer, 30))
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"voila exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"voila did not listen on port {port} within {seconds} s")


def bench_browser(presses: int) -> None:
    if not CHROMIUM.exists():
        print(f"\nIn the browser: skipped, {CHROMIUM} is missing (apt-get install -y chromium)")
        return
    from playwright.sync_api import sync_playwright

    from hinge_utils.widgets.app import voila_command

    port, token = _free_port(), secrets.token_hex(16)
    notebook = ROOT / "notebooks" / "08_margin_explorer.ipynb"
    command = voila_command(notebook, port=port, token=token, open_browser=False)
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_port(port, process, 60)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                 args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/?token={token}", timeout=120_000)
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
                figure_ms = _first_after(data["keys"], data["frames"])
                readout_ms = _first_after(data["keys"], data["readouts"])
                median, p95 = _stats(figure_ms)
                r_median, _ = _stats(readout_ms)
                verdict = "ok" if median <= 150 else "ABOVE TARGET"
                print(f"\nIn the browser (Voila + Chromium, page ready in {load_s:.1f} s): "
                      f"{presses} key presses on the angle slider, one at a time")
                print(f"  keydown -> new figure loaded: median {median:6.1f} ms, p95 {p95:6.1f} ms"
                      f"   [{verdict}: median <= 150]")
                print(f"  baseline, keydown -> readout text changed: median {r_median:6.1f} ms "
                      f"(figure / readout: {median / r_median:.2f}x)")
                _burst(page, handle)
            finally:
                browser.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


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
