"""Student copies and an nbgrader course from the committed (teacher) lessons: ``make student``.

Each exercise of a lesson is one code cell whose answer sits between nbgrader's
``### BEGIN SOLUTION`` and ``### END SOLUTION`` markers (nbgrader metadata ``solution: true``,
and ``classroom: {kind, points}``). From every lesson that has such cells this writes:

- ``<out>/student/<lesson>.ipynb``: nbgrader's ``ClearSolutions`` replaces each answer by
  ``raise NotImplementedError()``, nbgrader's ``ClearOutput`` clears the exercise cells' outputs,
  and every other output (figures, tables) is kept, so the lesson reads as before.
- ``<out>/course/``: an nbgrader course directory, ``nbgrader_config.py`` and
  ``source/<lesson>/<lesson>.ipynb``, the teacher's lesson with exercise outputs cleared and, after
  each exercise, a graded test cell (``grade: true``, its points, ``locked``). The graded cell
  calls the exercise's checker again inside nbgrader's hidden-test markers, with
  ``fresh=<seed>`` where the checker takes it, so an answer that only knows the checker's fixed
  inputs fails; it asserts that the check passed, and the checker's message lands in the
  feedback. ``nbgrader generate_assignment``, ``autograde`` and ``generate_feedback`` run there
  unchanged.

Usage: ``python classroom/build.py [--out build] [--seed N] [lesson.ipynb ...]``.
"""

from __future__ import annotations

import argparse
import copy
import inspect
import re
import shutil
import sys
import zlib
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import ClearOutput, ClearSolutions

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CONFIG = Path(__file__).with_name("nbgrader_config.py")
#: The call a graded cell repeats: the answer cell's last checker call.
CHECK_CALL = re.compile(r"^(hu\.exercises\.(check_\w+))\((.*)\)\s*$", re.MULTILINE)
DEFAULT_SEED = 20240913


def exercise_cells(nb: Any) -> list[Any]:
    """The answer cells of a lesson: nbgrader solution cells."""
    return [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def _checker_takes_fresh(name: str) -> bool:
    import hinge_utils.exercises as exercises

    return "fresh" in inspect.signature(getattr(exercises, name)).parameters


def graded_cell(answer: Any, seed: int) -> Any:
    """The graded test cell that follows ``answer``: its checker again, on fresh inputs."""
    grade_id = answer.metadata["nbgrader"]["grade_id"]
    calls = CHECK_CALL.findall(answer.source)
    if not calls:
        raise ValueError(f"exercise {grade_id}: no hu.exercises.check_...(...) call in its cell")
    call, name, arguments = calls[-1]
    fresh = seed + zlib.crc32(grade_id.encode()) % 100_000
    takes_fresh = _checker_takes_fresh(name)
    extra = f", fresh={fresh}" if takes_fresh else ""
    again = "again, on inputs you have not seen" if takes_fresh else "again"
    source = (
        f"# Graded: {name} checks your answer {again}.\n"
        "### BEGIN HIDDEN TESTS\n"
        f"result = {call}({arguments}{extra})\n"
        "assert result.passed, result.message\n"
        "### END HIDDEN TESTS"
    )
    points = answer.metadata.get("classroom", {}).get("points", 1)
    metadata = {
        "slideshow": {"slide_type": "skip"},
        "nbgrader": {
            "grade": True,
            "grade_id": f"{grade_id}_graded",
            "locked": True,
            "points": points,
            "schema_version": 3,
            "solution": False,
            "task": False,
        },
    }
    return nbformat.v4.new_code_cell(source, metadata=metadata)


def _clear_exercise_outputs(nb: Any) -> None:
    clear = ClearOutput()
    for index, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            clear.preprocess_cell(cell, {}, index)
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)


def student_copy(teacher: Any) -> Any:
    """The lesson with stubs for the answers, exercise outputs cleared, other outputs kept."""
    nb = copy.deepcopy(teacher)
    nb, _ = ClearSolutions().preprocess(nb, {"metadata": {"path": "."}})
    _clear_exercise_outputs(nb)
    return nb


def course_source(teacher: Any, seed: int) -> Any:
    """The lesson as nbgrader's source: worked answers, exercise outputs cleared, graded cells."""
    nb = copy.deepcopy(teacher)
    _clear_exercise_outputs(nb)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            cells.append(graded_cell(cell, seed))
    nb.cells = cells
    return nb


def build(out: Path, lessons: list[Path], seed: int = DEFAULT_SEED) -> list[str]:
    """Write ``out/student`` and ``out/course``; return the names of the lessons with exercises."""
    student, course = out / "student", out / "course"
    for folder in (student, course):
        if folder.exists():
            shutil.rmtree(folder)
    student.mkdir(parents=True)
    (course / "source").mkdir(parents=True)
    shutil.copy(CONFIG, course / "nbgrader_config.py")
    written = []
    for path in lessons:
        teacher = nbformat.read(path, as_version=4)
        if not exercise_cells(teacher):
            continue
        nbformat.write(student_copy(teacher), student / path.name)
        folder = course / "source" / path.stem
        folder.mkdir()
        nbformat.write(course_source(teacher, seed), folder / path.name)
        written.append(path.stem)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="the graded cells' fresh inputs come from it")
    args = parser.parse_args(argv)
    lessons = args.lessons or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    written = build(args.out, lessons, args.seed)
    print(f"{len(written)} student copies in {args.out / 'student'}, "  # noqa: T201 - a script
          f"the nbgrader course in {args.out / 'course'} (assignments: {', '.join(written)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
