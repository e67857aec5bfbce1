"""Lesson 3 (squared and smooth hinge): the squared hinge, and Rennie & Srebro's smoothed hinge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..functional import squared_hinge_loss
from ..zoo import smooth_hinge
from ._engine import Case, CheckResult, Mistake, margin_label, randn, random_signs, run_checks

__all__ = ["check_smooth_hinge", "check_squared_hinge"]

_t = torch.tensor

_SQUARED_CASES = (
    Case(
        "a mixed batch",
        {"scores": _t([2.0, 0.5, -0.5, -2.0, 0.3]), "targets": _t([1.0, 1.0, 1.0, -1.0, -1.0])},
    ),
    Case(
        "on the hinge (y * s = 1) and far beyond it (y * s = 3)",
        {"scores": _t([1.0, -1.0, 3.0, -3.0]), "targets": _t([1, -1, 1, -1])},
    ),
    Case(
        "integer labels (int64)",
        {"scores": _t([0.25, -0.75, 1.5, -0.1]), "targets": _t([1, -1, -1, 1])},
    ),
    Case(
        "float64 scores",
        {"scores": randn(6, seed=21, dtype=torch.float64), "targets": random_signs(6, seed=22)},
    ),
    Case("an empty batch", {"scores": torch.zeros(0), "targets": torch.zeros(0)}),
)


def _hinge(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (1 - y.to(s.dtype) * s).clamp(min=0)


def _squared(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return squared_hinge_loss(s, y, reduction="none")


_SQUARED_MISTAKES = (
    Mistake("you forgot to square: that is the plain hinge max(0, 1 - y * s)", _hinge),
    Mistake(
        "did you square before clamping? (1 - y * s)^2 is positive for safe samples too "
        "(y * s = 3 gives 4): clamp at 0 first, then square",
        lambda s, y: (1 - y.to(s.dtype) * s).square(),
    ),
    Mistake(
        "you halved it: the squared hinge is max(0, 1 - y * s)^2, without a 1/2",
        lambda s, y: 0.5 * _squared(s, y),
    ),
    Mistake(
        "did you forget the label? Use y * s, not s",
        lambda s, y: (1 - s).clamp(min=0).square(),
    ),
    Mistake(
        "wrong sign: max(0, 1 - y * s)^2, not max(0, 1 + y * s)^2",
        lambda s, y: (1 + y.to(s.dtype) * s).clamp(min=0).square(),
    ),
    Mistake(
        "your losses are rounded down to whole numbers: did you start from the integer labels "
        "(e.g. torch.zeros_like(targets))? Build the result from the scores' dtype",
        lambda s, y: _squared(s, y).trunc(),
    ),
    Mistake(
        "you returned one number: the exercise asks for one loss per sample (no .mean())",
        lambda s, y: _squared(s, y).mean(),
    ),
    Mistake(
        "you returned one number: the exercise asks for one loss per sample (no .sum())",
        lambda s, y: _squared(s, y).sum(),
    ),
)


def check_squared_hinge(fn: Callable[..., Any]) -> CheckResult:
    r"""Check ``fn(scores, targets)``: per-sample squared hinge losses :math:`[1 - y s]_+^2`.

    Shape:
        - scores: :math:`(N)`; targets: :math:`(N)` in {-1, +1}; output: :math:`(N)`.

    Example::

        >>> def squared_hinge(scores, targets):
        ...     return torch.clamp(1 - targets * scores, min=0) ** 2
        >>> # first case: hinge 0, 0.5, 1.5, 0, 1.3  ->  squared 0, 0.25, 2.25, 0, 1.69
        >>> result = check_squared_hinge(squared_hinge)
        All 5 checks passed: your squared_hinge matches the reference, including the kink y * s = 1, a safe sample at y * s = 3, integer labels, float64 scores and an empty batch.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="squared_hinge",
        student=fn,
        reference=_squared,
        cases=_SQUARED_CASES,
        mistakes=_SQUARED_MISTAKES,
        covered=(
            "the kink y * s = 1, a safe sample at y * s = 3, integer labels, float64 scores "
            "and an empty batch"
        ),
        signature="f(scores, targets)",
    )


# --- smooth hinge -----------------------------------------------------------------------------

