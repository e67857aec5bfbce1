"""`make slides`: one projectable reveal.js deck per lesson, with everything it loads local.

The decks are built once per session into a temporary folder by ``docs/build_slides.py``, exactly
as ``make slides`` runs it. The build, its skip conditions and the HTML checks are shared
with ``tests/test_docs.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from test_docs import (
    NOTEBOOKS,
    Page,
    broken_references,
    build_once,
    file_stems,
    needs_notebooks_and_npm,
    remote_assets,
    remote_css_files,
)

LESSONS = [path for path in NOTEBOOKS if re.match(r"\d\d_", path.name)]
MIN_SLIDES = 6  # more than a handful
# What nbconvert's reveal template loads, relative to reveal_url_prefix.
REVEAL_FILES = ["dist/reveal.js", "dist/reveal.css", "plugin/notes/notes.js"]

pytestmark = needs_notebooks_and_npm("the decks' reveal.js, jQuery, require.js and MathJax")


@pytest.fixture(scope="session")
def decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once("build_slides.py", tmp_path_factory, "slides")


def _deck(decks: Path, notebook: Path) -> Path:
    return decks / f"{notebook.stem}.slides.html"


def test_one_deck_per_notebook(decks: Path) -> None:
    built = {path.name for path in decks.glob("*.slides.html")}
    assert built == {f"{notebook.stem}.slides.html" for notebook in NOTEBOOKS}


@pytest.mark.parametrize("notebook", LESSONS, ids=file_stems(LESSONS))
def test_each_lesson_deck_has_more_than_a_handful_of_slides(decks: Path, notebook: Path) -> None:
    html = _deck(decks, notebook).read_text(encoding="utf-8")
    slides = len(re.findall(r"<section\b", html))
    assert slides >= MIN_SLIDES, (
        f"{notebook.name} gives {slides} slides: mark each '##' heading cell slide_type 'slide' "
        "and each new idea 'subslide' (metadata.slideshow.slide_type)"
    )


def test_speaker_notes_reach_the_decks(decks: Path) -> None:
    if not LESSONS:
        pytest.skip("no numbered lesson notebooks yet")
    counts = {}  # lesson -> (cells of slide_type 'notes', speaker-note blocks in its deck)
    for notebook in LESSONS:
        cells = nbformat.read(notebook, as_version=4).cells
        notes = sum(c.metadata.get("slideshow", {}).get("slide_type") == "notes" for c in cells)
        html = _deck(decks, notebook).read_text(encoding="utf-8")
        counts[notebook.name] = (notes, html.count('<aside class="notes">'))
    assert any(notes for notes, _ in counts.values()), (
        "no lesson has speaker notes: put long prose in cells of slide_type 'notes'"
    )
    lost = {name: pair for name, pair in counts.items() if pair[0] != pair[1]}
    assert not lost, f"(notes cells, <aside class='notes'> in the deck) differ: {lost}"


def test_reveal_and_friends_are_served_locally(decks: Path) -> None:
    for notebook in NOTEBOOKS:
        page = Page(_deck(decks, notebook))
        code = "".join(code for _, code in page.inline_scripts)
        loaded = re.findall(r'"([^"]+/(?:dist/reveal\.js|plugin/notes/notes\.js))"', code)
        assert len(loaded) == 2 and all(not url.startswith(("http", "//")) for url in loaded), (
            loaded
        )
        prefix = loaded[0].removesuffix("/dist/reveal.js")
        for name in REVEAL_FILES:
            assert (decks / prefix / name).is_file(), f"{prefix}/{name} missing"
        scripts = [
            attributes["src"]
            for tag, attributes in page.tags
            if tag == "script" and "src" in attributes
        ]
        assert any("jquery" in src for src in scripts) and any("require" in src for src in scripts)
        assert any("MathJax.js" in src for src in scripts), scripts


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=file_stems(NOTEBOOKS))
def test_deck_loads_nothing_from_the_network(decks: Path, notebook: Path) -> None:
    page = Page(_deck(decks, notebook))
    assert remote_assets(page) == []
    assert broken_references(page) == []


def test_deck_stylesheets_fetch_no_fonts_from_another_host(decks: Path) -> None:
    assert remote_css_files(decks / "_static") == []


def test_index_lists_every_deck_in_order(decks: Path) -> None:
    index = Page(decks / "index.html")
    links = [url for tag, _, url in index.refs if tag == "a" and url.endswith(".slides.html")]
    assert list(dict.fromkeys(links)) == [f"{notebook.stem}.slides.html" for notebook in NOTEBOOKS]
    assert broken_references(index) == [] and remote_assets(index) == []


def test_every_figure_in_a_deck_has_an_alt_text_that_is_not_generic(decks: Path) -> None:
    from alt_text import is_generic  # docs/ is on sys.path (tests/test_docs.py)

    bad = {
        notebook.stem: alts
        for notebook in NOTEBOOKS
        if (alts := [a.get("alt") for tag, a in Page(_deck(decks, notebook)).tags
                     if tag == "img" and is_generic(a.get("alt"))])
    }
    assert not bad, bad
