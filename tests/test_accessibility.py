"""The built site and decks in a real browser: axe-core finds no serious or critical violation,
the keyboard reaches everything, search answers offline.

The site and the decks are built once per session (``tests/test_docs.py``'s ``build_once``, as
``make docs`` and ``make slides`` build them), served on 127.0.0.1 by a server in this process
(``docs/accessibility.py``), and opened in Debian's Chromium through Playwright (launched by
``benchmarks/_voila.py``, the tests' one launcher). axe-core is the copy pinned in
``docs/package-lock.json``, injected into each page: nothing comes from the network, and every
request to another host is refused (so a page that needed one would fail here).

Audited: every page of the site (lessons, landing page, search page, each API reference page),
the decks' index, and every deck, each in reveal.js's print layout, where all of its slides are
in the page at once (and the first deck also as presented). ``python docs/accessibility.py
build/site build/slides`` prints the same audit as a table.

Without ``/usr/bin/chromium`` or Playwright the tests are skipped with the reason, except in CI
(``CI=true``), where they fail: ``.ci/run`` installs the browser.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_docs import NOTEBOOKS, build_once, needs_notebooks_and_npm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the Chromium launcher shared with test_browser.py
sys.path.insert(0, str(ROOT / "docs"))

import accessibility  # noqa: E402  (docs/accessibility.py)
from _voila import chromium, require_browser_stack  # noqa: E402

pytestmark = needs_notebooks_and_npm("axe-core, MathJax, reveal.js and lunr")

TIMEOUT_MS = 30_000
SEARCH_TERM = "Crammer-Singer"


def _require_browser() -> None:
    require_browser_stack("accessibility tests", modules=("playwright",))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once("build_site.py", tmp_path_factory, "site")


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once("build_slides.py", tmp_path_factory, "slides")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_browser()
    with chromium() as browser:
        yield browser


@pytest.fixture
def offline(browser: Any) -> Iterator[Any]:
    """A browser context that refuses every request to a host other than 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    refused: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1", "file://", "data:", "blob:")):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    context.route("**/*", route)
    context.refused = refused
    try:
        yield context
    finally:
        context.close()


def _assert_no_severe(results: dict[str, list[dict[str, Any]]]) -> None:
    failing = {name: accessibility.severe(v) for name, v in results.items()}
    failing = {name: v for name, v in failing.items() if v}
    report = "\n\n".join(f"{name}:\n{accessibility.describe(v)}" for name, v in failing.items())
    assert not failing, (
        f"serious or critical axe-core violations on {len(failing)} page(s):\n"
        f"{accessibility.table(failing)}\n\n{report}"
    )


def test_no_serious_or_critical_axe_violation_on_any_site_page(browser: Any, site: Path) -> None:
    pages = accessibility.site_pages(site)
    expected = {f"{nb.stem}.html" for nb in NOTEBOOKS} | {"index.html", "search.html",
                                                           "api/hinge_utils.html"}
    assert expected <= set(pages), f"pages missing from the audit: {expected - set(pages)}"
    _assert_no_severe(accessibility.audit_folder(browser, site, pages))


def test_no_serious_or_critical_axe_violation_in_any_deck(browser: Any, decks: Path) -> None:
    views = accessibility.deck_views(decks)
    assert {f"{nb.stem}.slides.html?print-pdf" for nb in NOTEBOOKS} <= set(views)
    _assert_no_severe(accessibility.audit_folder(browser, decks, views))


def _focused(page: Any) -> dict[str, Any]:
    """The focused element: tag, text, where it is, and whether a focus indicator shows."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
            tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim().slice(0, 60),
            href: el.getAttribute('href'), id: el.id, type: el.getAttribute('type'),
            inHeader: !!el.closest('header'), inMain: !!el.closest('main'),
            ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                  || style.boxShadow !== 'none',
            onScreen: box.width > 0 && box.height > 0 && box.bottom > 0
                      && box.top < window.innerHeight,
        };
    }""")


def test_tab_reaches_skip_link_navigation_search_and_content_with_a_visible_focus(
    offline: Any, site: Path
) -> None:
    page = offline.new_page()
    with accessibility.serve_folder(site) as base:
        lesson = f"{NOTEBOOKS[0].stem}.html"
        page.goto(f"{base}/{lesson}")
        accessibility.settle(page)  # MathJax replaces elements while it typesets
        stops = []
        for _ in range(40):
            page.keyboard.press("Tab")
            stops.append(_focused(page))
            if stops[-1]["inMain"] and stops[-1]["tag"] == "a":
                break
        first = stops[0]
        assert first["tag"] == "a" and first["href"] == "#content", stops[:3]
        assert first["onScreen"], "the skip link stays off screen when focused"
        assert any(s["href"] == "api/hinge_utils.html" and s["inHeader"] for s in stops), stops
        assert any(s["id"] == "site-search-input" for s in stops), stops
        assert stops[-1]["inMain"] and stops[-1]["tag"] == "a", "Tab never reached the content"
        no_ring = [s for s in stops if not s["ring"]]
        assert not no_ring, f"focused without a visible focus indicator: {no_ring}"
        # Enter on the skip link moves the focus to the content.
        page.goto(f"{base}/{lesson}")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content"
    assert not offline.refused, offline.refused


