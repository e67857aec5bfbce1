"""The classroom app (``apps/explorer.ipynb``): Voila serves it, a real Chromium drives it.

The test starts Voila exactly as ``make explore`` does (``hinge_utils.widgets.app``) on a free
port of 127.0.0.1 with a fresh token, drives Debian's ``chromium`` through Playwright (both
launched by ``benchmarks/_voila.py``, which ``bench_explorer.py`` uses too), moves
sliders with the keyboard, and waits for the exact readout text, then for a new figure image and
the caption that names its state (waiting only for "something changed" would race: the readouts
are updated before the figure). At 1280 x 720 and 1366 x 768 it measures that every explorer
fits the screen, and saves screenshots in the test's tmp dir (their paths are printed: run with
``-s`` to see them). It reloads the page and asks the server which kernels still run.

Without ``/usr/bin/chromium`` (``apt-get install -y chromium``), Voila or Playwright the tests are
skipped with the reason, except in CI (``CI=true``), where they fail: ``.ci/run`` installs the
browser.
"""

from __future__ import annotations

import math
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the launcher shared with bench_explorer.py

from _voila import (  # noqa: E402
    APP_NOTEBOOK,
    chromium,
    kernel_alive,
    page_kernel_id,
    require_browser_stack,
    voila_server,
)

PAGE_TIMEOUT_MS = 60_000  # the page appears once the whole notebook has run in its kernel
UPDATE_TIMEOUT_MS = 15_000


