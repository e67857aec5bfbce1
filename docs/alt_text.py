"""Alt text for every figure of the site: what the figure shows, not "image".

Where a figure's description comes from, first found wins:

1. The notebook's override: the code cell's metadata ``"alt"``, a string for a cell with one
   figure or a list of strings, one per figure in output order (``null`` entries fall through).
2. The output's own description: ``outputs[i].metadata["image/png"]["alt"]`` (the key
   :data:`ALT_KEY` under the figure's MIME type, next to the ``width`` and ``height`` nbconvert
   already reads there). ``hinge_utils.figure_description.register()`` makes the kernel write it
   for every matplotlib figure it displays, from the description a plotting helper attached to
   the figure (or, failing that, from its titles and axis labels).
3. Derived from the cell: the first sentence of the markdown cell before it (the lessons' rule:
   "a markdown cell says what the next cell shows"), and the plotting function the cell calls.

Generic texts ("png", "Figure", "output", matplotlib's ``<Figure size 640x480 with 1 Axes>``,
nbconvert's "No description has been provided for this image") never count as a description.
:func:`describe_figures` writes the chosen text into each output's metadata (on the in-memory
notebook the build renders), where the page template reads it into ``<img alt=...>``.
"""

from __future__ import annotations

import re
from typing import Any

ALT_KEY = "alt"
CELL_KEY = "alt"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
MAX_LENGTH = 400

GENERIC_WORDS = {
    "", "alt", "chart", "figure", "graph", "image", "img", "jpeg", "jpg", "output", "picture",
    "plot", "png", "svg", "no description has been provided for this image",
}
# "Figure 3", "image.png", "output_12_0.png", "<Figure size 640x480 with 1 Axes>"
GENERIC_PATTERN = re.compile(
    r"^(?:(?:figure|fig|image|img|plot|output|graph|chart)[\s_.-]*\d*(?:[\s_.-]\d+)*"
    r"(?:\.(?:png|jpe?g|svg))?|<figure size [\dx.]+ with \d+ axes>)$",
    re.IGNORECASE,
)
# Markdown to plain text: images, links, emphasis, code ticks, heading hashes.
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
MD_MARKUP = re.compile(r"(\*\*|__|\*|`|^#+\s*)", re.MULTILINE)
SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z$`*(])")
# hu.plotting.plot_decision_boundary(...), plot_losses(...), ax.plot is not a helper.
PLOT_CALL = re.compile(r"\b(?:hu\.plotting\.|plotting\.)?(plot_\w+|draw_\w+)\s*\(")


def is_generic(text: object) -> bool:
    """Whether ``text`` says nothing about what a figure shows.

    >>> [is_generic(t) for t in ["", "png", "Figure 2", "output_3_0.png",
    ...  "<Figure size 640x480 with 1 Axes>", "Hinge loss against the margin"]]
    [True, True, True, True, True, False]
    """
    if not isinstance(text, str):
        return True
    normal = " ".join(text.strip().strip(".:").split()).lower()
    return normal in GENERIC_WORDS or bool(GENERIC_PATTERN.match(normal)) or len(normal) < 8


def plain_text(markdown: str) -> str:
    """Markdown to one line of plain text (TeX is kept: MathJax is not there in an alt).

    >>> plain_text("## The [hinge](02.ipynb) is **zero** past `m = 1`")
    'The hinge is zero past m = 1'
    """
    text = MD_IMAGE.sub(r"\1", markdown)
    text = MD_LINK.sub(r"\1", text)
    text = MD_MARKUP.sub("", text)
    return " ".join(text.split())


def first_sentence(markdown: str) -> str:
    """A markdown cell's heading (if it opens with one) and the first sentence of its text, as
    plain text, at most :data:`MAX_LENGTH` long.

    >>> first_sentence("The loss zoo. Each curve is zero past the margin.")
    'The loss zoo.'
    >>> first_sentence("## The zoo\\n\\nEvery loss is a function of $m$. More.")
    'The zoo: Every loss is a function of $m$.'
    """
    lines = markdown.strip().splitlines()
    heading = ""
    if lines and re.match(r"^#+\s", lines[0]):
        heading, lines = plain_text(lines[0]), lines[1:]
    text = plain_text("\n".join(lines))
    sentence = SENTENCE_END.split(text, maxsplit=1)[0] if text else ""
    if heading:
        sentence = f"{heading}: {sentence}" if sentence else heading
    if len(sentence) > MAX_LENGTH:
        sentence = sentence[: MAX_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def _override(cell: Any, index: int) -> str | None:
    value = cell.get("metadata", {}).get(CELL_KEY)
    if isinstance(value, str):
        return value if index == 0 else None
    if isinstance(value, list) and index < len(value) and isinstance(value[index], str):
        return value[index]
    return None


def _from_output(output: Any, mime: str) -> str | None:
    metadata = output.get("metadata", {}).get(mime, {})
    text = metadata.get(ALT_KEY) if isinstance(metadata, dict) else None
    return text if isinstance(text, str) else None


def derived(cell: Any, previous_markdown: str, lesson: str, index: int, count: int) -> str:
    """A description made from the cell when nothing better is recorded.

    >>> derived({"source": "hu.plotting.plot_losses(ax)"}, "Hinge and logistic loss. More.",
    ...         "Lesson 3", 0, 1)
    'Hinge and logistic loss. (Drawn by plot_losses.)'
    >>> derived({"source": "plt.plot(x)"}, "", "Lesson 3", 1, 2)
    'Lesson 3: figure 2 of 2 of a code cell that calls plt.plot.'
    """
    source = cell.get("source", "")
    helpers = list(dict.fromkeys(PLOT_CALL.findall(source)))
    parts = [f"figure {index + 1} of {count}"] if count > 1 else []
    if helpers:
        parts.append(f"drawn by {', '.join(helpers)}")
    sentence = first_sentence(previous_markdown)
    if sentence and not is_generic(sentence):
        note = "; ".join(parts)
        return f"{sentence} ({note[0].upper()}{note[1:]}.)" if note else sentence
    calls = helpers or re.findall(r"\b(?:plt|ax|fig)\.\w+", source)[:1]
    what = f" that calls {', '.join(calls)}" if calls else ""
    return f"{lesson}: figure {index + 1} of {count} of a code cell{what}."


def describe_figures(notebook: Any, lesson: str) -> int:
    """Write an alt text into the metadata of every image output of ``notebook``, in place.

    Returns:
        The number of image outputs described.
    """
    previous_markdown = ""
    described = 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            previous_markdown = cell.source
            continue
        if cell.cell_type != "code":
            continue
        images = [
            (output, mime)
            for output in cell.get("outputs", [])
            for mime in IMAGE_TYPES
            if mime in output.get("data", {})
        ]
        for index, (output, mime) in enumerate(images):
            candidates = [
                _override(cell, index),
                _from_output(output, mime),
            ]
            text = next((c for c in candidates if c and not is_generic(c)), None)
            if text is None:
                text = derived(cell, previous_markdown, lesson, index, len(images))
            output.setdefault("metadata", {}).setdefault(mime, {})[ALT_KEY] = " ".join(text.split())
            described += 1
    return described
