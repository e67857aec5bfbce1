"""Build the executed docs site: one HTML page per committed notebook, and a landing page.

    python docs/build_site.py [--notebooks notebooks] [--out build/site]

The notebooks are rendered as committed (nothing is re-executed, so a build takes seconds) with
nbconvert's ``lab`` template, extended in ``docs/templates/lesson_page``. Output images are
written as files next to each page (``NN_name_files/``) rather than inlined as base64, so pages
stay small and ``tests/test_docs.py`` can check that every referenced image exists; images in
markdown cells are embedded. MathJax, require.js and the widget renderer are served from
``_static`` (see ``docs/vendor.py``): the site works without a network.

Layout of the output::

    index.html                  the learning path: each lesson's title and what it teaches
    NN_name.html                one page per notebook, with prev/next navigation
    NN_name_files/*.png         its figures
    notebooks/NN_name.ipynb     the notebook itself, for the download link
    api/hinge_utils*.html       the API reference, from the docstrings (docs/api_reference.py)
    search.html                 search over the lessons and the API (docs/search.py)
    _static/                    CSS, MathJax, require.js, the widget renderer, lunr, the index

Every page has the same header: a skip link, the site's navigation (lessons, API reference) and
a search form. Accessibility (WCAG 2.1 AA, checked by axe-core in ``tests/test_accessibility.py``)
is made here and in the templates: figures carry what they show as alt text
(``docs/alt_text.py``), inline text colours of the outputs are darkened to 4.5:1
(``docs/contrast.py``), code colours come from ``_static/contrast.css``, and
``_static/site.js`` names the widget snapshots' sliders and figures once the renderer has drawn
them.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
from api_reference import API_HOME, api_anchors, build_api, link_first_uses
from lessons import Lesson
from nbconvert import HTMLExporter
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
from search import write_search_index
from traitlets.config import Config
from vendor import asset_urls, copy_assets

SITE_TITLE = "Hinge loss, taught"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"  # also in pages.py
STATIC_FILES = ("site.css", "contrast.css", "api.css", "site.js", "search.js")


def lesson_exporter() -> HTMLExporter:
    """nbconvert's HTML exporter with the site template, local assets and figures as files."""
    config = Config()
    config.HTMLExporter.template_name = "lesson_page"
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.HTMLExporter.extra_template_paths = [str(TEMPLATES)]  # shared/site_header.html.j2
    config.HTMLExporter.embed_images = True  # images of markdown cells, not output figures
    config.ExtractOutputPreprocessor.enabled = True
    config.ExtractOutputPreprocessor.extract_output_types = {"image/png", "image/jpeg"}
    exporter = HTMLExporter(config=config)
    for trait, url in asset_urls().items():
        setattr(exporter, trait, url)
    return exporter


def _lab_stylesheet(exporter: HTMLExporter) -> str:
    """JupyterLab's CSS as the lab template would inline it into every page, once."""
    for template_dir in map(Path, exporter.template_paths):
        if template_dir.name == "lab" and (template_dir / "static" / "index.css").is_file():
            static = template_dir / "static"
            return "\n".join(
                (static / name).read_text(encoding="utf-8")
                for name in ("index.css", "theme-light.css")
            )
    raise FileNotFoundError(
        f"nbconvert's lab template (static/index.css) is not in {exporter.template_paths}"
    )