def _require_browser_stack() -> None:
    require_browser_stack("browser tests")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Voila serving the explorer app as make explore does; yields the URL with the token."""
    _require_browser_stack()
    log_path = tmp_path_factory.mktemp("voila") / "voila.log"
    with voila_server(APP_NOTEBOOK, log_path=log_path, start_seconds=60) as url:
        yield url


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[object]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def page(browser, app_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(app_url, timeout=PAGE_TIMEOUT_MS)
        page.locator(".hu-margin-explorer img.hu-margin-figure[src]").wait_for(
            timeout=PAGE_TIMEOUT_MS
        )
        page.errors = errors
        yield page
    finally:
        context.close()


def _expected(norm: float, angle: float = 45.0, bias: float = 0.0, delta: float = 1.0):
    """The readouts for the default data set, computed here from the definitions."""
    from hinge_utils.widgets.margin import default_datasets

    X, y = default_datasets()["overlapping"]
    theta = math.radians(angle)
    w = torch.tensor([norm * math.cos(theta), norm * math.sin(theta)], dtype=torch.float64)
    m = y * (X @ w + bias)
    loss = float(torch.clamp(delta - m, min=0).mean())
    return {
        "loss": f"mean hinge loss (Δ = {delta:.2f}): {loss:.4f}",
        # samples that push: below the margin by more than the library's tolerance
        "gradient": f"samples that push: {int((m < delta - 1e-6 - 1e-4 * delta).sum())} of "
                    f"{len(y)} points",
        "w": f"w = ({w[0]:.3f}, {w[1]:.3f})",
        "caption_loss": f"mean hinge loss {loss:.4f}",
    }


def _readout(page, name: str):
    return page.locator(f".hu-margin-explorer .hu-readout-{name}")


def _figure(page):
    return page.locator(".hu-margin-explorer img.hu-margin-figure")


def _press(page, slider: str, key: str) -> None:
    handle = page.locator(f".hu-margin-explorer .hu-slider-{slider} .noUi-handle")
    handle.focus()
    handle.press(key)


def _wait_for_frame(page, old_src: str, *caption_parts: str) -> str:
    """Wait for a new, loaded figure image and a caption (set after it) naming every part."""
    page.wait_for_function(
        """([oldSrc, parts]) => {
            const root = document.querySelector('.hu-margin-explorer');
            const img = root.querySelector('img.hu-margin-figure');
            const caption = root.querySelector('.hu-margin-figure-caption').textContent;
            return img.src !== oldSrc && img.complete && img.naturalWidth > 0
                && parts.every(p => caption.includes(p));
        }""",
        arg=[old_src, list(caption_parts)],
        timeout=UPDATE_TIMEOUT_MS,
    )
    return _figure(page).get_attribute("src")


def test_the_app_needs_the_token(app_url: str):
    base = app_url.split("?")[0]
    request = urllib.request.Request(base + "/", method="GET")
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(request, timeout=10)
    assert refused.value.code in (302, 401, 403)  # 302: to the login page that asks for it


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_moving_the_norm_slider_updates_readout_and_figure(page, tmp_path: Path):
    start = _expected(norm=1.0)
    _readout(page, "loss").filter(has_text=start["loss"]).wait_for(timeout=UPDATE_TIMEOUT_MS)
    old_src = _figure(page).get_attribute("src")

    _press(page, "norm", "ArrowRight")  # ||w|| 1.00 -> 1.05, b stays 0
    after = _expected(norm=1.05)
    assert after["loss"] != start["loss"]
    _readout(page, "loss").filter(has_text=after["loss"]).wait_for(timeout=UPDATE_TIMEOUT_MS)
    assert _readout(page, "loss").inner_text().strip() == after["loss"]
    assert _readout(page, "gradient").inner_text().strip() == after["gradient"]
    _wait_for_frame(page, old_src, after["w"], after["caption_loss"])

    shot = tmp_path / "margin_explorer.png"
    page.locator(".hu-margin-explorer").screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert not page.errors, page.errors


def test_w_zero_in_the_browser_says_no_boundary(page, tmp_path: Path):
    old_src = _figure(page).get_attribute("src")
    _press(page, "norm", "Home")  # ||w|| = 0
    geometric = _readout(page, "geometric")
    geometric.filter(has_text="undefined").wait_for(timeout=UPDATE_TIMEOUT_MS)
    assert geometric.inner_text().strip() == (
        "worst point, geometric margin: undefined (no boundary: w = 0)"
    )
    _wait_for_frame(page, old_src, "w = (0.000, 0.000)", "no boundary")
    page.locator(".hu-margin-explorer").screenshot(path=str(tmp_path / "margin_explorer_w0.png"))
    assert not page.errors, page.errors


def test_the_step_button_of_the_multiclass_explorer_takes_one_gradient_step(page, tmp_path: Path):
    """One click: the objective becomes J(W - eta grad J), computed here with torch's own loss."""
    from hinge_utils.widgets.multiclass import DEFAULT_B, DEFAULT_W, default_data

    X, y = default_data()
    W = torch.tensor(DEFAULT_W, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(DEFAULT_B, dtype=torch.float64, requires_grad=True)

    def objective(W, b):  # Weston-Watkins = K * multi_margin_loss; lambda = 0.1, eta = 0.2
        scores = X @ W.T + b
        return 3 * torch.nn.functional.multi_margin_loss(scores, y) + 0.1 / 2 * (W * W).sum()

    grad_W, grad_b = torch.autograd.grad(objective(W, b), (W, b))
    after = objective(W.detach() - 0.2 * grad_W, b.detach() - 0.2 * grad_b)
    root = ".hu-multiclass-explorer"
    page.get_by_role("tab", name="Multi-class").click()
    readout = page.locator(f"{root} .hu-readout-objective")
    readout.filter(has_text=f"objective J: {float(objective(W, b).detach()):.4f}").wait_for(
        timeout=UPDATE_TIMEOUT_MS)
    old_src = page.locator(f"{root} img.hu-multiclass-figure").get_attribute("src")
    page.locator(f"{root} .hu-control-step").click()
    readout.filter(has_text=f"objective J: {float(after):.4f}").wait_for(
        timeout=UPDATE_TIMEOUT_MS)
    page.wait_for_function(
        """([root, oldSrc]) => {
            const img = document.querySelector(root + ' img.hu-multiclass-figure');
            return img.src !== oldSrc && img.complete && img.naturalWidth > 0;
        }""", arg=[root, old_src], timeout=UPDATE_TIMEOUT_MS)
    # The sliders show the stepped weights on their 0.01 grid, so the browser has nothing to
    # snap and send back: the exact step stays (an echo would redraw with rounded weights).
    page.wait_for_timeout(1000)
    assert readout.inner_text().strip() == f"objective J: {float(after):.4f}"
    page.locator(root).screenshot(path=str(tmp_path / "multiclass_explorer.png"))
    page.get_by_role("tab", name="Margin").click()
    assert not page.errors, page.errors


# ---------------------------------------------------------------------------------------------
# One screen: every explorer fits 1280 x 720 and 1366 x 768, legibly, with named sliders
# ---------------------------------------------------------------------------------------------

TABS = {"Margin": "hu-margin", "Multi-class": "hu-multiclass", "Losses": "hu-loss"}

MEASURE = """(root) => {
    const box = (e) => { const r = e.getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    const shown = (e) => e.getClientRects().length > 0
        && getComputedStyle(e).visibility !== 'hidden';
    const explorer = document.querySelector(root);
    const img = explorer.querySelector('img.hu-figure');
    const within = (sel) => [...explorer.querySelectorAll(sel)].filter(shown);
    const px = (e) => parseFloat(getComputedStyle(e).fontSize);
    return {
        viewport: [window.innerWidth, window.innerHeight],
        scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
        figure: box(img), natural: [img.naturalWidth, img.naturalHeight],
        controls: within('.widget-slider, .widget-button, .widget-toggle-button, .widget-checkbox, '
                         + '.widget-dropdown, .hu-readout, .hu-loss-table').map(box),
        sliders: within('.widget-slider').map(box),
        handles: within('.noUi-handle').map(h => [h.getAttribute('aria-label'),
            h.closest('.widget-slider').querySelector('.widget-label').textContent.trim()]),
        fonts: within('.widget-slider .widget-label, .widget-readout, .hu-readout')
            .map(e => [e.textContent.trim().slice(0, 30), px(e)]),
    };
}"""


def _inside(box: dict, width: int, height: int) -> bool:
    return (box["left"] >= 0 and box["top"] >= 0 and box["right"] <= width + 0.5
            and box["bottom"] <= height + 0.5)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1366, 768)])
