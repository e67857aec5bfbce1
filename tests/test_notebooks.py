"""What a reader of the committed notebooks sees: executed in order, clean, structured as lessons.

nbval (``make test``) re-executes every notebook and compares its outputs; these tests check what
nbval does not: the shape of each lesson and the hygiene of what is committed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MACHINE_PATH = re.compile(
    r"(/root/|/tmp/|/work/|/home/[^/\s]+/|/Users/[^/\s]+/|site-packages|[A-Z]:\\\\)"
)
ADDRESS = re.compile(r" at 0x[0-9a-f]{6,}")
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}

pytestmark = pytest.mark.skipif(not NOTEBOOKS, reason="no lesson notebooks in notebooks/ yet")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _ids(paths):
    return [p.stem for p in paths]


@pytest.fixture(params=NOTEBOOKS, ids=_ids(NOTEBOOKS))
def notebook(request) -> tuple[Path, dict]:
    return request.param, _load(request.param)


def test_lessons_are_numbered_in_reading_order():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(numbers) + 1)), [p.name for p in NOTEBOOKS]


def test_executed_once_top_to_bottom_in_a_fresh_kernel(notebook):
    _, nb = notebook
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"execution counts {counts}: re-execute"


def test_no_errors_warnings_or_timing_left_in_outputs(notebook):
    _, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        assert "execution" not in cell.get("metadata", {}), f"cell {i}: timing metadata committed"
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"cell {i}: error output {out.get('ename')}"
            is_stderr = out["output_type"] == "stream" and out["name"] == "stderr"
            assert not is_stderr, f"cell {i}: stderr output: {''.join(out['text'])[:200]}"


def test_no_machine_paths_or_memory_addresses(notebook):
    _, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        text = _source(cell) + json.dumps(cell.get("outputs", []))
        # images are base64: look only at text outputs and sources
        text = re.sub(r'"image/png": "[^"]*"', "", text)
        assert not MACHINE_PATH.search(text), f"cell {i}: {MACHINE_PATH.search(text).group(0)}"
        assert not ADDRESS.search(text), f"cell {i}: memory address in output (breaks nbval)"


def test_seeded_through_hinge_utils_setup(notebook):
    _, nb = notebook
    first_code = next(_source(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert "hu.setup(" in first_code, "first code cell must call hu.setup(seed=...)"


def test_opens_with_what_you_will_learn_and_closes_with_references(notebook):
    _, nb = notebook
    markdown = [_source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert markdown[0].startswith("# "), "first cell: the lesson's title"
    assert "What you will learn" in markdown[0]
    assert any(m.lstrip().startswith("## Summary") for m in markdown), "a Summary section"
    assert markdown[-1].lstrip().startswith("## References"), "last cell: References"


def test_every_cell_carries_slide_metadata(notebook):
    _, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        slide_type = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"cell {i}: slide_type {slide_type!r}"


def test_lessons_one_to_seven_have_checked_exercises(notebook):
    path, nb = notebook
    if int(path.name[:2]) > 7:
        pytest.skip("the explorer lesson has no exercises")
    sources = [_source(c) for c in nb["cells"]]
    exercises = [s for s in sources if s.lstrip().startswith("### Exercise")]
    checks = [s for s in sources if "hu.exercises.check_" in s or "exercises.check_" in s]
    assert 2 <= len(exercises) <= 3, f"{len(exercises)} exercises"
    assert len(checks) >= len(exercises), "each exercise is checked by a hinge_utils checker"


def test_readme_maps_every_notebook():
    readme = (ROOT / "README.md").read_text()
    missing = [p.name for p in NOTEBOOKS if p.name not in readme]
    assert not missing, f"README's notebook map lacks {missing}"
