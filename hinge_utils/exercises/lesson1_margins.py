"""Lesson 1 (margins): the functional margin ``y * s`` and the geometric margin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..functional import functional_margin
from ..margins import geometric_margin
from ._engine import Case, CheckResult, Mistake, randn, random_signs, run_checks

__all__ = ["check_functional_margin", "check_geometric_margin"]

_t = torch.tensor

_FUNCTIONAL_CASES = (
    Case("a mixed batch", {"scores": _t([1.5, -0.5, 0.3, -2.0]), "targets": _t([1, 1, -1, -1])}),
    Case(
        "float labels and a score of exactly 0",
        {"scores": _t([0.0, 2.5, -0.25]), "targets": _t([-1.0, -1.0, 1.0])},
    ),
    Case(
        "float64 scores",
        {"scores": _t([0.7, -1.2, 3.0], dtype=torch.float64), "targets": _t([-1, -1, 1])},
    ),
    Case("a single sample", {"scores": _t([-0.7]), "targets": _t([-1])}),
    Case("an empty batch", {"scores": torch.zeros(0), "targets": torch.zeros(0, dtype=torch.long)}),
    Case("a random batch of 8", {"scores": randn(8, seed=1), "targets": random_signs(8, seed=2)}),
)


def _y_times(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return y.to(s.dtype) * s


_FUNCTIONAL_MISTAKES = (
    Mistake(
        "did you return the scores without multiplying by the labels? The margin is y * s: a "
        "negative sample (y = -1) scored s = -2 is right, with margin +2",
        lambda s, y: s,
    ),
    Mistake(
        "wrong sign: the margin is y * s, positive when the prediction is right",
        lambda s, y: -_y_times(s, y),
    ),
    Mistake(
        "you returned 1 - y * s, the inside of the hinge; the margin is y * s itself",
        lambda s, y: 1 - _y_times(s, y),
    ),
    Mistake(
        "you returned the hinge loss max(0, 1 - y * s); the margin is y * s itself",
        lambda s, y: (1 - _y_times(s, y)).clamp(min=0),
    ),
    Mistake(
        "you returned only the sign (right or wrong); the margin keeps the size: y * s",
        lambda s, y: torch.sign(_y_times(s, y)),
    ),
    Mistake(
        "you returned one number: the exercise asks for one margin per sample (no .mean())",
        lambda s, y: _y_times(s, y).mean(),
    ),
    Mistake(
        "you returned one number: the exercise asks for one margin per sample (no .sum())",
        lambda s, y: _y_times(s, y).sum(),
    ),
)


def check_functional_margin(fn: Callable[[torch.Tensor, torch.Tensor], Any]) -> CheckResult:
    r"""Check ``fn(scores, targets)``, the functional margin :math:`m_n = y_n s_n` per sample.

    Prints one line on success, the first failing case with a hint otherwise.

    Shape:
        - scores: :math:`(N)`; targets: :math:`(N)` in {-1, +1}; output: :math:`(N)`.

    Example::

        >>> def margin(scores, targets):
        ...     return targets * scores  # 1 * 1.5 = 1.5, 1 * -0.5 = -0.5, ...
        >>> result = check_functional_margin(margin)
        All 6 checks passed: your functional_margin matches the reference, including float labels, float64 scores, a single sample and an empty batch.
        >>> result = check_functional_margin(lambda scores, targets: scores)
        Check 1 of 6 failed: a mixed batch
          input: scores=[1.5, -0.5, 0.3, -2.0], targets=[1, 1, -1, -1]
          sample 2: expected -0.3, got 0.3 (1 more entry is wrong too)
          hint: did you return the scores without multiplying by the labels? The margin is y * s: a negative sample (y = -1) scored s = -2 is right, with margin +2
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="functional_margin",
        student=fn,
        reference=functional_margin,
        cases=_FUNCTIONAL_CASES,
        mistakes=_FUNCTIONAL_MISTAKES,
        covered="float labels, float64 scores, a single sample and an empty batch",
        signature="f(scores, targets)",
    )


# --- geometric margin -------------------------------------------------------------------------

