"""Audit built pages with axe-core in Chromium: the docs site and the decks, served on 127.0.0.1.

    python docs/accessibility.py build/site build/slides

prints, page by page, the axe-core violations (rule, impact, number of elements) and exits 1 if
any is serious or critical. ``tests/test_accessibility.py`` runs the same audit on fresh builds.

axe-core comes from ``docs/node_modules`` (pinned in ``docs/package-lock.json``, fetched once by
``docs/vendor.py``) and is injected into each page through Playwright: nothing is fetched at audit
time. Chromium is Debian's ``/usr/bin/chromium``, started by ``benchmarks/_voila.py``'s
``chromium()``, the one launcher of the tests and benchmarks.

A page is audited once everything that changes its DOM has run: MathJax's typesetting and, on a
page with widget snapshots, the widget renderer. A deck is audited twice: as a lecturer first
sees it (the title slide) and in reveal.js's print layout (``?print-pdf``), where every slide is
in the page at once, so no slide escapes the audit. The print layout shows slides that reveal.js
still marks ``hidden``/``aria-hidden`` (the state of a slide off screen), so axe's
``aria-hidden-focus`` is left out there: in a live deck those slides are not displayed, and the
rule runs on the deck as presented.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
AXE_SCRIPT = DOCS / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")
IMPACT_ORDER = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
PAGE_TIMEOUT_MS = 60_000

# Resolves once MathJax 2 has typeset the page (at once if the page has no MathJax).
MATHJAX_DONE = """() => new Promise(resolve => {
    if (!window.MathJax || !window.MathJax.Hub) { resolve(false); return; }
    window.MathJax.Hub.Queue(() => resolve(true));
})"""
# True once every saved widget view of the page has been rendered by the widget renderer.
WIDGETS_DONE = """() => {
    const views = document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]').length;
    if (!views) return true;
    return document.querySelectorAll('.widget-subarea, .jupyter-widgets.widget-container,'
        + ' .jupyter-widgets-view').length > 0;
}"""
# Runs axe with its default rules (WCAG 2.0/2.1 A and AA, and best practices), less ``disabled``.
RUN_AXE = """async (disabled) => {
    const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
    const result = await axe.run(document, {resultTypes: ['violations'], rules});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                  summary: n.failureSummary}))
    }));
}"""


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on a free port of 127.0.0.1; yield its base URL.

    The server runs in a thread of this process and is shut down on leaving.
    """
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
    }

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        pass


def axe_source() -> str:
    """axe-core's browser build, from ``docs/node_modules`` (installed by ``npm ci`` if needed)."""
    if not AXE_SCRIPT.is_file():
        from vendor import ensure_node_modules

        ensure_node_modules()
    return AXE_SCRIPT.read_text(encoding="utf-8")


def settle(page: Any) -> None:
    """Wait until MathJax and the widget renderer have finished changing the page."""
    page.wait_for_load_state("load")
    page.wait_for_function(WIDGETS_DONE, timeout=PAGE_TIMEOUT_MS)
    page.evaluate(MATHJAX_DONE)


PRINT_LAYOUT_DISABLED = ("aria-hidden-focus",)


