"""Offline search over the site: the lessons section by section, and the API reference name by name.

After the pages are written, :func:`write_search_index` reads every built page (lessons,
``api/**``), cuts it at its headings and documented names (elements with an ``id``: nbconvert's
``<h2 id="...">``, pdoc's ``<section id="...">``), and writes the sections' text to
``_static/search-index.js`` as ``window.SEARCH_DOCUMENTS = [...]``. ``search.html`` loads it
with lunr (``docs/node_modules/lunr``, pinned in ``docs/package-lock.json``) and
``_static/search.js``, which builds the index in the browser and lists the matching sections.

Loading the index as a script, not with ``fetch``, keeps search working from ``file://``: the
site opened straight from ``build/site/index.html``, with no server and no network. The form in
every page's header sends its query to ``search.html?q=...``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

# Elements whose text is navigation or chrome, not content.
SKIPPED_TAGS = {"script", "style", "header", "nav", "footer", "button", "form", "noscript",
                "template", "svg", "math"}
SKIPPED_CLASSES = {"jp-InputPrompt", "jp-OutputPrompt", "visually-hidden", "skip-link",
                   "pdoc-button", "view-source-button", "MJX_Assistive_MathML"}
SECTION_TAGS = {"h1", "h2", "h3", "h4", "section"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
MAX_TEXT = 6000  # characters of one section kept in the index
SITE_SUFFIX = re.compile(r"\s*\|\s*Hinge loss, taught$")


@dataclass
class Section:
    """One search result: a page's section, by its anchor."""

    url: str
    title: str
    section: str
    text: str


class _Sections(HTMLParser):
    """Cut a page's visible text at its headings and ``<section id>`` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.sections: list[tuple[str, str, list[str]]] = [("", "", [])]  # (anchor, name, text)
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self._in_title = False
        self._heading: tuple[str, str, list[str]] | None = None  # (tag, anchor, heading text)

    @property
    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "title":
            self._in_title = True
        if tag in VOID:
            return
        classes = set(attributes.get("class", "").split())
        skipped = tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES) or (
            attributes.get("aria-hidden") == "true")
        self._stack.append((tag, skipped))
        anchor = attributes.get("id", "")
        if self._skipping or not anchor:
            return
        if tag in SECTION_TAGS and tag != "section":
            self._heading = (tag, anchor, [])
        elif tag == "section":
            self.sections.append((anchor, anchor, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if self._heading is not None and tag == self._heading[0]:
            _, anchor, parts = self._heading
            name = " ".join("".join(parts).replace("¶", "").split())
            self.sections.append((anchor, name, []))
            self._heading = None
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._skipping:
            return
        if self._heading is not None:
            self._heading[2].append(data)
        else:
            self.sections[-1][2].append(data)


def page_sections(page: Path, url: str, title: str | None = None) -> list[Section]:
    """The sections of one built page, each with its text (empty sections left out).

    ``url`` is the page's address relative to the site's root; ``title`` replaces the page's
    ``<title>`` (less the site's name) if given.
    """
    parser = _Sections()
    parser.feed(page.read_text(encoding="utf-8"))
    page_title = title or SITE_SUFFIX.sub("", " ".join(parser.title.split()))
    found = []
    for anchor, name, parts in parser.sections:
        text = " ".join("".join(parts).split())
        if not text and not anchor:
            continue
        found.append(Section(
            url=f"{url}#{anchor}" if anchor else url,
            title=page_title,
            section=name,
            text=text[:MAX_TEXT],
        ))
    return found


def api_title(url: str) -> str:
    """``"API: hinge_utils.plotting"`` for ``api/hinge_utils/plotting.html``.

    >>> api_title("api/hinge_utils/plotting.html")
    'API: hinge_utils.plotting'
    """
    return "API: " + url.removeprefix("api/").removesuffix(".html").replace("/", ".")


def write_search_index(site: Path, lesson_pages: list[Path]) -> Path:
    """Index the lesson pages and the API reference of ``site``; return the index script.

    Raises:
        FileNotFoundError: lunr is missing from the site's ``_static`` (see ``docs/vendor.py``).
    """
    sections: list[Section] = []
    for page in lesson_pages:
        sections += page_sections(page, page.name)
    for page in sorted((site / "api").rglob("*.html")):
        url = page.relative_to(site).as_posix()
        if page.name == "index.html":
            continue  # pdoc's list of modules: every module has its own page
        sections += page_sections(page, url, api_title(url))
    if not (site / "_static" / "lunr.min.js").is_file():
        raise FileNotFoundError(f"{site / '_static' / 'lunr.min.js'} is missing")
    script = site / "_static" / "search-index.js"
    documents = json.dumps([asdict(section) for section in sections], ensure_ascii=False,
                           separators=(",", ":")).replace("</", "<\\/")
    # "</" cannot end the script early (the index is loaded by src, but stay safe if inlined).
    script.write_text(
        "// The site's search index, written by docs/search.py: one entry per section.\n"
        f"window.SEARCH_DOCUMENTS = {documents};\n",
        encoding="utf-8",
    )
    return script