def test_every_explorer_fits_the_screen_legibly(browser, app_url: str, tmp_path: Path,
                                                width: int, height: int):
    """Figure, sliders, buttons and readouts of each tab lie inside the viewport, nothing
    scrolls, the figure is shown at least at its natural size (96 dpi: 12 pt of figure text is
    at least 12 pt on the screen), labels and readouts are at least 16 px, and every slider
    handle is named after its description."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(app_url, timeout=PAGE_TIMEOUT_MS)
        for tab, prefix in TABS.items():
            page.get_by_role("tab", name=tab).click()
            page.locator(f".{prefix}-explorer img.hu-figure[src]").wait_for(
                timeout=PAGE_TIMEOUT_MS)
            page.wait_for_function(
                "r => [...document.querySelectorAll(r + ' .noUi-handle')]"
                ".every(h => h.getAttribute('aria-label'))",
                arg=f".{prefix}-explorer", timeout=UPDATE_TIMEOUT_MS)
            found = page.evaluate(MEASURE, f".{prefix}-explorer")
            assert found["viewport"] == [width, height]
            assert found["scroll"] == [width, height], f"{tab}: the page scrolls"
            figure = found["figure"]
            assert _inside(figure, width, height), (tab, figure)
            assert found["sliders"], tab
            for control in found["controls"]:
                assert _inside(control, width, height), (tab, control)
            scale = min((figure["right"] - figure["left"]) / found["natural"][0],
                        (figure["bottom"] - figure["top"]) / found["natural"][1])
            assert scale >= 0.99, f"{tab}: the figure is shrunk to {scale:.2f} of its size"
            small = [(text, size) for text, size in found["fonts"] if size < 16]
            assert not small, (tab, small)
            assert all(label == text for label, text in found["handles"]), found["handles"]
            shot = tmp_path / f"app_{width}x{height}_{prefix[3:]}.png"
            page.screenshot(path=str(shot))
            print(f"\n{tab} at {width}x{height}: {shot}; figure "
                  f"({figure['left']:.0f}, {figure['top']:.0f})-({figure['right']:.0f}, "
                  f"{figure['bottom']:.0f}), scale {scale:.2f}")
        assert not errors, errors
    finally:
        context.close()


def test_keyboard_steps_the_data_set_stays_and_the_help_opens(page, tmp_path: Path):
    """Page Up steps a slider by five steps; the data set survives a tab switch; "what to
    try" shows its panel over the figure and hides it again; reset goes back to the start."""
    page.get_by_role("tab", name="Margin").click()
    _press(page, "margin", "PageUp")  # margin 1.00 -> 1.25: five steps of 0.05
    _readout(page, "loss").filter(has_text="(Δ = 1.25)").wait_for(timeout=UPDATE_TIMEOUT_MS)
    page.locator(".hu-margin-explorer .hu-control-dataset select").select_option("outliers")
    page.get_by_role("tab", name="Losses").click()
    page.get_by_role("tab", name="Margin").click()
    assert page.locator(".hu-margin-explorer .hu-control-dataset select").input_value() == (
        "outliers")
    help_panel = page.locator(".hu-margin-explorer .hu-help")
    page.locator(".hu-margin-explorer .hu-help-toggle").click()
    help_panel.wait_for(state="visible", timeout=UPDATE_TIMEOUT_MS)
    page.screenshot(path=str(tmp_path / "app_help.png"))
    page.locator(".hu-margin-explorer .hu-help-toggle").click()
    help_panel.wait_for(state="hidden", timeout=UPDATE_TIMEOUT_MS)
    page.locator(".hu-margin-explorer .hu-control-reset").click()
    _readout(page, "loss").filter(has_text="(Δ = 1.00)").wait_for(timeout=UPDATE_TIMEOUT_MS)
    assert page.locator(".hu-margin-explorer .hu-control-dataset select").input_value() == (
        "outliers")  # reset keeps the data set
    page.locator(".hu-margin-explorer .hu-control-dataset select").select_option("overlapping")
    _readout(page, "loss").filter(has_text=_expected(norm=1.0)["loss"]).wait_for(
        timeout=UPDATE_TIMEOUT_MS)
    assert not page.errors, page.errors