_SMOOTH_CASES = (
    Case("one margin on each piece", {"m": _t([-2.0, 0.5, 2.0])}),
    Case("where the pieces join (m = 0 and m = 1)", {"m": _t([0.0, 1.0])}),
    Case("more margins inside (0, 1)", {"m": _t([0.1, 0.25, 0.75, 0.9])}),
    Case("large margins (|m| = 100)", {"m": _t([-100.0, 100.0])}),
    Case("float64 margins", {"m": randn(6, seed=31, dtype=torch.float64)}),
    Case("an empty tensor", {"m": torch.zeros(0)}),
)


def _parabola(m: torch.Tensor) -> torch.Tensor:
    return 0.5 * (1 - m).clamp(min=0).square()


_SMOOTH_MISTAKES = (
    Mistake(
        "that is the plain hinge max(0, 1 - m); the smooth hinge replaces the kink by the "
        "parabola (1 - m)^2 / 2 on 0 < m < 1",
        lambda m: (1 - m).clamp(min=0),
    ),
    Mistake(
        "for m <= 0 the loss is the straight line 1/2 - m; yours keeps the parabola "
        "(1 - m)^2 / 2 there",
        _parabola,
    ),
    Mistake(
        "for m <= 0 use 1/2 - m, not 1 - m: the pieces must meet at m = 0, where the parabola "
        "is (1 - 0)^2 / 2 = 1/2",
        lambda m: torch.where(m <= 0, 1 - m, _parabola(m)),
    ),
    Mistake(
        "the middle piece is (1 - m)^2 / 2: did you drop the 1/2?",
        lambda m: torch.where(m <= 0, 0.5 - m, 2 * _parabola(m)),
    ),
    Mistake(
        "that is the squared hinge max(0, 1 - m)^2; the smooth hinge is (1 - m)^2 / 2 on "
        "0 < m < 1 and 1/2 - m for m <= 0",
        lambda m: (1 - m).clamp(min=0).square(),
    ),
    Mistake(
        "wrong sign on the straight piece: for m <= 0 it is 1/2 - m, growing as m gets more "
        "negative",
        lambda m: torch.where(m <= 0, 0.5 + m, _parabola(m)),
    ),
    Mistake(
        "for m >= 1 the loss is 0: did you forget that piece (or the clamp of 1 - m at 0)?",
        lambda m: torch.where(m <= 0, 0.5 - m, 0.5 * (1 - m).square()),
    ),
)


def check_smooth_hinge(fn: Callable[[torch.Tensor], Any]) -> CheckResult:
    r"""Check ``fn(m)``, the quadratically smoothed hinge of Rennie & Srebro (2005) of margins ``m``.

    .. math::
        L(m) = \begin{cases} \tfrac12 - m & m \leq 0 \\ \tfrac12 (1 - m)^2 & 0 < m < 1 \\
        0 & m \geq 1 \end{cases}

    The reference is :func:`hinge_utils.zoo.smooth_hinge`.

    Shape:
        - m: :math:`(N)`; output: :math:`(N)`, same dtype.

    Example::

        >>> def smooth(m):
        ...     return torch.where(m <= 0, 0.5 - m, 0.5 * torch.clamp(1 - m, min=0) ** 2)
        >>> # first case: 1/2 - (-2) = 2.5,  (1 - 0.5)^2 / 2 = 0.125,  0
        >>> result = check_smooth_hinge(smooth)
        All 6 checks passed: your smooth_hinge matches the reference, including the joins at m = 0 and m = 1, |m| = 100, float64 margins and an empty tensor.
        >>> result = check_smooth_hinge(lambda m: torch.clamp(1 - m, min=0))
        Check 1 of 6 failed: one margin on each piece
          input: m=[-2.0, 0.5, 2.0]
          m = -2.0: expected 2.5, got 3.0 (1 more entry is wrong too)
          hint: that is the plain hinge max(0, 1 - m); the smooth hinge replaces the kink by the parabola (1 - m)^2 / 2 on 0 < m < 1
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="smooth_hinge",
        student=fn,
        reference=smooth_hinge,
        cases=_SMOOTH_CASES,
        mistakes=_SMOOTH_MISTAKES,
        covered="the joins at m = 0 and m = 1, |m| = 100, float64 margins and an empty tensor",
        signature="f(m)",
        entry=margin_label,
    )
