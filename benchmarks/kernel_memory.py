"""Memory of one kernel running a lesson, beside a bare kernel: what a JupyterHub holds per user.

    python benchmarks/kernel_memory.py [notebooks/05_gradients_and_sparsity.ipynb ...]

For each notebook (default: lessons 05 and 08, the heaviest lesson and the explorer), a fresh
ipykernel runs every code cell, and the resident set size (RSS) of the kernel process is read
before and after, from the operating system (psutil). The baseline is the same kernel before it
runs anything. Linux and macOS.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "notebooks" / "05_gradients_and_sparsity.ipynb",
           ROOT / "notebooks" / "08_margin_explorer.ipynb"]
MB = 1024 * 1024


def kernel_rss_mb(notebook: Path, timeout: float = 600.0) -> tuple[float, float, float]:
    """(bare, after, peak) RSS in MB of a fresh kernel that runs ``notebook``'s code cells."""
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(notebook.parent))
    try:
        process = psutil.Process(manager.provisioner.process.pid)  # type: ignore[union-attr]
        bare = process.memory_info().rss / MB
        peak = bare
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            reply = client.execute_interactive(cell.source, timeout=timeout,
                                               output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{notebook.name}: a cell failed: {reply['content']}")
            peak = max(peak, process.memory_info().rss / MB)
        after = process.memory_info().rss / MB
        return bare, after, peak
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, default=DEFAULT)
    args = parser.parse_args(argv)
    print(f"{'notebook':36s} {'bare kernel':>12s} {'after':>9s} {'peak':>9s} {'ratio':>6s}")
    for notebook in args.notebooks:
        bare, after, peak = kernel_rss_mb(notebook.resolve())
        print(f"{notebook.name:36s} {bare:9.0f} MB {after:6.0f} MB {peak:6.0f} MB "
              f"{after / bare:5.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
