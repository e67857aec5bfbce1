"""Lesson 5 (gradients): the hinge's derivative per sample, and which samples receive one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..functional import hinge_subgradient
from ..margins import margin_violators
from ._engine import (
    Case,
    CheckResult,
    Fresh,
    Mistake,
    fresh_binary_batches,
    randn,
    random_signs,
    report,
    run_checks,
    show_figure,
)

__all__ = [
    "check_hinge_gradient",
    "check_support_vectors",
    "check_violators",
    "support_vector_problem",
]

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


def _fresh(draw: Fresh) -> list[Case]:
    return fresh_binary_batches(draw)


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


def check_hinge_gradient(
    fn: Callable[..., Any], *, fresh: int | None = None
) -> CheckResult:
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
        fresh=fresh,
        fresh_cases=_fresh,
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


def check_violators(
    fn: Callable[..., Any], *, fresh: int | None = None
) -> CheckResult:
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
        fresh=fresh,
        fresh_cases=_fresh,
    )


# --- which points become support vectors? -----------------------------------------------------

_SV_X = ((0.0, 2.0), (3.0, 3.0), (1.0, -1.0), (-2.0, 0.0), (4.0, 1.0))
_SV_Y = (1, 1, -1, -1, 1)
_SV_LAM = 0.01


def support_vector_problem() -> tuple[torch.Tensor, torch.Tensor]:
    """Print and draw the five points of the prediction exercise; return ``(X, y)``.

    Before training, predict which of them end as support vectors (on or inside the margin band)
    of the linear SVM ``train_linear_svm(X, y, lam=0.01)``, and pass their indices to
    :func:`check_support_vectors`.

    Example::

        >>> X, y = support_vector_problem()
        point 0: x = ( 0.0,  2.0), label y = +1
        point 1: x = ( 3.0,  3.0), label y = +1
        point 2: x = ( 1.0, -1.0), label y = -1
        point 3: x = (-2.0,  0.0), label y = -1
        point 4: x = ( 4.0,  1.0), label y = +1
        >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.pyplot as plt

    lines = []
    fig, ax = plt.subplots(figsize=(4.5, 3.6), layout="constrained")
    for i, ((a, b), label) in enumerate(zip(_SV_X, _SV_Y, strict=True)):
        lines.append(f"point {i}: x = ({a:4.1f}, {b:4.1f}), label y = {label:+d}")
        marker, color = ("o", "tab:blue") if label > 0 else ("s", "tab:red")
        ax.scatter([a], [b], marker=marker, color=color, s=60)
        ax.annotate(str(i), (a, b), textcoords="offset points", xytext=(6, 6))
    ax.set_xlim(-3, 5)
    ax.set_ylim(-2, 4)
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.set_title("circles y = +1, squares y = -1")
    print("\n".join(lines))  # noqa: T201 - the exercise is shown to the student
    show_figure(fig)
    return _t(_SV_X), _t(_SV_Y)


def _true_support_vectors() -> set[int]:
    from ..margins import support_vectors
    from ..training import train_linear_svm

    X, y = _t(_SV_X, dtype=torch.float64), _t(_SV_Y)
    fit = train_linear_svm(X, y, lam=_SV_LAM)
    mask = support_vectors(fit.decision_function(X), y)
    return {int(i) for i in torch.nonzero(mask).flatten()}


def check_support_vectors(indices: Any) -> CheckResult:
    """Check a prediction of the support vectors of :func:`support_vector_problem`'s five points.

    ``indices`` is any collection of point numbers (a list, a set, a tensor). The checker trains
    the SVM and compares; a wrong answer is told how many of its points are not support vectors
    and how many support vectors it misses, not which.

    Example::

        >>> result = check_support_vectors([0, 1, 2, 3, 4])
        Check failed: 2 of the points you named end beyond the band, so they are not support vectors.
          hint: at the optimum only the points on or inside the band are support vectors; a point beyond it could move away a little without changing the line
    """  # noqa: E501 - doctest output is one line as printed
    n = len(_SV_X)
    try:
        items = indices.tolist() if isinstance(indices, torch.Tensor) else indices
        given = [int(i) for i in items]
    except (TypeError, ValueError):
        given = None
    if given is None or isinstance(indices, str | dict):
        message = (
            f"Expected the point numbers as a list or set of integers, e.g. {{0, 4}}; "
            f"got {indices!r}"
        )
        return report(False, n, message)
    outside = sorted(set(given) - set(range(n)))
    if outside:
        message = f"Check failed: the points are numbered 0 to {n - 1}; got {outside}."
        return report(False, n, message)
    chosen, right = set(given), _true_support_vectors()
    extra, missing = chosen - right, right - chosen
    if not extra and not missing:
        message = (
            f"Right: points {', '.join(map(str, sorted(right)))} are the support vectors; the "
            f"others lie beyond the band, and moving them a little would not move the line."
        )
        return report(True, n, message)
    lines = []
    if extra:
        verb = "ends" if len(extra) == 1 else "end"
        so = "it is not a support vector" if len(extra) == 1 else "they are not support vectors"
        lines.append(f"{len(extra)} of the points you named {verb} beyond the band, so {so}.")
    if missing:
        lines.append(
            f"{len(missing)} support vector{'' if len(missing) == 1 else 's'} "
            f"{'is' if len(missing) == 1 else 'are'} missing from your answer."
        )
    if chosen == set(range(n)):
        hint = (
            "at the optimum only the points on or inside the band are support vectors; a point "
            "beyond it could move away a little without changing the line"
        )
    elif chosen and len({_SV_Y[i] for i in chosen}) == 1:
        hint = (
            "you named points of one class only: the band has two edges, and at the optimum "
            "points of both classes touch them"
        )
    else:
        hint = (
            "picture the widest band between the classes: the support vectors are the points "
            "its edges touch. Which points would the band hit first, for each class?"
        )
    return report(False, n, "Check failed: " + " ".join(lines) + f"\n  hint: {hint}")
