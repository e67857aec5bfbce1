"""Lesson 5 (gradients): the hinge's derivative per sample, and which samples receive one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..functional import hinge_subgradient
from ..margins import margin_violators
from ._engine import Case, CheckResult, Mistake, randn, random_signs, run_checks

__all__ = ["check_hinge_gradient", "check_violators"]

_t = torch.tensor

_GRADIENT_CASES = (
    Case(
        "a mixed batch",
        {"scores": _t([2.0, 0.5, -0.5, -2.0, 0.3]), "targets": _t([1.0, 1.0, 1.0, -1.0, -1.0])},
    ),
    Case(
        "exactly at the kink, y * s = 1",
        {"scores": _t([1.0, -1.0, 0.5, -0.5]), "targets": _t([1.0, -1.0, -1.0, 1.0])},
    ),
    Case(
        "integer labels (int64)",
        {"scores": _t([0.2, -3.0, 1.5, 0.9]), "targets": _t([-1, -1, 1, 1])},
    ),
    Case(
        "float64 scores",
        {"scores": randn(6, seed=51, dtype=torch.float64), "targets": random_signs(6, seed=52)},
    ),
    Case("an empty batch", {"scores": torch.zeros(0), "targets": torch.zeros(0)}),
)


def _ys_and_labels(s: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    labels = y.to(s.dtype)
    return labels * s, labels


def _where(condition: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    return torch.where(condition, values, torch.zeros_like(values))


def _gradient(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return hinge_subgradient(s, y)


def _at_kink_minus_y(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    ys, labels = _ys_and_labels(s, y)
    return _where(ys <= 1, -labels)


def _plus_y(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    ys, labels = _ys_and_labels(s, y)
    return _where(ys < 1, labels)


def _one(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    ys, _ = _ys_and_labels(s, y)
    return (ys < 1).to(s.dtype)


def _minus_one(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    ys, _ = _ys_and_labels(s, y)
    return -(ys < 1).to(s.dtype)


def _misclassified_only(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    ys, labels = _ys_and_labels(s, y)
    return _where(ys < 0, -labels)


_GRADIENT_MISTAKES = (
    Mistake(
        "at y * s = 1 exactly you returned -y: that is torch.clamp's choice; this collection "
        "follows the syllabus formula, 0 where y * s >= 1",
        _at_kink_minus_y,
    ),
    Mistake(
        "at y * s = 1 exactly you returned -y/2: torch.maximum splits the slope between its two "
        "equal arguments; this collection follows the syllabus formula, 0 where y * s >= 1",
        lambda s, y: torch.where(
            _ys_and_labels(s, y)[0] == 1, -0.5 * y.to(s.dtype), _gradient(s, y)
        ),
    ),
    Mistake(
        "wrong sign: d/ds max(0, 1 - y * s) = -y inside the margin (the loss falls as y * s grows)",
        _plus_y,
    ),
    Mistake(
        "you returned 1 for the samples inside the margin: the derivative is -y there, so -1 "
        "for a positive sample and +1 for a negative one",
        _one,
    ),
    Mistake(
        "you returned -1 for every sample inside the margin: that is the slope in the margin "
        "m = y * s; by the chain rule the slope in s is -1 * y = -y",
        _minus_one,
    ),
    Mistake(
        "only misclassified samples (y * s < 0) got a gradient: samples with 0 <= y * s < 1 are "
        "right but inside the margin, and get -y too",
        _misclassified_only,
    ),
    Mistake(
        "samples beyond the margin (y * s >= 1) have zero gradient: the loss is flat there",
        lambda s, y: -_ys_and_labels(s, y)[1],
    ),
    Mistake(
        "you returned the loss max(0, 1 - y * s), not its derivative",
        lambda s, y: (1 - _ys_and_labels(s, y)[0]).clamp(min=0),
    ),
    Mistake(
        "you returned one number: the exercise asks for dL/ds per sample",
        lambda s, y: _gradient(s, y).sum(),
    ),
    Mistake(
        "you returned one number: the exercise asks for dL/ds per sample",
        lambda s, y: _gradient(s, y).mean(),
    ),
)


def check_hinge_gradient(fn: Callable[..., Any]) -> CheckResult:
    r"""Check ``fn(scores, targets)``: the hinge's derivative :math:`\partial \ell_n / \partial s_n`.

    .. math::
        \frac{\partial \ell_n}{\partial s_n} =
        \begin{cases} 0 & y_n s_n \ge 1 \\ -y_n & y_n s_n < 1 \end{cases}

    0 at the kink :math:`y_n s_n = 1`, as in the syllabus' formula and
    :func:`hinge_utils.functional.hinge_subgradient`. The result must have the scores' dtype.

    Shape:
        - scores: :math:`(N)`; targets: :math:`(N)` in {-1, +1}; output: :math:`(N)`.

    Example::

        >>> def gradient(scores, targets):
        ...     inside = targets * scores < 1
        ...     return torch.where(inside, -targets * 1.0, 0.0).to(scores.dtype)
        >>> # first case: y*s = 2, 0.5, -0.5, 2, -0.3  ->  0, -1, -1, 0, -(-1) = 1
        >>> result = check_hinge_gradient(gradient)
        All 5 checks passed: your hinge_gradient matches the reference, including the kink y * s = 1, integer labels, float64 scores and an empty batch.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="hinge_gradient",
        student=fn,
        reference=_gradient,
        cases=_GRADIENT_CASES,
        mistakes=_GRADIENT_MISTAKES,
        covered="the kink y * s = 1, integer labels, float64 scores and an empty batch",
        signature="f(scores, targets)",
    )


