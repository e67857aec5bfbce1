"""`make docs`: the site built from the committed notebooks is complete, offline and error-free.

The site is built once per session into a temporary folder by ``docs/build_site.py``, exactly as
``make docs`` runs it; every check below reads the built HTML with the standard library's parser.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
STAMP = ROOT / "docs" / "node_modules" / ".lock-sha256"
STDERR_MIME = "application/vnd.jupyter.stderr"
# Inline <script> types that hold data, not code: widget state and views.
DATA_SCRIPTS = {
    "application/vnd.jupyter.widget-state+json",
    "application/vnd.jupyter.widget-view+json",
}
REMOTE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
# In inline code, a quoted address (a URL in a comment is only a reference for the reader).
JS_COMMENT = re.compile(r"""/\*.*?\*/|(?<![:\w'"\\])//[^\n]*""", re.DOTALL)
REMOTE_IN_CODE = re.compile(r"""['"`](?:https?:)?//[^'"`\s]+""", re.IGNORECASE)
REMOTE_CSS = re.compile(
    r"""@import\s+(?:url\()?\s*['"]?(?:https?:)?//|url\(\s*['"]?(?:https?:)?//""", re.IGNORECASE
)


def needs_notebooks_and_npm(assets: str) -> list[pytest.MarkDecorator]:
    """Skip a build's tests without notebooks to build, or without npm to fetch ``assets``."""
    return [
        pytest.mark.skipif(
            not NOTEBOOKS, reason="no notebooks in notebooks/ yet: nothing to build"
        ),
        pytest.mark.skipif(
            shutil.which("npm") is None and not STAMP.exists(),
            reason=f"npm is not on PATH: {assets} come from the npm registry "
            "(docs/package-lock.json); install Node.js 18+ to run these tests",
        ),
    ]


def run_build_script(script: str, out: Path) -> Path:
    """Run ``docs/<script> --out <out>`` as ``make`` does; fail with its output if it fails."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs" / script), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"docs/{script} failed:\n{done.stdout}\n{done.stderr}"
    return out


_BUILDS: dict[str, Path] = {}


def build_once(script: str, tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """One build per session of ``docs/<script>``, shared by every test module that needs it."""
    if script not in _BUILDS:
        _BUILDS[script] = run_build_script(script, tmp_path_factory.mktemp(name) / name)
    return _BUILDS[script]


def file_stems(paths: list[Path]) -> list[str]:
    """Test ids: ``01_the_margin`` for ``notebooks/01_the_margin.ipynb``."""
    return [path.stem for path in paths]


pytestmark = needs_notebooks_and_npm("the site's MathJax, require.js and widget renderer")


class Page(HTMLParser):
    """What a check needs from one HTML file: its ids, references, scripts, styles and text."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.inline_scripts: list[tuple[str, str]] = []  # (type, code)
        self.inline_styles: list[str] = []
        self.text_parts: list[str] = []
        self._open: tuple[str, str] | None = None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        for name in ("id", "name"):
            if name in attributes and (name == "id" or tag == "a"):
                self.ids.add(attributes[name])
        for name in ("href", "src"):
            if name in attributes:
                self.refs.append((tag, name, attributes[name]))
        if tag == "script" and "src" not in attributes:
            self._open = ("script", attributes.get("type", "text/javascript"))
        elif tag == "style":
            self._open = ("style", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is None:
            self.text_parts.append(data)
        elif self._open[0] == "script":
            self.inline_scripts.append((self._open[1], data))
        else:
            self.inline_styles.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)


def is_local(url: str) -> bool:
    """A reference inside the site: no scheme, no host, not a data: URI."""
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


def broken_references(page: Page) -> list[str]:
    """Local href/src values whose file, or whose #anchor in an HTML file, does not exist."""
    problems = []
    for tag, attribute, url in page.refs:
        if not url or not is_local(url):
            continue
        parts = urlsplit(url)
        target = (page.path.parent / unquote(parts.path)).resolve() if parts.path else page.path
        if not target.exists():
            problems.append(f"<{tag} {attribute}={url!r}>: {target} does not exist")
        elif parts.fragment and target.suffix == ".html":
            anchors = page.ids if target == page.path else Page(target).ids
            # A browser tries the fragment as written, then percent-decoded (HTML spec).
            if parts.fragment not in anchors and unquote(parts.fragment) not in anchors:
                problems.append(f"<{tag} {attribute}={url!r}>: no id {parts.fragment!r} there")
    return problems


def remote_assets(page: Page) -> list[str]:
    """Scripts, stylesheets, fonts or images a page would fetch from another host."""
    problems = []
    for tag, attributes in page.tags:
        if tag == "script" and REMOTE.match(attributes.get("src", "")):
            problems.append(f"<script src={attributes['src']!r}>")
        if tag == "link" and REMOTE.match(attributes.get("href", "")):
            rel = attributes.get("rel", "")
            if any(kind in rel for kind in ("stylesheet", "preload", "icon", "modulepreload")):
                problems.append(f"<link rel={rel!r} href={attributes['href']!r}>")
        if tag in ("img", "iframe", "source", "video", "audio") and REMOTE.match(
            attributes.get("src", "")
        ):
            problems.append(f"<{tag} src={attributes['src']!r}>")
    for kind, code in page.inline_scripts:
        if kind not in DATA_SCRIPTS and (match := REMOTE_IN_CODE.search(JS_COMMENT.sub("", code))):
            problems.append(f"inline <script type={kind!r}> loads {match.group(0)!r}")
    for css in page.inline_styles:
        if match := REMOTE_CSS.search(css):
            problems.append(f"inline <style> fetches {match.group(0)!r}")
    return problems


def remote_css_files(static: Path) -> list[str]:
    """Stylesheets in ``_static`` that @import or url() another host (e.g. a font service)."""
    return [
        f"{css.relative_to(static)}: {match.group(0)!r}"
        for css in sorted(static.rglob("*.css"))
        if (match := REMOTE_CSS.search(css.read_text(encoding="utf-8", errors="replace")))
    ]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once("build_site.py", tmp_path_factory, "site")


@pytest.fixture(params=NOTEBOOKS, ids=file_stems(NOTEBOOKS))
def lesson(request: pytest.FixtureRequest, site: Path) -> tuple[Path, Page]:
    notebook: Path = request.param
    page = site / f"{notebook.stem}.html"
    assert page.is_file(), f"no page {page.name} for {notebook.name}"
    return notebook, Page(page)


def test_one_page_per_notebook(site: Path) -> None:
    pages = {path.name for path in site.glob("*.html")} - {"index.html", "search.html"}
    assert pages == {f"{notebook.stem}.html" for notebook in NOTEBOOKS}


def test_landing_page_links_every_lesson_in_reading_order(site: Path) -> None:
    landing = Page(site / "index.html")
    lesson_links = [url for tag, _, url in landing.refs if tag == "a" and url.endswith(".html")]
    first_seen = list(dict.fromkeys(
        url for url in lesson_links if url != "index.html" and not url.startswith("api/")))
    assert first_seen == [f"{notebook.stem}.html" for notebook in NOTEBOOKS]


def test_landing_page_shows_each_lessons_title(site: Path) -> None:
    landing = Page(site / "index.html")
    for notebook in NOTEBOOKS:
        markdown = [
            c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown"
        ]
        first = markdown[0].source if markdown else ""
        titles = [line[2:].strip() for line in first.splitlines() if line.startswith("# ")]
        assert titles, f"{notebook.name}: its first markdown cell needs a '# Lesson N: ...' title"
        assert titles[0] in landing.text, notebook.name


def test_every_image_referenced_exists(lesson: tuple[Path, Page]) -> None:
    _, page = lesson
    images = [url for tag, attribute, url in page.refs if tag == "img" and attribute == "src"]
    missing = [url for url in images if is_local(url) and not (page.path.parent / url).is_file()]
    assert not missing, missing


def test_figures_are_files_next_to_the_page(lesson: tuple[Path, Page]) -> None:
    notebook, page = lesson
    figures_in_notebook = sum(
        "image/png" in output.get("data", {})
        for cell in nbformat.read(notebook, as_version=4).cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    figure_files = [url for tag, _, url in page.refs if tag == "img" and url.endswith(".png")]
    if figures_in_notebook:
        assert figure_files, f"{notebook.name} has PNG outputs but its page shows none as files"
    assert all(url.startswith(f"{notebook.stem}_files/") for url in figure_files), figure_files


def test_no_traceback_or_error_output(lesson: tuple[Path, Page]) -> None:
    _, page = lesson
    # nbconvert renders both stderr streams and error outputs with this MIME type.
    stderr = [tag for tag, attrs in page.tags if attrs.get("data-mime-type") == STDERR_MIME]
    assert not stderr, f"{len(stderr)} stderr or error output(s) on {page.path.name}"
    assert "Traceback (most recent call last)" not in page.text


SITE_PAGES = ["index.html", "search.html", *[f"{nb.stem}.html" for nb in NOTEBOOKS]]


@pytest.mark.parametrize("name", SITE_PAGES)
def test_internal_links_resolve(site: Path, name: str) -> None:
    assert broken_references(Page(site / name)) == []


def test_api_reference_links_resolve(site: Path) -> None:
    pages = sorted((site / "api").rglob("*.html"))
    assert pages, "no API reference in api/"
    problems = {page.name: broken_references(Page(page)) for page in pages}
    assert not any(problems.values()), problems


@pytest.mark.parametrize("name", SITE_PAGES)
def test_no_remote_scripts_styles_or_fonts(site: Path, name: str) -> None:
    assert remote_assets(Page(site / name)) == []


def test_api_reference_loads_nothing_from_the_network(site: Path) -> None:
    problems = {page.name: remote_assets(Page(page)) for page in (site / "api").rglob("*.html")}
    assert not any(problems.values()), problems


def test_no_stylesheet_fetches_from_another_host(site: Path) -> None:
    assert remote_css_files(site / "_static") == []


def test_math_is_left_for_the_local_mathjax(lesson: tuple[Path, Page]) -> None:
    notebook, page = lesson
    scripts = [
        attributes["src"]
        for tag, attributes in page.tags
        if tag == "script" and "src" in attributes
    ]
    mathjax = [src for src in scripts if "MathJax.js" in src]
    assert mathjax and all(is_local(src) for src in mathjax), scripts
    assert (page.path.parent / urlsplit(mathjax[0]).path).is_file()
    if re.search(r"\$[^$\n]+\$", notebook.read_text(encoding="utf-8")):
        assert re.search(r"\$[^$\n]+\$", page.text), "TeX was mangled before MathJax could see it"


def test_each_page_links_its_notebook_for_download(lesson: tuple[Path, Page]) -> None:
    notebook, page = lesson
    downloads = [
        attributes["href"]
        for tag, attributes in page.tags
        if tag == "a" and "download" in attributes
    ]
    assert f"notebooks/{notebook.name}" in downloads
    copy = page.path.parent / "notebooks" / notebook.name
    assert copy.read_bytes() == notebook.read_bytes()


def test_prev_and_next_follow_the_reading_order(site: Path) -> None:
    for index, notebook in enumerate(NOTEBOOKS):
        page = Page(site / f"{notebook.stem}.html")
        rel = {
            attributes["rel"]: attributes["href"]
            for tag, attributes in page.tags
            if tag == "a" and attributes.get("rel") in ("prev", "next")
        }
        expected = {}
        if index > 0:
            expected["prev"] = f"{NOTEBOOKS[index - 1].stem}.html"
        if index + 1 < len(NOTEBOOKS):
            expected["next"] = f"{NOTEBOOKS[index + 1].stem}.html"
        assert rel == expected, notebook.name


def test_widgets_come_with_their_saved_state_and_a_local_renderer(
    lesson: tuple[Path, Page],
) -> None:
    notebook, page = lesson
    if "application/vnd.jupyter.widget-view+json" not in notebook.read_text(encoding="utf-8"):
        pytest.skip(f"{notebook.name} has no widget outputs")
    kinds = {kind for kind, _ in page.inline_scripts}
    assert "application/vnd.jupyter.widget-state+json" in kinds, (
        f"{notebook.name} was saved without its widget state, so its sliders render as text: "
        "re-execute it with `jupyter nbconvert --execute --inplace`, which stores the state"
    )
    renderer = re.search(
        r"var widgetRendererSrc = '([^']+)'", "".join(code for _, code in page.inline_scripts)
    )
    assert renderer and is_local(renderer.group(1)), "widget renderer is not served locally"
    assert (page.path.parent / renderer.group(1)).is_file()
    assert "make lab" in page.text, "no note on how to run the widgets live"


# --- Issue 14: figures that say what they show, the API reference, search, navigation ----------

sys.path.insert(0, str(ROOT / "docs"))
from alt_text import is_generic  # noqa: E402  (docs/ is not a package)


def test_every_figure_has_an_alt_text_that_is_not_generic(site: Path) -> None:
    """No <img> of a lesson page without alt text, or with "png", "Figure", "output", ... ."""
    bad = {}
    for notebook in NOTEBOOKS:
        page = Page(site / f"{notebook.stem}.html")
        for tag, attributes in page.tags:
            if tag == "img" and is_generic(attributes.get("alt")):
                bad.setdefault(notebook.stem, []).append((attributes.get("src", "")[:60],
                                                          attributes.get("alt")))
    assert not bad, bad


def test_alt_text_comes_from_the_output_metadata_first(tmp_path: Path) -> None:
    """The key the plotting helpers write, outputs[i].metadata["image/png"]["alt"], wins over
    the text derived from the cell; the cell's own "alt" metadata wins over both."""
    from alt_text import describe_figures

    notebook = nbformat.v4.new_notebook()
    figure = {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=",
                                                      "text/plain": "<Figure size 640x480>"},
              "metadata": {"image/png": {"alt": "Hinge loss against the margin m"}}}
    plain = {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="},
             "metadata": {}}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("The loss zoo on one axis. More words."),
        nbformat.v4.new_code_cell("hu.plotting.plot_losses()", outputs=[figure, plain]),
        nbformat.v4.new_code_cell("plt.show()", outputs=[dict(plain)],
                                  metadata={"alt": "Scatter of the two classes"}),
    ]
    notebook = nbformat.from_dict(notebook)
    assert describe_figures(notebook, "Lesson 0") == 3
    alts = [o.metadata["image/png"]["alt"] for c in notebook.cells[1:] for o in c.outputs]
    assert alts == [
        "Hinge loss against the margin m",
        "The loss zoo on one axis. (Figure 2 of 2; drawn by plot_losses.)",
        "Scatter of the two classes",
    ]


def _public_names() -> dict[str, list[str]]:
    from api_reference import documented_modules, public_names

    return public_names(documented_modules())


def test_every_public_name_has_an_entry_in_the_api_reference(site: Path) -> None:
    """Each name of hinge_utils.__all__ and of each subpackage's __all__: an anchor on its
    module's page, or, for an exported submodule, a page of its own."""
    from api_reference import entry_of, page_of

    ids = {path: Page(path).ids for path in (site / "api").rglob("*.html")}
    missing = {}
    for module, names in _public_names().items():
        assert (site / page_of(module)).is_file(), f"no API page {page_of(module)} for {module}"
        for name in names:
            page, _, anchor = entry_of(module, name).partition("#")
            if site / page not in ids or (anchor and anchor not in ids[site / page]):
                missing.setdefault(module, []).append(name)
    assert not missing, f"public names without an entry in the API reference: {missing}"


def test_api_reference_typesets_maths_with_the_local_mathjax(site: Path) -> None:
    page = Page(site / "api" / "hinge_utils.html")
    scripts = [a["src"] for tag, a in page.tags if tag == "script" and "src" in a]
    mathjax = [src for src in scripts if "MathJax.js" in src]
    assert mathjax and all(is_local(src) for src in mathjax), scripts
    assert (page.path.parent / urlsplit(mathjax[0]).path).is_file()
    assert "\\(" in page.text or "$" in page.text, "no maths left for MathJax in the reference"


def test_landing_page_and_every_lesson_link_the_api_reference_and_search(site: Path) -> None:
    for name in ["index.html", *[f"{nb.stem}.html" for nb in NOTEBOOKS]]:
        page = Page(site / name)
        links = [a.get("href", "") for tag, a in page.tags if tag == "a"]
        assert "api/hinge_utils.html" in links, f"{name} does not link the API reference"
        forms = [a.get("action") for tag, a in page.tags if tag == "form"]
        assert "search.html" in forms, f"{name} has no search form"


def test_lessons_link_the_first_use_of_a_public_name_to_its_entry(site: Path) -> None:
    """Lesson 1 uses hu.functional_margin; its page links it, once, to the reference."""
    lesson = next((nb for nb in NOTEBOOKS if "hu.functional_margin" in nb.read_text()), None)
    if lesson is None:
        pytest.skip("no lesson uses hu.functional_margin")
    page = Page(site / f"{lesson.stem}.html")
    links = [url for tag, _, url in page.refs if tag == "a"]
    assert links.count("api/hinge_utils.html#functional_margin") == 1, links


def test_search_index_holds_every_lesson_and_the_api(site: Path) -> None:
    import json

    code = (site / "_static" / "search-index.js").read_text(encoding="utf-8")
    documents = json.loads(code[code.index("["): code.rindex("]") + 1])
    pages = {doc["url"].split("#")[0] for doc in documents}
    assert {f"{nb.stem}.html" for nb in NOTEBOOKS} <= pages
    assert "api/hinge_utils.html" in pages
