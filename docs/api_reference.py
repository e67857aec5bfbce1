"""The API reference of ``hinge_utils``, generated from its docstrings into the site's ``api/``.

pdoc renders the Google-style docstrings (``Args:``, ``Returns:``, ``Raises:``), the doctests and
the maths (``$...$`` and ``:math:``, typeset by the site's local MathJax 2: the template in
``docs/templates/api/math.html.jinja2`` replaces pdoc's CDN one), inside the site's header, so
the reference has the same navigation and search as the lessons. Documented: ``hinge_utils`` and
what it exports (``__all__``), and each subpackage with an ``__all__`` (``plotting``,
``training``, ``widgets``, ``exercises``): every name of every ``__all__`` has an anchor,
``api/<module path>.html#<name>``.

:func:`link_first_uses` then turns the first use of each documented name in a lesson (``hu.name``
or ``hu.sub.name`` in its code, or ``name`` in an inline ``<code>`` of its prose) into a link to
its entry.
"""

from __future__ import annotations

import html
import importlib
import inspect
import re
import warnings
from pathlib import Path

from contrast import readable_css_overrides
from pages import TEMPLATES

PACKAGE = "hinge_utils"
ALIAS = "hu"  # how the lessons import it: import hinge_utils as hu
API_HOME = f"api/{PACKAGE}.html"


def documented_modules() -> list[str]:
    """``hinge_utils`` and its subpackages that declare ``__all__``, in import order."""
    return [PACKAGE, *_subpackages(importlib.import_module(PACKAGE))]


def _subpackages(package: object) -> list[str]:
    import pkgutil

    found = []
    for info in pkgutil.iter_modules(package.__path__, f"{PACKAGE}."):  # type: ignore[attr-defined]
        if info.ispkg and not info.name.rsplit(".", 1)[1].startswith("_"):
            module = importlib.import_module(info.name)
            if hasattr(module, "__all__"):
                found.append(info.name)
    return found


def public_names(modules: list[str]) -> dict[str, list[str]]:
    """``{module: its __all__}`` for each documented module."""
    return {name: list(importlib.import_module(name).__all__) for name in modules}


def page_of(module: str) -> str:
    """The page of a module, relative to the site's root.

    >>> page_of("hinge_utils.plotting")
    'api/hinge_utils/plotting.html'
    """
    return "api/" + module.replace(".", "/") + ".html"


def build_api(site: Path, *, title: str) -> list[Path]:
    """Render the API reference into ``site/api``; return its pages.

    Raises:
        RuntimeError: pdoc is not installed (it comes with ``make venv``: the ``test`` extra).
    """
    try:
        import pdoc
        import pdoc.render
    except ImportError as error:
        raise RuntimeError(
            "pdoc is not installed: the API reference is generated with it; run `make venv` "
            "(or pip install -c requirements/constraints.txt pdoc)"
        ) from error
    modules = documented_modules()
    pdoc.render.configure(
        docformat="google",
        math=True,
        search=False,
        show_source=False,
        template_directory=TEMPLATES / "api",
        footer_text=f"{title}: API reference",
    )
    pdoc.render.env.loader.searchpath.append(str(TEMPLATES))  # shared/site_header.html.j2
    pdoc.render.env.globals["api_site"] = {
        "title": title, "api": API_HOME, "current": "api", "root": "",
    }
    out = site / "api"
    with warnings.catch_warnings():
        # pdoc warns about forward references it cannot resolve (annotations under
        # TYPE_CHECKING); the page then shows the annotation as written.
        warnings.simplefilter("ignore", UserWarning)
        pdoc.pdoc(*modules, output_directory=out)
    pages = sorted(out.rglob("*.html"))
    for page in pages:
        page.write_text(accessible_api_page(page.read_text(encoding="utf-8")), encoding="utf-8")
    # pdoc's code colours, darkened where they read below 4.5:1 on its code background (#eee).
    pdoc_css = Path(pdoc.__file__).parent / "templates" / "syntax-highlighting.css"
    (site / "_static" / "api-colours.css").write_text(
        "/* Written by docs/api_reference.py: pdoc's syntax colours at 4.5:1 on #eee. */\n"
        + readable_css_overrides(pdoc_css.read_text(encoding="utf-8"), "#eeeeee",
                                 "body.api-page") + "\n",
        encoding="utf-8",
    )
    return pages


HEADERLINK = re.compile(r'<a class="headerlink" href="#(?P<name>[^"]+)"></a>')
LOCAL_LINK = re.compile(r'<a href="#(?P<name>[^"]+)">(?P<text>.*?)</a>', re.DOTALL)
ID = re.compile(r'(?<![-\w])id="([^"]+)"')


def accessible_api_page(page: str) -> str:
    """A pdoc page with the site's page class, the skip link's target, named permalinks, and no
    link to an anchor the page lacks (pdoc links ``Class.attribute`` in prose even where the
    attribute has no entry of its own: the name stays, as text).

    >>> print(accessible_api_page('<body><main class="pdoc"><a class="headerlink" href="#f"></a>'
    ...                           '<a href="#f">f</a> <a href="#g.x">g.x</a><b id="f"></b>'))
    <body class="api-page"><main class="pdoc" id="content" tabindex="-1"><a class="headerlink" href="#f" aria-label="Link to f"></a><a href="#f">f</a> g.x<b id="f"></b>
    """  # noqa: E501
    page = page.replace("<body>", '<body class="api-page">', 1)
    page = page.replace('<main class="pdoc">', '<main class="pdoc" id="content" tabindex="-1">', 1)
    ids = set(ID.findall(page))
    page = LOCAL_LINK.sub(
        lambda m: m.group(0) if m.group("name") in ids else m.group("text"), page)
    return HEADERLINK.sub(
        lambda m: f'<a class="headerlink" href="#{m.group("name")}" '
                  f'aria-label="Link to {m.group("name")}"></a>',
        page,
    )


