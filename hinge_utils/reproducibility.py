"""One call at the top of every notebook: seeded random number generators and one thread."""

from __future__ import annotations

import random

import torch

from hinge_utils import figure_description

__all__ = ["setup"]


def setup(seed: int = 0, threads: int = 1) -> torch.Generator:
    """Seed every random number generator a lesson touches and fix torch's thread count.

    What it promises: the same random draws on every run (torch's global generator, Python's
    ``random``, NumPy's legacy global generator), and one intra-op thread, so that a reduction
    is summed in the same order on every run of the same machine (with 1 or 2 threads a sum
    over 1e7 float32 numbers can differ in the 4th decimal).

    In IPython it also makes every figure's PNG output record what the figure shows (the
    description its plotting helper attached), which the docs site uses as alt text
    (:func:`hinge_utils.figure_description.register`).

    What it cannot promise: the same last bits on every machine. Another CPU runs other kernels
    (torch's AVX2 or AVX-512 code, MKL's code paths, even the memory alignment of a tensor)
    that round differently, and float32 draws of ``torch.randn`` themselves differ between
    torch's generic and vectorised kernels. The lessons therefore print only digits that do
    not depend on them, count points on a margin through one tolerance
    (:func:`hinge_utils.margins.margin_position`), and ``make test-numerics`` re-runs them
    under other kernels to prove it.

    Args:
        seed: seed for torch, Python's ``random`` and (if installed) NumPy's legacy global RNG.
        threads: torch intra-op threads (default 1: deterministic reductions).

    Returns:
        The seeded global ``torch.Generator`` (``torch.default_generator``).

    Example:
        >>> g = setup(seed=0)
        >>> a = torch.rand(2)
        >>> _ = setup(seed=0)
        >>> bool(torch.equal(a, torch.rand(2)))
        True
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int; got {seed!r}")
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        raise ValueError(f"threads must be a positive int; got {threads!r}: use threads=1")
    torch.set_num_threads(threads)
    # In a notebook: every figure's PNG output records what it shows, for the docs' alt text.
    figure_description.register()
    random.seed(seed)
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy ships with every install of this package
        pass
    else:
        np.random.seed(seed)  # noqa: NPY002 - legacy global RNG, seeded for code that uses it
    return torch.manual_seed(seed)