# --- violators --------------------------------------------------------------------------------

_VIOLATOR_CASES = (
    Case(
        "a mixed batch",
        {"scores": _t([2.0, 0.5, -0.5, -2.0, 0.3]), "targets": _t([1.0, 1.0, 1.0, -1.0, -1.0])},
    ),
    Case(
        "on the margin (y * s = 1) and on the boundary (y * s = 0)",
        {"scores": _t([1.0, -1.0, 0.0, 0.0]), "targets": _t([1, -1, 1, -1])},
    ),
    Case(
        "every sample beyond the margin",
        {"scores": _t([3.0, -2.0, 1.5]), "targets": _t([1, -1, 1])},
    ),
    Case(
        "float64 scores and integer labels",
        {"scores": randn(6, seed=53, dtype=torch.float64), "targets": random_signs(6, seed=54)},
    ),
    Case("an empty batch", {"scores": torch.zeros(0), "targets": torch.zeros(0)}),
)


def _violators(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return margin_violators(s, y)


_MISCLASSIFIED_ONLY = (
    "you flagged only misclassified samples (y * s < 0); samples with 0 < y * s < 1 are right "
    "but inside the margin, and still receive gradient"
)
_VIOLATOR_MISTAKES = (
    Mistake(
        "samples exactly on the margin (y * s = 1) were flagged: use <, not <=; at y * s = 1 "
        "the gradient is 0 in this collection",
        lambda s, y: _ys_and_labels(s, y)[0] <= 1,
    ),
    Mistake(
        _MISCLASSIFIED_ONLY,
        lambda s, y: _ys_and_labels(s, y)[0] < 0,
    ),
    Mistake(
        _MISCLASSIFIED_ONLY,
        lambda s, y: _ys_and_labels(s, y)[0] <= 0,
    ),
    Mistake(
        "you flagged the samples that are fine: the violators are those with y * s < 1",
        lambda s, y: _ys_and_labels(s, y)[0] >= 1,
    ),
    Mistake("did you forget the label? Compare y * s with 1, not s", lambda s, y: s < 1),
    Mistake(
        "you returned the indices of the violators (as torch.nonzero or torch.where(cond) do); "
        "return the boolean mask itself, one True/False per sample: y * s < 1",
        lambda s, y: torch.nonzero(_violators(s, y)).flatten(),
    ),
)


def check_violators(fn: Callable[..., Any]) -> CheckResult:
    r"""Check ``fn(scores, targets)``: the boolean mask of samples that receive hinge gradient.

    .. math::
        \text{violator}_n = \left[\, y_n s_n < 1 \,\right]

    Exactly the samples where :func:`check_hinge_gradient`'s derivative is non-zero. The result
    must be a bool tensor (so that ``scores[mask]`` selects them).

    Shape:
        - scores: :math:`(N)`; targets: :math:`(N)` in {-1, +1}; output: :math:`(N)`, bool.

    Example::

        >>> def violators(scores, targets):
        ...     return targets * scores < 1
        >>> # first case: y*s = 2, 0.5, -0.5, 2, -0.3  ->  False, True, True, False, True
        >>> result = check_violators(violators)
        All 5 checks passed: your violators matches the reference, including y * s = 1 exactly, y * s = 0, a batch without violators and an empty batch.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="violators",
        student=fn,
        reference=_violators,
        cases=_VIOLATOR_CASES,
        mistakes=_VIOLATOR_MISTAKES,
        covered="y * s = 1 exactly, y * s = 0, a batch without violators and an empty batch",
        signature="f(scores, targets)",
    )
