"""What the site and the decks share: a command line, a safe output folder, links between lessons,
plain pages.

``prepare_output`` empties an output folder only when an earlier build made it (a marker file
says so), so ``--out`` pointed at the wrong place cannot delete anything else.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alt_text import describe_figures
from contrast import readable_inline_colours
from jinja2 import Environment, FileSystemLoader, select_autoescape
from lessons import Lesson, find_lessons
from markupsafe import Markup
from nbconvert.filters.markdown_mistune import markdown2html_mistune

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
TEMPLATES = DOCS / "templates"
MARKER = ".built-from-notebooks"  # marks a folder these scripts may empty
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

# href="02_binary_hinge.ipynb" or href="02_binary_hinge.ipynb#Section", relative and in the same
# folder: a link from one lesson to another, as written in the notebooks.
LESSON_LINK = re.compile(r'href="(?P<stem>[\w.-]+)\.ipynb(?P<anchor>#[^"]*)?"')


def prepare_output(out: Path) -> None:
    """Create ``out`` empty, deleting an earlier build of the same kind first.

    Raises:
        FileExistsError: ``out`` exists, is not empty and was not made by these scripts.
    """
    if out.exists():
        if (out / MARKER).exists():
            shutil.rmtree(out)
        elif any(out.iterdir()):
            raise FileExistsError(
                f"{out} exists and was not built from the notebooks (no {MARKER} in it): "
                "refusing to empty it; pass an --out folder that is new or empty"
            )
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Built from the notebooks by docs/build_*.py: safe to delete.\n")


def start_build(notebooks_dir: Path, out: Path) -> list[Lesson]:
    """The lessons in ``notebooks_dir``, in order, with ``out`` made ready (empty) for them.

    Raises:
        FileNotFoundError: ``notebooks_dir`` holds no ``.ipynb`` (``out`` is left untouched).
        FileExistsError: ``out`` is not a folder these scripts may empty (see ``prepare_output``).
    """
    lessons = find_lessons(notebooks_dir)
    if not lessons:
        raise FileNotFoundError(f"no .ipynb in {notebooks_dir}: nothing to build")
    prepare_output(out)
    return lessons


def rewrite_lesson_links(html: str, stems: set[str], suffix: str) -> str:
    """Point links to another lesson's ``.ipynb`` at its built page (``suffix``: ``.html``).

    Links to notebooks that are not lessons of this build are left alone.

    >>> rewrite_lesson_links('<a href="01_a.ipynb#Top">', {"01_a"}, ".html")
    '<a href="01_a.html#Top">'
    """

    def replace(match: re.Match[str]) -> str:
        stem = match.group("stem")
        if stem not in stems:
            return match.group(0)
        return f'href="{stem}{suffix}{match.group("anchor") or ""}"'

    return LESSON_LINK.sub(replace, html)


def inline_markdown(text: str) -> Markup:
    """Render one line of markdown (a bullet, the "Assumes" line) to HTML without a ``<p>``.

    >>> str(inline_markdown("the margin $y f(x)$ and `hu.setup`"))
    'the margin $y f(x)$ and <code>hu.setup</code>'
    """
    html = markdown2html_mistune(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def accessible_outputs(notebook: Any, title: str) -> None:
    """Prepare the in-memory notebook for an accessible page (the committed file is untouched).

    Every figure gets its alt text (``alt_text.describe_figures``); inline text colours of HTML
    outputs and of the widget snapshots' HTML readouts are darkened to 4.5:1 (``contrast``).
    The snapshots' sliders and figures are named in the browser, once drawn (``_static/site.js``):
    the widget renderer fails on an image widget whose saved state carries a tooltip.
    """
    describe_figures(notebook, title)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if isinstance(data.get("text/html"), str):
                data["text/html"] = readable_inline_colours(data["text/html"])
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model in state.values():
        attributes = model.get("state", {})
        if model.get("model_name") == "HTMLModel" and isinstance(attributes.get("value"), str):
            attributes["value"] = readable_inline_colours(attributes["value"])


def render_page(template: str, out_file: Path, **context: object) -> None:
    """Render one of ``docs/templates/pages/*.html.j2`` (plain Jinja, autoescaped) to a file.

    The pages can include ``shared/*.html.j2`` (the site's header).
    """
    environment = Environment(
        loader=FileSystemLoader([TEMPLATES / "pages", TEMPLATES]),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    out_file.write_text(environment.get_template(template).render(**context), encoding="utf-8")


def run_build(
    build: Callable[[Path, Path], list[Path]],
    argv: list[str] | None,
    *,
    description: str,
    out_name: str,
    built: str,
    open_note: str = "",
) -> int:
    """A build script's command line: read ``--notebooks`` and ``--out``, build, say what was built.

    ``build(notebooks_dir, out)`` returns the pages it wrote; ``built`` names them in the summary
    (``"decks"``), ``out_name`` is the default ``--out`` under ``build/``. Returns the exit status:
    0, or 1 with the error on stderr when the notebooks or the output folder are unusable.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--notebooks", type=Path, default=REPO / "notebooks",
                        help="folder of executed .ipynb files (default: notebooks/)")
    parser.add_argument("--out", type=Path, default=REPO / "build" / out_name,
                        help=f"output folder (default: build/{out_name})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        written = build(args.notebooks, args.out)
    except (FileNotFoundError, FileExistsError, RuntimeError) as error:
        print(f"{build.__name__}: {error}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    print(f"Built {len(written)} {built} and index.html in {args.out} ({seconds:.1f} s).")
    print(f"Open {(args.out / 'index.html').resolve().as_uri()}{open_note}")
    return 0
