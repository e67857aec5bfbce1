"""The explorer lesson as the classroom app: Voila serves it, a real Chromium moves a slider.

The test starts Voila exactly as ``make explore`` does (``hinge_utils.widgets.app``) on a free
port of 127.0.0.1 with a fresh token, drives Debian's ``chromium`` through Playwright (both
launched by ``benchmarks/_voila.py``, which ``bench_explorer.py`` uses too), moves
sliders with the keyboard, and waits for the exact readout text, then for a new figure image and
the caption that names its state (waiting only for "something changed" would race: the readouts
are updated before the figure). It saves a screenshot in the test's tmp dir.

Without ``/usr/bin/chromium`` (``apt-get install -y chromium``), Voila or Playwright the tests are
skipped with the reason, except in CI (``CI=true``), where they fail: ``.ci/run`` installs the
browser.
"""

from __future__ import annotations

import math
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the launcher shared with bench_explorer.py

from _voila import EXPLORER_NOTEBOOK, chromium, missing_browser_stack, voila_server  # noqa: E402

PAGE_TIMEOUT_MS = 60_000  # the page appears once the whole notebook has run in its kernel
UPDATE_TIMEOUT_MS = 15_000


def _require_browser_stack() -> None:
    """Skip without Chromium, Voila or Playwright, with the fix; in CI (CI=true) fail instead."""
    missing = missing_browser_stack()
    if not missing:
        return
    reason = "browser test needs " + " and ".join(missing)
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true: .ci/run must provide it, the browser test never skips")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Voila serving the explorer lesson; yields the URL with the token."""
    _require_browser_stack()
    log_path = tmp_path_factory.mktemp("voila") / "voila.log"
    with voila_server(EXPLORER_NOTEBOOK, log_path=log_path, start_seconds=60) as url:
        yield url


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[object]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def page(browser, app_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
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
    assert not page.errors, page.errors
