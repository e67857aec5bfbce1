"""Lesson 1 (margins): the functional margin ``y * s`` and the geometric margin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..functional import functional_margin
from ..margins import geometric_margin
from ._engine import Case, CheckResult, Fresh, Mistake, randn, random_signs, report, run_checks

__all__ = [
    "check_functional_margin",
    "check_geometric_margin",
    "check_max_margin_line",
    "max_margin_problem",
]

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


def _fresh_functional(draw: Fresh) -> list[Case]:
    n, m = draw.size(1, 12), draw.size(1, 12)
    return [
        Case("fresh random batch", {"scores": draw.values(n), "targets": draw.signs(n)}),
        Case(
            "fresh random float64 batch, float labels",
            {"scores": draw.values(m, dtype=torch.float64), "targets": draw.signs(m).double()},
        ),
    ]


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


def check_functional_margin(
    fn: Callable[[torch.Tensor, torch.Tensor], Any], *, fresh: int | None = None
) -> CheckResult:
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
        fresh=fresh,
        fresh_cases=_fresh_functional,
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


def _fresh_geometric(draw: Fresh) -> list[Case]:
    cases = []
    for what in ("fresh random model and data", "another fresh random model and data"):
        d, n = draw.size(1, 4), draw.size(1, 8)
        weight = draw.values(d)
        if not bool(weight.any()):
            weight[0] = 1.0  # a zero w has no boundary
        inputs = {"weight": weight, "bias": draw.uniform(-2, 2), "X": draw.values(n, d),
                  "y": draw.signs(n)}
        cases.append(Case(what, inputs))
    return cases


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


def check_geometric_margin(
    fn: Callable[..., Any], *, fresh: int | None = None
) -> CheckResult:
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
        fresh=fresh,
        fresh_cases=_fresh_geometric,
    )


# --- the maximum-margin line, by hand ---------------------------------------------------------

_LINE_X = ((0.0, 0.0), (4.0, 0.0), (0.0, 2.0))
_LINE_Y = (-1, 1, 1)
# Worked out by hand: the closest point of the segment (4, 0)-(0, 2) to (0, 0) is (0.8, 1.6); the
# boundary is the perpendicular bisector x1 + 2 x2 = 2, scaled so that y f(x) = 1 on the points.
_LINE_WEIGHT, _LINE_BIAS = (0.5, 1.0), -1.0
_LINE_ATOL = 1e-3


def max_margin_problem() -> tuple[torch.Tensor, torch.Tensor]:
    """Print the three points of the by-hand exercise and return ``(X, y)``.

    Find, with a pencil, the line :math:`w^T x + b = 0` that separates them with the widest
    band, written as a hard-margin SVM writes it (the closest points have
    :math:`y (w^T x + b) = 1`), then pass ``w`` and ``b`` to :func:`check_max_margin_line`.

    Example::

        >>> X, y = max_margin_problem()
        point 0: x = (0.0, 0.0), label y = -1
        point 1: x = (4.0, 0.0), label y = +1
        point 2: x = (0.0, 2.0), label y = +1
        >>> X.shape, y.tolist()
        (torch.Size([3, 2]), [-1, 1, 1])
    """
    lines = [
        f"point {i}: x = ({a:.1f}, {b:.1f}), label y = {label:+d}"
        for i, ((a, b), label) in enumerate(zip(_LINE_X, _LINE_Y, strict=True))
    ]
    print("\n".join(lines))  # noqa: T201 - the exercise is shown to the student
    return _t(_LINE_X), _t(_LINE_Y)


def _numbers(values: Any, n: int) -> torch.Tensor | None:
    try:
        typed = torch.as_tensor(values, dtype=torch.float64).flatten()
    except (TypeError, ValueError, RuntimeError):
        return None
    return typed if typed.numel() == n and bool(torch.isfinite(typed).all()) else None


def check_max_margin_line(weight: Any, bias: Any) -> CheckResult:
    r"""Check ``(weight, bias)``: the maximum-margin line of :func:`max_margin_problem`, by hand.

    Three checks, in order: the line separates the points (each on its own side), no other line
    leaves a wider band, and :math:`(w, b)` is scaled as a hard-margin SVM writes it, so that the
    closest points have :math:`y (w^T x + b) = 1`. Answers within 0.001 count as right.

    Example::

        >>> result = check_max_margin_line([1.0, 1.0], -1.0)  # x1 + x2 = 1: not the widest
        Check 2 of 3 failed: your line separates the points, but its closest point is 0.7071 from it, and another line keeps all three farther away.
          hint: the widest band is as wide as the gap between the classes allows: halfway between the closest parts of the two classes, and perpendicular to the shortest segment joining them. Which part of the +1 class is closest to the -1 point?
        >>> result.passed
        False
    """  # noqa: E501 - doctest output is one line as printed
    n_checks = 3
    w, b = _numbers(weight, 2), _numbers(bias, 1)
    if w is None or b is None:
        message = (
            "Expected weight as two numbers, e.g. [3.0, -2.0], and bias as one number, e.g. 4.0; "
            f"got weight={weight!r}, bias={bias!r}"
        )
        return report(False, n_checks, message)
    if float(w.norm()) == 0.0:
        return report(False, n_checks, "Check 1 of 3 failed: w = 0 has no boundary line at all.")
    X, y = _t(_LINE_X, dtype=torch.float64), _t(_LINE_Y, dtype=torch.float64)
    margins = y * (X @ w + b)
    wrong = [i for i, m in enumerate(margins.tolist()) if m <= 0]
    if wrong:
        if len(wrong) == len(_LINE_Y):
            hint = "every point is on the wrong side: f(x) = w.x + b must be positive for y = +1"
        else:
            hint = "a maximum-margin line has every point on its own side, with y f(x) > 0"
        points = ", ".join(str(i) for i in wrong)
        message = (
            f"Check 1 of 3 failed: {'point' if len(wrong) == 1 else 'points'} {points} "
            f"{'is' if len(wrong) == 1 else 'are'} on the "
            f"wrong side of your line (or on it).\n  hint: {hint}"
        )
        return report(False, n_checks, message)
    best_w = _t(_LINE_WEIGHT, dtype=torch.float64)
    best = 1.0 / float(best_w.norm())  # the half-width of the widest band
    closest = float(margins.min() / w.norm())
    if closest < best - _LINE_ATOL:
        message = (
            f"Check 2 of 3 failed: your line separates the points, but its closest point is "
            f"{closest:.4g} from it, and another line keeps all three farther away.\n"
            "  hint: the widest band is as wide as the gap between the classes allows: halfway "
            "between the closest parts of the two classes, and perpendicular to the shortest "
            "segment joining them. Which part of the +1 class is closest to the -1 point?"
        )
        return report(False, n_checks, message)
    scale = float(margins.min())
    if abs(scale - 1.0) > _LINE_ATOL:
        message = (
            f"Check 3 of 3 failed: your line is the maximum-margin boundary, but (w, b) is scaled "
            f"differently: its closest points have y (w.x + b) = {scale:.4g}, not 1.\n"
            "  hint: multiplying w and b by one positive number keeps the line; choose the "
            "number that makes y (w.x + b) = 1 on the closest points"
        )
        return report(False, n_checks, message)
    message = (
        f"All 3 checks passed: your line separates the points with the widest band, half-width "
        f"1 / ||w|| = {best:.4f}, and every point lies on an edge of it (y f(x) = 1)."
    )
    return report(True, n_checks, message)