def test_reloading_the_page_leaves_one_kernel(browser, tmp_path: Path):
    """Three reloads: the server's kernel API (with the token) answers for the last page's
    kernel only; the three before it are shut down (culled once no page is connected; the
    server here culls after 3 s instead of make explore's 30 s, to keep the test short)."""
    _require_browser_stack()
    with voila_server(APP_NOTEBOOK, log_path=tmp_path / "voila.log", cull=(3, 1)) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        try:
            page = context.new_page()
            kernels = []
            for load in range(4):
                if load == 0:
                    page.goto(url, timeout=PAGE_TIMEOUT_MS)
                else:
                    page.reload(timeout=PAGE_TIMEOUT_MS)
                page.locator(".hu-margin-explorer img.hu-margin-figure[src]").wait_for(
                    timeout=PAGE_TIMEOUT_MS)
                kernels.append(page_kernel_id(page))
            assert len(set(kernels)) == 4  # each load started a kernel of its own
            deadline = time.monotonic() + 60
            while any(kernel_alive(url, k) for k in kernels[:-1]):
                assert time.monotonic() < deadline, "old kernels still run after 60 s"
                time.sleep(1)
            alive = [k for k in kernels if kernel_alive(url, k)]
            print(f"\nkernels after 3 reloads: {len(alive)} running of the {len(kernels)} started")
            assert alive == kernels[-1:]
            _press(page, "norm", "ArrowRight")  # the page still works on its own kernel
            _readout(page, "loss").filter(has_text=_expected(norm=1.05)["loss"]).wait_for(
                timeout=UPDATE_TIMEOUT_MS)
        finally:
            context.close()
