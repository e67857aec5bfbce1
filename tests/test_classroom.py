"""The classroom edition: visible exercise cells, student copies, the nbgrader course, make lab.

``make student`` (``classroom/build.py``) writes the student copies and the nbgrader course from
the committed lessons. These tests build them in a temporary folder, run every student copy top to
bottom (it may fail only at its unsolved stubs), run nbgrader itself on two submissions, and start
``make lab`` to see the project's Jupyter config in effect.
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "classroom"))
sys.path.insert(0, str(ROOT / "benchmarks"))  # the server launcher shared with the benchmarks

from _voila import free_port, serve  # noqa: E402

pytest.importorskip("nbgrader", reason="nbgrader is not installed (the classroom extra)")
import build  # noqa: E402

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WITH_EXERCISES = [p for p in LESSONS if int(p.name[:2]) <= 7]
STUB = "raise NotImplementedError()"


def _ids(paths):
    return [p.stem for p in paths]


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    written = build.build(out, LESSONS)
    assert written == [p.stem for p in WITH_EXERCISES]  # lesson 8 has no exercises
    return out


# --- the committed lessons: every exercise has a visible cell with markers and a checker --------


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=_ids(WITH_EXERCISES))
def test_every_exercise_has_a_visible_answer_cell_with_its_checker(path):
    nb = nbformat.read(path, as_version=4)
    headings = [i for i, c in enumerate(nb.cells)
                if c.cell_type == "markdown" and c.source.lstrip().startswith("### Exercise")]
    ends = [*headings[1:], len(nb.cells)]
    for start, end in zip(headings, ends, strict=True):
        answers = [c for c in nb.cells[start:end] if _nbgrader(c).get("solution")]
        title = nb.cells[start].source.splitlines()[0]
        assert len(answers) == 1, f"{title}: {len(answers)} answer cells"
        (cell,) = answers
        assert cell.source.count("### BEGIN SOLUTION") == 1, title
        assert cell.source.count("### END SOLUTION") == 1, title
        assert not cell.metadata.get("jupyter", {}).get("source_hidden"), f"{title}: hidden"
        after = cell.source.split("### END SOLUTION")[1]
        assert build.CHECK_CALL.search(after), f"{title}: no checker call after the answer"
        assert cell.metadata["classroom"]["kind"] in {"code", "understanding"}
        assert cell.metadata["classroom"]["points"] >= 1
        assert not any(o.get("output_type") == "error" for o in cell.outputs), title
    kinds = {c.metadata["classroom"]["kind"] for c in nb.cells if _nbgrader(c).get("solution")}
    assert "understanding" in kinds, "each lesson asks for understanding at least once"


def test_grade_ids_are_unique_across_the_course():
    ids = [_nbgrader(c)["grade_id"] for p in WITH_EXERCISES
           for c in nbformat.read(p, as_version=4).cells if _nbgrader(c).get("solution")]
    assert len(ids) == len(set(ids)), ids


# --- build/student ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=_ids(WITH_EXERCISES))
def test_a_student_copy_has_stubs_and_keeps_every_other_output(built, path):
    teacher = nbformat.read(path, as_version=4)
    student = nbformat.read(built / "student" / path.name, as_version=4)
    assert len(student.cells) == len(teacher.cells)
    for mine, theirs in zip(student.cells, teacher.cells, strict=True):
        if _nbgrader(theirs).get("solution"):
            assert STUB in mine.source and "BEGIN SOLUTION" not in mine.source
            solution = theirs.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            assert solution.strip() not in mine.source  # the worked answer is gone
            assert mine.outputs == [] and mine.execution_count is None
        else:
            assert mine.source == theirs.source
            assert mine.get("outputs") == theirs.get("outputs")


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=_ids(WITH_EXERCISES))
def test_a_student_copy_runs_and_fails_only_at_its_stubs(built, path, tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(built / "student" / path.name, as_version=4)
    NotebookClient(nb, timeout=600, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        if _nbgrader(cell).get("solution"):
            # a function stub is called by its checker, which says so; a value stub raises
            if errors:
                assert [e.ename for e in errors] == ["NotImplementedError"], (i, errors)
            else:
                assert "not solved yet" in text, (i, text)
        else:
            assert not errors, f"cell {i} of a student copy failed: {errors[0].evalue}"


# --- build/course, and nbgrader end to end -----------------------------------------------------


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=_ids(WITH_EXERCISES))
def test_each_exercise_is_followed_by_a_graded_cell_on_fresh_inputs(built, path):
    source = built / "course" / "source" / path.stem / path.name
    nb = nbformat.read(source, as_version=4)
    for cell, after in zip(nb.cells, nb.cells[1:], strict=False):
        if not _nbgrader(cell).get("solution"):
            continue
        graded = _nbgrader(after)
        assert graded["grade"] and graded["locked"] and graded["points"] >= 1
        assert graded["grade_id"] == _nbgrader(cell)["grade_id"] + "_graded"
        assert "### BEGIN HIDDEN TESTS" in after.source and "assert result.passed" in after.source
        (name,) = re.findall(r"hu\.exercises\.(check_\w+)", after.source)
        assert ("fresh=" in after.source) == build._checker_takes_fresh(name), after.source


def _submission(release: Path, source: Path, wrong: dict[str, tuple[str, str]]):
    """The released notebook with every answer cell filled from the source, some made wrong."""
    cells = nbformat.read(source, as_version=4).cells
    answers = {_nbgrader(c)["grade_id"]: c.source for c in cells if _nbgrader(c).get("solution")}
    nb = copy.deepcopy(nbformat.read(release, as_version=4))
    for cell in nb.cells:
        grade_id = _nbgrader(cell).get("grade_id")
        if _nbgrader(cell).get("solution"):
            cell.source = answers[grade_id]
            if grade_id in wrong:
                right, mistaken = wrong[grade_id]
                assert right in cell.source
                cell.source = cell.source.replace(right, mistaken)
    return nb


def test_nbgrader_grades_the_worked_answers_fully_and_a_mistake_partly(built, tmp_path):
    from nbgrader.api import Gradebook

    lesson = "02_binary_hinge"
    course = tmp_path / "course"
    shutil.copytree(built / "course", course)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def nbgrader(*args):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout + done.stderr

    nbgrader("generate_assignment", lesson)
    release = course / "release" / lesson / f"{lesson}.ipynb"
    released = nbformat.read(release, as_version=4)
    hidden = ("BEGIN SOLUTION", "HIDDEN TESTS", "fresh=")
    assert not any(word in c.source for c in released.cells for word in hidden)
    source = course / "source" / lesson / f"{lesson}.ipynb"
    # the typical mistake of Exercise 2.1: the threshold written as 1, the margin argument ignored
    wrong = {"ex2_1": ("torch.clamp(margin - targets", "torch.clamp(1 - targets")}
    for student, mistakes in (("worked", {}), ("mistaken", wrong)):
        folder = course / "submitted" / student / lesson
        folder.mkdir(parents=True)
        nbformat.write(_submission(release, source, mistakes), folder / f"{lesson}.ipynb")
    nbgrader("autograde", lesson, "--create")
    nbgrader("generate_feedback", lesson)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        worked = gradebook.find_submission(lesson, "worked")
        mistaken = gradebook.find_submission(lesson, "mistaken")
        points = {g.name: (g.score, g.max_score) for g in mistaken.notebooks[0].grades}
        assert worked.max_score == 4 and worked.score == 4
        assert mistaken.score == 2, points
        assert points["ex2_1_graded"] == (0, 2) and points["ex2_2_graded"] == (2, 2)
    feedback = (course / "feedback" / "mistaken" / lesson / f"{lesson}.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", feedback))
    assert "did you write 1 where the margin argument belongs?" in text
    assert "Score: 0.0 / 2.0" in text


# --- make lab: the project's Jupyter config, with JupyterLab's news pop-ups off -----------------


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not on PATH")
def test_make_lab_turns_off_the_news_and_update_pop_ups(tmp_path):
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (the lab extra)")
    port = free_port()
    args = f"--no-browser --ServerApp.port={port} --ServerApp.port_retries=0"
    # make lab itself (the venv stamp taken as up to date: no install), in an empty home
    home = tmp_path / "home"
    home.mkdir()
    env_command = ["env", f"HOME={home}", "make", "-o", ".venv/.installed", "lab",
                   f"LAB_ARGS={args}"]
    log = tmp_path / "lab.log"
    with serve("make lab", env_command, port, log, start_seconds=90) as base:
        deadline = time.monotonic() + 30
        while not (token := re.search(r"[?&]token=([0-9a-f]+)", log.read_text())):
            assert time.monotonic() < deadline, f"no token in the printed URL:\n{log.read_text()}"
            time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/lab?token={token[1]}", timeout=30) as page:
            body = page.read().decode()
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      body, re.DOTALL)
    assert found, body[:2000]
    config = json.loads(found[1])
    assert "@jupyterlab/apputils-extension:announcements" in config["disabledExtensions"]