def test_searching_from_a_page_finds_the_lesson_offline(offline: Any, site: Path) -> None:
    """Type the term into the header's search box, press Enter: the results list the lesson
    that teaches it (lesson 4, Crammer-Singer), with no request to any other host."""
    lesson = next(nb for nb in NOTEBOOKS if SEARCH_TERM in nb.read_text(encoding="utf-8"))
    page = offline.new_page()
    with accessibility.serve_folder(site) as base:
        page.goto(f"{base}/{NOTEBOOKS[0].stem}.html")
        page.locator("#site-search-input").fill(SEARCH_TERM)
        page.locator("#site-search-input").press("Enter")
        page.wait_for_url("**/search.html?q=*", timeout=TIMEOUT_MS)
        results = page.locator("#search-results li a")
        results.first.wait_for(timeout=TIMEOUT_MS)
        hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert any(h.split("#")[0] == f"{lesson.stem}.html" for h in hrefs[:5]), hrefs[:10]
        assert SEARCH_TERM in page.locator("#search-status").inner_text()
        # The API is searched too: a public name finds its entry.
        page.goto(f"{base}/search.html?q=train_linear_svm")
        results.first.wait_for(timeout=TIMEOUT_MS)
        hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert "api/hinge_utils.html#train_linear_svm" in hrefs, hrefs[:10]
    assert not offline.refused, offline.refused


def test_search_works_from_the_file_system(offline: Any, site: Path) -> None:
    """build/site/index.html opened as a file: the search page still answers."""
    page = offline.new_page()
    page.goto((site / "search.html").as_uri() + f"?q={SEARCH_TERM}")
    page.locator("#search-results li a").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("#search-results li").count() > 0


def test_widget_snapshots_are_named_and_their_figures_described(offline: Any, site: Path) -> None:
    """Lesson 8's saved explorers: every slider handle has a name, every figure a real alt."""
    from alt_text import is_generic

    lesson = next((nb for nb in NOTEBOOKS if "widget-view+json" in nb.read_text()), None)
    if lesson is None:
        pytest.skip("no lesson with widget snapshots")
    page = offline.new_page()
    with accessibility.serve_folder(site) as base:
        page.goto(f"{base}/{lesson.stem}.html")
        accessibility.settle(page)
        page.locator('[role="slider"]').first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(200)  # site.js labels on the next animation frame
        names = page.locator('[role="slider"]').evaluate_all(
            "els => els.map(e => e.getAttribute('aria-label'))")
        alts = page.locator("img.widget-image").evaluate_all(
            "els => els.map(e => e.getAttribute('alt'))")
    assert names and all(names), names
    assert alts and not [alt for alt in alts if is_generic(alt)], alts


def _slide(page: Any) -> int:
    """The horizontal index of the slide shown (reveal.js writes it into the URL: history)."""
    return int(page.evaluate("location.hash.split('/')[1] || '0'") or 0)


def test_arrow_keys_step_through_a_deck(offline: Any, decks: Path) -> None:
    page = offline.new_page()
    with accessibility.serve_folder(decks) as base:
        page.goto(f"{base}/{NOTEBOOKS[0].stem}.slides.html")
        page.wait_for_selector(".reveal.ready", timeout=TIMEOUT_MS)
        assert _slide(page) == 0
        total = int(page.locator(".slide-number-b").inner_text())
        for _ in range(10):  # fragments of the title slide first, then the next slide
            page.keyboard.press("ArrowRight")
            if _slide(page) > 0:
                break
        assert _slide(page) == 1, page.url
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => location.hash.split('/')[1] === '2'", timeout=TIMEOUT_MS)
        page.keyboard.press("ArrowLeft")
        page.wait_for_function("() => location.hash.split('/')[1] === '1'", timeout=TIMEOUT_MS)
        page.keyboard.press("Home")
        page.wait_for_function("() => (location.hash.split('/')[1] || '0') === '0'",
                               timeout=TIMEOUT_MS)
        page.keyboard.press("End")
        page.wait_for_function(
            "() => document.querySelector('.slide-number-a').textContent.trim() === "
            "document.querySelector('.slide-number-b').textContent.trim()", timeout=TIMEOUT_MS)
        assert int(page.locator(".slide-number-a").inner_text()) == total
    assert not offline.refused, offline.refused