def _widgets(notebook: nbformat.NotebookNode) -> str | None:
    """``"snapshot"`` for widgets with saved state, ``"missing"`` without it, else ``None``."""
    has_views = any(
        WIDGET_VIEW in output.get("data", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    if not has_views:
        return None
    return "snapshot" if WIDGET_STATE in notebook.metadata.get("widgets", {}) else "missing"


def _neighbour(lessons: list[Lesson], index: int) -> dict[str, str] | None:
    if not 0 <= index < len(lessons):
        return None
    return {"href": f"{lessons[index].stem}.html", "title": lessons[index].title}


def render_lesson(
    exporter: HTMLExporter, lessons: list[Lesson], index: int, out: Path
) -> Path:
    """Write one lesson's page, its figures and a copy of its notebook; return the page."""
    lesson = lessons[index]
    notebook = nbformat.read(lesson.path, as_version=4)
    notebook.metadata["title"] = f"{lesson.title} | {SITE_TITLE}"
    accessible_outputs(notebook, lesson.title)
    download = f"notebooks/{lesson.path.name}"
    resources = {
        "metadata": {"name": lesson.stem, "path": str(lesson.path.parent)},
        "output_files_dir": f"{lesson.stem}_files",
        "unique_key": lesson.stem,
        "site": {
            "title": SITE_TITLE,
            "root": "",
            "api": API_HOME,
            "home": "index.html",
            "static": "_static",
            "position": index + 1,
            "total": len(lessons),
            "prev": _neighbour(lessons, index - 1),
            "next": _neighbour(lessons, index + 1),
            "download": download,
            "notebook_name": lesson.path.name,
            "widgets": _widgets(notebook),
        },
    }
    body, resources = exporter.from_notebook_node(notebook, resources=resources)
    page = out / f"{lesson.stem}.html"
    stems = {other.stem for other in lessons}
    page.write_text(rewrite_lesson_links(body, stems, ".html"), encoding="utf-8")
    for name, data in resources.get("outputs", {}).items():
        figure = out / name
        figure.parent.mkdir(parents=True, exist_ok=True)
        figure.write_bytes(data)
    (out / "notebooks").mkdir(exist_ok=True)
    shutil.copyfile(lesson.path, out / download)
    return page


def write_landing_page(lessons: list[Lesson], out: Path) -> Path:
    """The site's ``index.html``: the learning path, what each lesson teaches, how to run it."""
    stems = {lesson.stem for lesson in lessons}
    cards = [
        {
            "href": f"{lesson.stem}.html",
            "download": f"notebooks/{lesson.path.name}",
            "title": lesson.title,
            "learn": [inline_markdown(item) for item in lesson.learn],
            "assumes": inline_markdown(lesson.assumes) if lesson.assumes else "",
        }
        for lesson in lessons
    ]
    landing = out / "index.html"
    site = {"title": SITE_TITLE, "root": "", "api": API_HOME, "current": "lessons"}
    render_page("landing.html.j2", landing, title=SITE_TITLE, lessons=cards, static="_static",
                mathjax_url=asset_urls()["mathjax_url"], site=site)
    landing.write_text(
        rewrite_lesson_links(landing.read_text(encoding="utf-8"), stems, ".html"),
        encoding="utf-8",
    )
    return landing


def build_site(notebooks_dir: Path, out: Path) -> list[Path]:
    """Build the whole site into ``out``; return the lesson pages written, in order.

    Raises:
        FileNotFoundError, FileExistsError: as ``pages.start_build`` (no notebooks, unsafe ``out``).
    """
    lessons = start_build(notebooks_dir, out)
    static = out / "_static"
    copy_assets(static, search=True)
    exporter = lesson_exporter()
    (static / "jupyterlab.css").write_text(_lab_stylesheet(exporter), encoding="utf-8")
    for name in STATIC_FILES:
        shutil.copyfile(DOCS / "static" / name, static / name)
    pages = [render_lesson(exporter, lessons, index, out) for index in range(len(lessons))]
    write_landing_page(lessons, out)
    build_api(out, title=SITE_TITLE)
    anchors = api_anchors()
    for page in pages:
        linked, _ = link_first_uses(page.read_text(encoding="utf-8"), anchors)
        page.write_text(linked, encoding="utf-8")
    render_page("search.html.j2", out / "search.html", static="_static",
                site={"title": SITE_TITLE, "root": "", "api": API_HOME, "current": "search"})
    write_search_index(out, pages)
    return pages


def main(argv: list[str] | None = None) -> int:
    return run_build(build_site, argv, description=__doc__.splitlines()[0], out_name="site",
                     built="lesson pages")


if __name__ == "__main__":
    sys.exit(main())
