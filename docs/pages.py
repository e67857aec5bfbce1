"""What the site and the decks share: a safe output folder, links between lessons, plain pages.

``prepare_output`` empties an output folder only when an earlier build made it (a marker file
says so), so ``--out`` pointed at the wrong place cannot delete anything else.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from nbconvert.filters.markdown_mistune import markdown2html_mistune

DOCS = Path(__file__).resolve().parent
TEMPLATES = DOCS / "templates"
MARKER = ".built-from-notebooks"  # marks a folder these scripts may empty

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


def render_page(template: str, out_file: Path, **context: object) -> None:
    """Render one of ``docs/templates/pages/*.html.j2`` (plain Jinja, autoescaped) to a file."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES / "pages"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    out_file.write_text(environment.get_template(template).render(**context), encoding="utf-8")