def audit(page: Any, url: str, axe: str, disabled: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Open ``url`` in ``page``, let it settle, run axe-core (less the ``disabled`` rules);
    return its violations."""
    page.goto(url, timeout=PAGE_TIMEOUT_MS)
    settle(page)
    page.add_script_tag(content=axe)
    return page.evaluate(RUN_AXE, list(disabled))


def site_pages(folder: Path) -> list[str]:
    """The HTML pages of a built folder to audit, relative to it: the top-level ``*.html`` and
    the API reference's pages (``api/**/*.html``, less pdoc's ``api/index.html``, a redirect)."""
    pages = sorted(path.name for path in folder.glob("*.html"))
    pages += sorted(str(path.relative_to(folder)) for path in folder.glob("api/**/*.html")
                    if path != folder / "api" / "index.html")  # pdoc's redirect to the package
    return pages


def deck_views(folder: Path) -> list[str]:
    """What to audit in a folder of decks: the index, every deck in its print layout (all its
    slides), and the first deck as presented (its title slide, with reveal.js's controls).

    >>> deck_views(Path("/nonexistent"))
    []
    """
    decks = sorted(path.name for path in folder.glob("*.slides.html"))
    if not decks:
        return []
    return ["index.html", decks[0], *(f"{deck}?print-pdf" for deck in decks)]


def audit_folder(browser: Any, folder: Path, pages: list[str] | None = None, *,
                 progress: Any = None) -> dict[str, list[dict[str, Any]]]:
    """Audit pages of a built folder, served on 127.0.0.1, in one browser context.

    Args:
        pages: paths relative to ``folder``, a deck's print layout as
            ``"NN_name.slides.html?print-pdf"``; default: :func:`site_pages` and, for each deck,
            its print layout too.
        progress: called with each page's name before it is audited (e.g. ``print``).

    Returns:
        ``{page: violations}``.
    """
    if pages is None:
        pages = site_pages(folder)
        pages += [f"{name}?print-pdf" for name in pages if name.endswith(".slides.html")]
    axe = axe_source()
    results: dict[str, list[dict[str, Any]]] = {}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        with serve_folder(folder) as base:
            for name in pages:
                if progress is not None:
                    progress(name)
                disabled = PRINT_LAYOUT_DISABLED if name.endswith("?print-pdf") else ()
                results[name] = audit(page, f"{base}/{name}", axe, disabled)
    finally:
        context.close()
    return results


def counts(violations: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """``(rule, impact, elements)`` for each violated rule, the most severe first.

    >>> counts([{"id": "image-alt", "impact": "critical", "nodes": [{}, {}]},
    ...         {"id": "region", "impact": "moderate", "nodes": [{}]}])
    [('image-alt', 'critical', 2), ('region', 'moderate', 1)]
    """
    rows = [(v["id"], v["impact"] or "minor", len(v["nodes"])) for v in violations]
    return sorted(rows, key=lambda row: (IMPACT_ORDER.get(row[1], 9), row[0]))


def severe(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The serious and critical violations only."""
    return [v for v in violations if v["impact"] in SEVERE]


def describe(violations: list[dict[str, Any]], *, examples: int = 3) -> str:
    """Each violation with its help text and a few offending elements, for a failure message."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}): "
                     f"{violation['help']}")
        for node in violation["nodes"][:examples]:
            lines.append(f"    {node['target']}: {node['html']}")
    return "\n".join(lines)


def table(results: dict[str, list[dict[str, Any]]]) -> str:
    """A markdown table: each page, its violations as ``rule (impact, elements)``, severe total.

    >>> print(table({"a.html": [], "b.html": [{"id": "x", "impact": "serious", "nodes": [{}]}]}))
    | page | serious + critical elements | violations (impact, elements) |
    |---|---|---|
    | `a.html` | 0 | none |
    | `b.html` | 1 | x (serious, 1) |
    """
    lines = ["| page | serious + critical elements | violations (impact, elements) |",
             "|---|---|---|"]
    for name, violations in results.items():
        rows = counts(violations)
        found = ", ".join(f"{rule} ({impact}, {n})" for rule, impact, n in rows) or "none"
        total = sum(n for _, impact, n in rows if impact in SEVERE)
        lines.append(f"| `{name}` | {total} | {found} |")
    return "\n".join(lines)


def totals(results: dict[str, list[dict[str, Any]]]) -> Counter[tuple[str, str]]:
    """Elements per ``(rule, impact)`` over all pages."""
    total: Counter[tuple[str, str]] = Counter()
    for violations in results.values():
        for rule, impact, n in counts(violations):
            total[(rule, impact)] += n
    return total


def main(argv: list[str]) -> int:
    folders = [Path(arg) for arg in argv] or [DOCS.parent / "build" / "site"]
    sys.path.insert(0, str(DOCS.parent / "benchmarks"))
    from _voila import chromium  # the tests' and benchmarks' one Chromium launcher

    failed = False
    with chromium() as browser:
        for folder in folders:
            results = audit_folder(browser, folder,
                                   progress=lambda name: print(name, file=sys.stderr))
            print(f"## {folder}\n\n{table(results)}\n")
            failed |= any(severe(violations) for violations in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
