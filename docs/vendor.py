"""Browser assets for the docs site and the decks, taken from the npm registry and served locally.

nbconvert's HTML and slide templates load MathJax, require.js, jQuery, reveal.js and the widget
renderer from CDNs by default; a lecture hall's network is not to be trusted, so every page here
loads them from ``<out>/_static`` instead. ``docs/package-lock.json`` pins the exact versions;
``npm ci`` installs them into ``docs/node_modules`` once (a stamp holds the lock file's hash, so a
second build fetches nothing) and :func:`copy_assets` copies only the files a page loads.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

DOCS = Path(__file__).resolve().parent
NODE_MODULES = DOCS / "node_modules"
LOCK_FILE = DOCS / "package-lock.json"
STAMP = NODE_MODULES / ".lock-sha256"

# The files a page loads, as (source under node_modules, destination under _static, glob).
# MathJax 2 (nbconvert's templates configure MathJax.Hub, the v2 API): the TeX input, the
# CommonHTML output and its woff fonts, and the extensions (the accessibility menu included),
# about 6 MB of the package's 73 MB.
MATHJAX_FILES = [
    "MathJax.js",
    "config/TeX-AMS_CHTML-full.js",
    "config/Safe.js",
    "extensions/**/*",
    "jax/element/**/*.js",
    "jax/input/TeX/*.js",
    "jax/output/CommonHTML/**/*.js",
    "jax/output/PreviewHTML/**/*.js",
    "fonts/HTML-CSS/TeX/woff/**/*.woff",
    "localization/en/*.js",
]
# The widget renderer and its icon fonts (Font Awesome), which it looks for next to itself once
# ``patch_widget_font_path`` has fixed where "next to itself" is.
WIDGET_FILES = ["embed-amd.js", "*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg"]
# html-manager 1.0.x computes its webpack public path (where its fonts are) as
# `${url.origin}${url.pathname}` of the AMD module's URI: on file:// the origin is "null", and over
# http the URI is the page's folder plus "@jupyter-widgets/", so the icon fonts 404 either way.
PUBLIC_PATH = re.compile(
    r"(?P<var>[A-Za-z_$][\w$]*)\.p="
    r"`\$\{(?P<url>[A-Za-z_$][\w$]*)\.origin\}\$\{(?P=url)\.pathname\}`"
)
NEXT_TO_EMBED_SCRIPT = (
    r"\g<var>.p=(function(e){return e?new URL('.',e.src).href:"
    r"`${\g<url>.origin}${\g<url>.pathname}`})"
    r"(document.querySelector('script[src*=embed-amd]'))"
)
REVEAL_FILES = [
    "dist/reveal.js",
    "dist/reveal.css",
    "dist/theme/white.css",
    "dist/theme/fonts/source-sans-pro/*",
    "plugin/notes/notes.js",
]

SHARED = {
    "require.js": ("requirejs", ["require.js"]),
    "mathjax": ("mathjax", MATHJAX_FILES),
    "html-manager": ("@jupyter-widgets/html-manager/dist", WIDGET_FILES),
}
# The site's search (docs/search.py): lunr builds the index in the browser.
SEARCH_ONLY = {
    "lunr": ("lunr", ["lunr.min.js"]),
}
# Top-level scripts: copied into _static itself, not into a folder of their own.
TOP_LEVEL = {"require.js", "lunr"}
SLIDES_ONLY = {
    "reveal.js": ("reveal.js", REVEAL_FILES),
    "jquery": ("jquery/dist", ["jquery.min.js"]),
}

MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe"


def asset_urls(static: str = "_static", *, slides: bool = False) -> dict[str, str]:
    """The exporter traits that point nbconvert at the local copies, relative to a page.

    Args:
        static: the assets folder as seen from the page (``"_static"`` for a page at the root).
        slides: also return the reveal.js and jQuery locations of the SlidesExporter.

    >>> asset_urls()["require_js_url"]
    '_static/require.js'
    """
    urls = {
        "require_js_url": f"{static}/require.js",
        "mathjax_url": f"{static}/mathjax/MathJax.js?config={MATHJAX_CONFIG}",
        "widget_renderer_url": f"{static}/html-manager/embed-amd.js",
        # Unused (the templates drop mermaid), but never a CDN address either.
        "mermaid_js_url": "",
        "mermaid_layout_elk_js_url": "",
    }
    if slides:
        urls["jquery_url"] = f"{static}/jquery/jquery.min.js"
        urls["reveal_url_prefix"] = f"{static}/reveal.js"
    return urls


def _lock_hash() -> str:
    return hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()


def ensure_node_modules() -> Path:
    """Install the pinned browser packages with ``npm ci`` unless the stamp says they are current.

    Returns:
        ``docs/node_modules``.

    Raises:
        RuntimeError: npm is not on PATH, or ``npm ci`` failed (its output is included).
    """
    if STAMP.exists() and STAMP.read_text().strip() == _lock_hash():
        return NODE_MODULES
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm was not found on PATH; the docs and slides serve MathJax, require.js, reveal.js "
            "and the widget renderer from local copies that npm installs from "
            "docs/package-lock.json. Install Node.js 18 or newer (it brings npm) and re-run."
        )
    command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    done = subprocess.run(command, cwd=DOCS, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(command[1:])}` in {DOCS} failed (exit {done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )
    STAMP.write_text(_lock_hash() + "\n")
    return NODE_MODULES


def _copy_matching(source: Path, patterns: list[str], destination: Path) -> int:
    copied = 0
    for pattern in patterns:
        matches = [path for path in source.glob(pattern) if path.is_file()]
        if not matches:
            raise FileNotFoundError(
                f"{source / pattern} matched no file: docs/node_modules is incomplete or the "
                "pinned package changed its layout; delete docs/node_modules and re-run."
            )
        for path in matches:
            target = destination / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            copied += 1
    return copied


def patch_widget_font_path(embed_script: Path) -> int:
    """Make the widget renderer load its icon fonts from the folder ``embed-amd.js`` is in.

    Returns:
        The number of webpack bundles patched.

    Raises:
        ValueError: the pattern is not in the file (a new html-manager version: check whether
            it still needs the patch, and update ``PUBLIC_PATH``).
    """
    code = embed_script.read_text(encoding="utf-8")
    patched, count = PUBLIC_PATH.subn(NEXT_TO_EMBED_SCRIPT, code)
    if count == 0:
        raise ValueError(
            f"{embed_script} has no `X.p=`${{u.origin}}${{u.pathname}}`` public path to patch: "
            "the pinned @jupyter-widgets/html-manager changed; update docs/vendor.py"
        )
    embed_script.write_text(patched, encoding="utf-8")
    return count


def copy_assets(static_dir: Path, *, slides: bool = False, search: bool = False) -> int:
    """Copy the browser assets a page loads into ``static_dir``.

    Args:
        static_dir: the output's ``_static`` folder (created if missing).
        slides: also copy reveal.js and jQuery.
        search: also copy lunr (the site's search page).

    Returns:
        The number of files copied.
    """
    node_modules = ensure_node_modules()
    groups = dict(SHARED)
    if slides:
        groups.update(SLIDES_ONLY)
    if search:
        groups.update(SEARCH_ONLY)
    copied = 0
    for name, (package_dir, patterns) in groups.items():
        source = node_modules / package_dir
        if name in TOP_LEVEL:
            copied += _copy_matching(source, patterns, static_dir)
        else:
            copied += _copy_matching(source, patterns, static_dir / name)
    patch_widget_font_path(static_dir / "html-manager" / "embed-amd.js")
    return copied


if __name__ == "__main__":
    # `python docs/vendor.py`: fetch the pinned assets now (e.g. before going offline).
    ensure_node_modules()
    print(f"Browser assets for the docs and decks are in {NODE_MODULES}, as pinned.")
