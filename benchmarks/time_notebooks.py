"""Execute every lesson notebook in a fresh kernel and print its wall time.

Beside each lesson it prints the time of an empty notebook (kernel start-up alone, the baseline)
run in the same process, so the table shows what the lesson itself costs. Targets: each lesson
under 15 s, the whole collection under 90 s.

    .venv/bin/python benchmarks/time_notebooks.py [notebooks/NN_name.ipynb ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from _timing import timed
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run(nb: nbformat.NotebookNode, cwd: Path) -> float:
    """Seconds to execute ``nb`` in a fresh kernel, kernel start included."""
    resources = {"metadata": {"path": cwd}}
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources=resources)
    return timed(client.execute)


def main(paths: list[str]) -> None:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    baseline = run(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), ROOT)
    print(f"{'notebook':40s} {'seconds':>8s} {'minus kernel start':>19s}")
    print(f"{'(empty notebook: kernel start)':40s} {baseline:8.1f}")
    total = 0.0
    for path in notebooks:
        seconds = run(nbformat.read(path, as_version=4), path.parent)
        total += seconds
        flag = "" if seconds < 15 else "  over the 15 s budget"
        print(f"{path.name:40s} {seconds:8.1f} {seconds - baseline:19.1f}{flag}")
    print(f"{'total':40s} {total:8.1f}   (budget 90 s)")


if __name__ == "__main__":
    main(sys.argv[1:])