_GEOMETRIC_CASES = (
    Case(
        "w = (3, 4), so ||w|| = 5, with a bias",
        {
            "weight": _t([3.0, 4.0]),
            "bias": 0.5,
            "X": _t([[1.0, 1.0], [0.0, 0.0], [-1.0, 0.5], [2.0, -1.0]]),
            "y": _t([1, -1, 1, -1]),
        },
    ),
    Case(
        "a point exactly on the boundary",
        {
            "weight": _t([1.0, -1.0]),
            "bias": -1.0,
            "X": _t([[2.0, 1.0], [0.0, 2.0]]),
            "y": _t([1, 1]),
        },
    ),
    Case(
        "3 features and a negative bias",
        {
            "weight": randn(3, seed=3),
            "bias": -0.7,
            "X": randn(6, 3, seed=4),
            "y": random_signs(6, seed=5),
        },
    ),
    Case(
        "float64 data and float labels",
        {
            "weight": _t([0.5, 2.0], dtype=torch.float64),
            "bias": 1.5,
            "X": _t([[1.0, -1.0], [-3.0, 0.5]], dtype=torch.float64),
            "y": _t([-1.0, 1.0]),
        },
    ),
    Case(
        "a single sample",
        {"weight": _t([-2.0, 0.0]), "bias": 0.25, "X": _t([[1.0, 3.0]]), "y": _t([-1])},
    ),
)


def _scores(w: torch.Tensor, b: torch.Tensor | float, X: torch.Tensor) -> torch.Tensor:
    return X @ w + b


def _functional(
    w: torch.Tensor, b: torch.Tensor | float, X: torch.Tensor, y: torch.Tensor
) -> torch.Tensor:
    return y.to(X.dtype) * _scores(w, b, X)


_GEOMETRIC_MISTAKES = (
    Mistake(
        "did you forget to divide by ||w||? y (w.x + b) is the functional margin; the distance "
        "to the boundary is y (w.x + b) / ||w||",
        _functional,
    ),
    Mistake(
        "did you divide by ||w||^2? Divide by the norm itself: torch.linalg.norm(w)",
        lambda w, b, X, y: _functional(w, b, X, y) / (w @ w),
    ),
    Mistake(
        "did you leave out the bias? The boundary is w.x + b = 0",
        lambda w, b, X, y: _functional(w, 0.0, X, y) / torch.linalg.norm(w),
    ),
    Mistake(
        "did you forget the label y? (w.x + b) / ||w|| is a signed distance to the boundary; "
        "times y it is positive when the sample is on its own side",
        lambda w, b, X, y: _scores(w, b, X) / torch.linalg.norm(w),
    ),
    Mistake(
        "you returned the unsigned distance |w.x + b| / ||w||: multiply by y instead, so a "
        "misclassified sample gets a negative margin",
        lambda w, b, X, y: _scores(w, b, X).abs() / torch.linalg.norm(w),
    ),
    Mistake(
        "did you put the bias into the norm? Only w is normal to the boundary: divide by ||w||",
        lambda w, b, X, y: _functional(w, b, X, y) / torch.sqrt(w @ w + b**2),
    ),
    Mistake(
        "did you divide by the 1-norm sum |w_i|? Use the Euclidean norm torch.linalg.norm(w)",
        lambda w, b, X, y: _functional(w, b, X, y) / w.abs().sum(),
    ),
    Mistake(
        "you returned the smallest margin (the margin of the whole data set); the exercise asks "
        "for one margin per sample",
        lambda w, b, X, y: (_functional(w, b, X, y) / torch.linalg.norm(w)).min(),
    ),
)


def check_geometric_margin(fn: Callable[..., Any]) -> CheckResult:
    r"""Check ``fn(weight, bias, X, y)``: per-sample geometric margins :math:`y_n (w^T x_n + b) / \|w\|`.

    The geometric margin is the signed distance of :math:`x_n` to the boundary
    :math:`w^T x + b = 0`, positive on the sample's own side.

    Shape:
        - weight: :math:`(D)`; bias: a float; X: :math:`(N, D)`; y: :math:`(N)` in {-1, +1};
          output: :math:`(N)`.

    Example::

        >>> def geometric(weight, bias, X, y):
        ...     return y * (X @ weight + bias) / torch.linalg.norm(weight)
        >>> # first case, sample 0: 1 * (3 * 1 + 4 * 1 + 0.5) / 5 = 7.5 / 5 = 1.5
        >>> result = check_geometric_margin(geometric)
        All 5 checks passed: your geometric_margin matches the reference, including a point on the boundary, a negative bias, float64 data and a single sample.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="geometric_margin",
        student=fn,
        reference=geometric_margin,
        cases=_GEOMETRIC_CASES,
        mistakes=_GEOMETRIC_MISTAKES,
        covered="a point on the boundary, a negative bias, float64 data and a single sample",
        signature="f(weight, bias, X, y)",
    )
