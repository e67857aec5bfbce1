"""Build a reveal.js lecture deck from each committed notebook, for projecting offline.

    python docs/build_slides.py [--notebooks notebooks] [--out build/slides]

Each cell's ``metadata.slideshow.slide_type`` places it: "slide" starts a slide, "subslide" a
slide below it, "fragment" appears on the next key press, "-" continues, "skip" is left out and
"notes" becomes speaker notes (press S in a deck). The notebooks are rendered as committed, with
nbconvert's SlidesExporter and the template in ``docs/templates/lesson_deck``; reveal.js, jQuery,
require.js, MathJax and the widget renderer are served from ``_static`` (``docs/vendor.py``),
so a deck runs from a USB stick in a lecture hall with no network.

Layout of the output::

    index.html              the decks, in lesson order, with the keys a lecturer needs
    NN_name.slides.html     one deck per notebook (figures inlined: a deck is one file)
    _static/                reveal.js, jQuery, require.js, MathJax, the widget renderer, deck.css
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
from lessons import Lesson
from nbconvert import SlidesExporter
from pages import (
    DOCS,
    TEMPLATES,
    accessible_outputs,
    inline_markdown,
    render_page,
    rewrite_lesson_links,
    run_build,
    start_build,
)
from traitlets.config import Config
from vendor import asset_urls, copy_assets

COURSE_TITLE = "Hinge loss, taught"
DECK_SUFFIX = ".slides.html"


def deck_exporter() -> SlidesExporter:
    """nbconvert's reveal.js exporter with local assets and settings for a projector."""
    config = Config()
    config.SlidesExporter.template_name = "lesson_deck"
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.SlidesExporter.embed_images = True
    config.SlidesExporter.exclude_input_prompt = True  # "In [3]:" only costs width on a slide
    config.SlidesExporter.exclude_output_prompt = True
    # "white" uses the font that ships with reveal.js; the default "simple" imports Google Fonts.
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_transition = "fade"
    config.SlidesExporter.reveal_number = "c/t"
    config.SlidesExporter.reveal_scroll = True  # a tall code cell scrolls instead of overflowing
    config.SlidesExporter.reveal_width = "1280"  # 16:9, the usual projector
    config.SlidesExporter.reveal_height = "720"
    exporter = SlidesExporter(config=config)
    for trait, url in asset_urls(slides=True).items():
        setattr(exporter, trait, url)
    return exporter


def render_deck(exporter: SlidesExporter, lesson: Lesson, stems: set[str], out: Path) -> Path:
    """Write one lesson's deck; return its path."""
    notebook = nbformat.read(lesson.path, as_version=4)
    notebook.metadata["title"] = lesson.title
    accessible_outputs(notebook, lesson.title)
    resources = {
        "metadata": {"name": lesson.stem, "path": str(lesson.path.parent)},
        "deck": {"static": "_static"},
    }
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    deck = out / f"{lesson.stem}{DECK_SUFFIX}"
    deck.write_text(rewrite_lesson_links(body, stems, DECK_SUFFIX), encoding="utf-8")
    return deck


def build_slides(notebooks_dir: Path, out: Path) -> list[Path]:
    """Build every deck and the index into ``out``; return the decks written, in order.

    Raises:
        FileNotFoundError, FileExistsError: as ``pages.start_build`` (no notebooks, unsafe ``out``).
    """
    lessons = start_build(notebooks_dir, out)
    static = out / "_static"
    copy_assets(static, slides=True)
    for name in ("deck.css", "site.css", "contrast.css", "site.js"):
        shutil.copyfile(DOCS / "static" / name, static / name)
    exporter = deck_exporter()
    stems = {lesson.stem for lesson in lessons}
    decks = [render_deck(exporter, lesson, stems, out) for lesson in lessons]
    cards = [
        {
            "href": deck.name,
            "title": lesson.title,
            "learn": [inline_markdown(item) for item in lesson.learn],
        }
        for lesson, deck in zip(lessons, decks, strict=True)
    ]
    render_page("decks.html.j2", out / "index.html", title=COURSE_TITLE, decks=cards,
                static="_static", mathjax_url=asset_urls()["mathjax_url"])
    return decks


def main(argv: list[str] | None = None) -> int:
    return run_build(build_slides, argv, description=__doc__.splitlines()[0], out_name="slides",
                     built="decks", open_note="  (in a deck, S: speaker notes, F: full screen)")


if __name__ == "__main__":
    sys.exit(main())
