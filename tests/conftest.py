"""Shared test set-up: one torch thread (repeatable sums, no oversubscription on a 2-core
machine) and matplotlib's non-interactive Agg backend (no display needed).

A module whose tests solve small problems with scikit-learn or scipy also runs the BLAS
single-threaded: ``pytestmark = pytest.mark.usefixtures("one_thread")``.
"""

from __future__ import annotations

import matplotlib
import pytest
import torch

matplotlib.use("Agg")
torch.set_num_threads(1)


@pytest.fixture(scope="module")
def one_thread():
    """Small problems: run torch and the BLAS single-threaded (faster, and steady on a busy CPU)."""
    from threadpoolctl import threadpool_limits

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        yield
    torch.set_num_threads(threads)