def api_anchors(modules: list[str] | None = None) -> dict[str, str]:
    """``{"hu.name": "api/...html#name"}`` for every public name, as a lesson writes it.

    A name exported by ``hinge_utils`` itself links to the package's page; a subpackage's name
    to the subpackage's page (``hu.plotting.plot_losses``).
    """
    modules = modules or documented_modules()
    anchors: dict[str, str] = {}
    for module, names in public_names(modules).items():
        dotted = ALIAS + module.removeprefix(PACKAGE)
        for name in names:
            anchors.setdefault(f"{dotted}.{name}", entry_of(module, name))
    return anchors


def entry_of(module: str, name: str) -> str:
    """Where a public name is documented: its anchor on its module's page, or, for a submodule
    that the module exports (``hinge_utils.zoo``), the submodule's own page.

    >>> entry_of("hinge_utils", "zoo"), entry_of("hinge_utils", "hinge_loss")
    ('api/hinge_utils/zoo.html', 'api/hinge_utils.html#hinge_loss')
    """
    value = getattr(importlib.import_module(module), name, None)
    if inspect.ismodule(value) and value.__name__ == f"{module}.{name}":
        return page_of(value.__name__)
    return f"{page_of(module)}#{name}"


# hu.name or hu.sub.name as pygments highlights it: name spans joined by "." operator spans.
_N = r'<span class="n">{}</span>'
_DOT = r'<span class="o">\.</span>'
CODE_NAME = re.compile(
    _N.format(ALIAS) + r"((?:" + _DOT + _N.format(r"\w+") + r")+)"
)
INLINE_CODE = re.compile(r"<code>(?P<text>(?:hu\.)?[A-Za-z_][\w.]*)(?P<call>\(\))?</code>")
# Only in the page's content: the lesson body starts after <main ...> and ends at the pager.
BODY = re.compile(r"(<main\b[^>]*>)(?P<body>.*?)(<nav\b[^>]*\bclass=\"pager)", re.DOTALL)


def link_first_uses(page_html: str, anchors: dict[str, str], root: str = "") -> tuple[str, int]:
    """Link the first use of each documented name in a lesson page to its API entry.

    Code: the first ``hu.name`` (or ``hu.sub.name``) of each name, as highlighted by pygments.
    Prose: the first inline ``<code>hu.name</code>`` or ``<code>name</code>`` whose name is
    documented (a bare name only if one public name has it). Returns the page and the number
    of links made.

    >>> anchors = {"hu.hinge_loss": "api/hinge_utils.html#hinge_loss"}
    >>> code = ('<span class="n">hu</span><span class="o">.</span>'
    ...         '<span class="n">hinge_loss</span>')
    >>> page = f'<main>{code} <code>hinge_loss()</code> {code}<nav class="pager"></nav>'
    >>> out, n = link_first_uses(page, anchors)
    >>> n, out.count('href="api/hinge_utils.html#hinge_loss"')
    (1, 1)
    """
    match = BODY.search(page_html)
    if match is None:
        return page_html, 0
    body = match.group("body")
    by_bare: dict[str, list[str]] = {}
    for dotted in anchors:
        by_bare.setdefault(dotted.rsplit(".", 1)[1], []).append(dotted)
    linked: set[str] = set()

    def code_link(found: re.Match[str]) -> str:
        parts = re.findall(r'<span class="n">(\w+)</span>', found.group(1))
        # The longest documented prefix: hu.plotting.plot_losses, or hu.train_linear_svm.
        for length in range(len(parts), 0, -1):
            dotted = ".".join([ALIAS, *parts[:length]])
            if dotted in anchors:
                if dotted in linked:
                    return found.group(0)
                linked.add(dotted)
                spans = found.group(0)
                return (f'<a class="api-link" href="{root}{anchors[dotted]}" '
                        f'title="API reference: {html.escape(dotted)}">{spans}</a>')
        return found.group(0)

    def prose_link(found: re.Match[str]) -> str:
        text = found.group("text")
        dotted = text if text.startswith(f"{ALIAS}.") else None
        if dotted is None:
            candidates = by_bare.get(text, [])
            dotted = candidates[0] if len(candidates) == 1 else None
        if dotted is None or dotted not in anchors or dotted in linked:
            return found.group(0)
        linked.add(dotted)
        return f'<a class="api-link" href="{root}{anchors[dotted]}">{found.group(0)}</a>'

    # In reading order: a name's first use, in code or prose, gets the link.
    pieces = re.split(r"(<code>.*?</code>)", body, flags=re.DOTALL)
    out = []
    for piece in pieces:
        inside_link = bool(out) and re.search(r"<a\b[^>]*>\s*$", out[-1]) is not None
        if piece.startswith("<code>") and not inside_link:
            out.append(INLINE_CODE.sub(prose_link, piece))
        else:
            out.append(CODE_NAME.sub(code_link, piece))
    new_body = "".join(out)
    return page_html[: match.start("body")] + new_body + page_html[match.end("body"):], len(linked)
