"""The learning path: which notebooks there are, in which order, and what each one teaches.

Each lesson notebook opens with a markdown cell of the form::

    # Lesson 3: Squared and smooth hinge

    **What you will learn**

    - why squaring the hinge makes it differentiable
    - ...

    **Assumes**: [Lesson 2](02_binary_hinge.ipynb).

The site's landing page and the slides' index are built from these cells alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

LEARN_MARKER = re.compile(r"^\*\*What you will learn\*\*:?\s*$", re.IGNORECASE)
ASSUMES_MARKER = re.compile(r"^\*\*Assumes\*\*:?\s*(?P<rest>.*)$", re.IGNORECASE)
BULLET = re.compile(r"^\s*[-*+]\s+(?P<text>.+)$")


@dataclass(frozen=True)
class Lesson:
    """One notebook of the learning path.

    Attributes:
        path: the ``.ipynb`` file.
        title: the first ``#`` heading, e.g. ``"Lesson 1: The margin"``.
        learn: the "What you will learn" bullets, as markdown.
        assumes: the "Assumes" line, as markdown (empty when the notebook has none).
    """

    path: Path
    title: str
    learn: list[str] = field(default_factory=list)
    assumes: str = ""

    @property
    def stem(self) -> str:
        """The file name without ``.ipynb``, e.g. ``"01_the_margin"``."""
        return self.path.stem


def parse_intro(markdown: str, fallback_title: str) -> tuple[str, list[str], str]:
    """Split a lesson's first markdown cell into its title, its bullets and its "Assumes" line.

    >>> parse_intro("# Lesson 1: The margin\\n\\n**What you will learn**\\n\\n- a\\n- b\\n\\n"
    ...             "**Assumes**: nothing.", "x")
    ('Lesson 1: The margin', ['a', 'b'], 'nothing.')
    """
    title = fallback_title
    learn: list[str] = []
    assumes = ""
    in_learn = False
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("# ") and title == fallback_title:
            title = stripped[2:].strip()
        elif LEARN_MARKER.match(stripped):
            in_learn = True
        elif (match := ASSUMES_MARKER.match(stripped)) is not None:
            in_learn = False
            assumes = match.group("rest").strip()
        elif in_learn and (bullet := BULLET.match(line)) is not None:
            learn.append(bullet.group("text").strip())
        elif in_learn and learn and stripped and line.startswith((" ", "\t")):
            learn[-1] += " " + stripped  # a bullet wrapped onto the next line
        elif in_learn and learn and stripped:
            in_learn = False
    return title, learn, assumes


def read_lesson(path: Path) -> Lesson:
    """Read one notebook's title, bullets and "Assumes" line from its first markdown cell."""
    notebook = nbformat.read(path, as_version=4)
    fallback = path.stem.replace("_", " ")
    first = next((cell for cell in notebook.cells if cell.cell_type == "markdown"), None)
    if first is None:
        return Lesson(path=path, title=fallback)
    title, learn, assumes = parse_intro(first.source, fallback)
    return Lesson(path=path, title=title, learn=learn, assumes=assumes)


def find_lessons(notebooks_dir: Path) -> list[Lesson]:
    """Every ``*.ipynb`` directly in ``notebooks_dir``, in file-name order (``01_...`` first).

    Raises:
        FileNotFoundError: ``notebooks_dir`` does not exist.
    """
    if not notebooks_dir.is_dir():
        raise FileNotFoundError(
            f"notebooks folder {notebooks_dir} does not exist: pass --notebooks PATH"
        )
    return [read_lesson(path) for path in sorted(notebooks_dir.glob("*.ipynb"))]
