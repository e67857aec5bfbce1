"""Lesson 3 (squared and smooth hinge): the squared hinge, and Rennie & Srebro's smoothed hinge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..functional import squared_hinge_loss
from ..zoo import smooth_hinge
from ._engine import (
    Case,
    CheckResult,
    Fresh,
    Mistake,
    fresh_binary_batches,
    margin_label,
    randn,
    random_signs,
    report,
    run_checks,
    show_figure,
)

__all__ = [
    "SLOPE_SHAPES",
    "check_smooth_hinge",
    "check_squared_hinge",
    "check_squared_hinge_gradient",
    "check_which_loss",
    "gradient_plot_problem",
]

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


def _fresh_squared(draw: Fresh) -> list[Case]:
    return fresh_binary_batches(draw)


def _fresh_margins(draw: Fresh) -> list[Case]:
    n, k = draw.size(1, 12), draw.size(1, 12)
    return [
        Case("fresh random margins", {"m": draw.values(n, scale=2.0)}),
        Case("fresh random float64 margins", {"m": draw.values(k, scale=2.0, dtype=torch.float64)}),
    ]


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


def check_squared_hinge(
    fn: Callable[..., Any], *, fresh: int | None = None
) -> CheckResult:
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
        fresh=fresh,
        fresh_cases=_fresh_squared,
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


def check_smooth_hinge(
    fn: Callable[[torch.Tensor], Any], *, fresh: int | None = None
) -> CheckResult:
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
        fresh=fresh,
        fresh_cases=_fresh_margins,
    )


# --- the squared hinge's gradient in the score ------------------------------------------------


def _squared_gradient(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    labels = y.to(s.dtype)
    return -2 * labels * (1 - labels * s).clamp(min=0)


def _slope_in_m(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return -2 * (1 - y.to(s.dtype) * s).clamp(min=0)


_SQUARED_GRADIENT_MISTAKES = (
    Mistake(
        "that is the slope in the margin m = y * s, dL/dm; the exercise asks for the slope in "
        "the score s: by the chain rule, dL/ds = dL/dm * dm/ds",
        _slope_in_m,
    ),
    Mistake(
        "a factor 2 is missing: the derivative of u^2 is 2u",
        lambda s, y: 0.5 * _squared_gradient(s, y),
    ),
    Mistake(
        "wrong sign: raising the score of a positive sample inside the margin lowers its loss",
        lambda s, y: -_squared_gradient(s, y),
    ),
    Mistake(
        "that is the plain hinge's slope (a step); the squared hinge's slope grows with the "
        "violation",
        lambda s, y: torch.where(
            y.to(s.dtype) * s < 1, -y.to(s.dtype), torch.zeros_like(s)
        ),
    ),
    Mistake(
        "samples beyond the margin (y * s > 1) have slope 0: did you forget the clamp at 0?",
        lambda s, y: -2 * y.to(s.dtype) * (1 - y.to(s.dtype) * s),
    ),
    Mistake("you returned the loss, not its derivative", _squared),
    Mistake(
        "you returned one number: the exercise asks for dL/ds per sample",
        lambda s, y: _squared_gradient(s, y).sum(),
    ),
)


def check_squared_hinge_gradient(
    fn: Callable[..., Any], *, fresh: int | None = None
) -> CheckResult:
    r"""Check ``fn(scores, targets)``: the squared hinge's slope in the score, per sample.

    .. math::
        \frac{\partial}{\partial s_n} \max(0, 1 - y_n s_n)^2

    The lesson shows the slope in the margin :math:`m = y s`; this one is in :math:`s`, so the
    chain rule brings in :math:`dm/ds`. The result keeps the scores' dtype.

    Shape:
        - scores: :math:`(N)`; targets: :math:`(N)` in {-1, +1}; output: :math:`(N)`.

    Example::

        >>> def gradient(scores, targets):
        ...     y = targets.to(scores.dtype)
        ...     return -2 * y * torch.clamp(1 - y * scores, min=0)
        >>> result = check_squared_hinge_gradient(gradient)
        All 5 checks passed: your squared_hinge_gradient matches the reference, including the kink y * s = 1, a safe sample at y * s = 3, integer labels, float64 scores and an empty batch.
        >>> result = check_squared_hinge_gradient(lambda s, t: -2 * torch.clamp(1 - t * s, min=0))
        Check 1 of 5 failed: a mixed batch
          input: scores=[2.0, 0.5, -0.5, -2.0, 0.3], targets=[1.0, 1.0, 1.0, -1.0, -1.0]
          sample 4: expected 2.6, got -2.6
          hint: that is the slope in the margin m = y * s, dL/dm; the exercise asks for the slope in the score s: by the chain rule, dL/ds = dL/dm * dm/ds
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="squared_hinge_gradient",
        student=fn,
        reference=_squared_gradient,
        cases=_SQUARED_CASES,
        mistakes=_SQUARED_GRADIENT_MISTAKES,
        covered=(
            "the kink y * s = 1, a safe sample at y * s = 3, integer labels, float64 scores "
            "and an empty batch"
        ),
        signature="f(scores, targets)",
        fresh=fresh,
        fresh_cases=_fresh_squared,
    )


# --- which loss is this slope? ----------------------------------------------------------------

#: What each loss's slope dL/dm looks like, in words a student can compare with a curve.
SLOPE_SHAPES = {
    "hinge": "a step: -1 for m < 1, then 0 from m = 1 on",
    "squared_hinge": "a straight line -2 (1 - m) up to m = 1, steeper without limit for "
    "worse mistakes, then 0",
    "smooth_hinge": "-1 for m <= 0, a straight ramp from -1 up to 0 on 0 < m < 1, then 0",
    "logistic": "a smooth S-curve -1 / (1 + e^m): near -1 for bad mistakes, never exactly 0",
    "exponential": "-e^(-m): steeper without limit for mistakes, never exactly 0",
    "perceptron": "a step: -1 for m < 0, then 0 from m = 0 on",
    "modified_huber": "-4 for m < -1, a straight line -2 (1 - m) on -1 <= m < 1, then 0",
}
_PANELS = {"A": "modified_huber", "B": "smooth_hinge", "C": "perceptron", "D": "squared_hinge"}


def gradient_plot_problem() -> Any:
    """Draw four unlabelled slopes :math:`dL/dm` (panels A to D) and print the losses to choose from.

    Each panel is the derivative of one loss of the zoo. Name them, as a dict
    ``{"A": name, ...}``, and pass it to :func:`check_which_loss`. Returns the figure.

    Example::

        >>> fig = gradient_plot_problem()
        Which loss has this slope dL/dm? Choose among: hinge, squared_hinge, smooth_hinge, logistic, exponential, perceptron, modified_huber
        >>> [ax.get_title() for ax in fig.axes]
        ['A', 'B', 'C', 'D']
        >>> import matplotlib.pyplot as plt; plt.close(fig)
    """  # noqa: E501 - doctest output is one line as printed
    import matplotlib.pyplot as plt

    from .. import zoo

    m = torch.linspace(-3, 2, 501, dtype=torch.float64)
    fig, axes = plt.subplots(1, 4, figsize=(13, 3), sharey=True, layout="constrained")
    for ax, (panel, name) in zip(axes, _PANELS.items(), strict=True):
        slope = getattr(zoo, f"{name}_derivative")(m)
        ax.plot(m.numpy(), slope.numpy(), color="black", lw=2)
        ax.axhline(0, color="grey", lw=0.5)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set_title(panel)
        ax.set_xlabel("margin m")
        ax.set_ylim(-6.5, 0.5)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("dL/dm")
    print(f"Which loss has this slope dL/dm? Choose among: {', '.join(SLOPE_SHAPES)}")  # noqa: T201
    show_figure(fig)
    return fig


def check_which_loss(answers: Any) -> CheckResult:
    """Check the names given to the four slopes of :func:`gradient_plot_problem`.

    ``answers`` maps each panel to a loss name, e.g. ``{"A": "hinge", "B": "logistic", ...}``.
    A wrong name is answered with what that loss's slope looks like, to compare with the curve.

    Example::

        >>> result = check_which_loss({"A": "squared_hinge", "B": "smooth_hinge",
        ...                            "C": "hinge", "D": "squared_hinge"})
        Check failed: 2 of 4 panels are named wrong.
          panel A: the slope of squared_hinge is a straight line -2 (1 - m) up to m = 1, steeper without limit for worse mistakes, then 0. Does curve A do that, left of m = -1 too?
          panel C: the slope of hinge is a step: -1 for m < 1, then 0 from m = 1 on. Does curve C do that, and where does it reach 0?
    """  # noqa: E501 - doctest output is one line as printed
    n = len(_PANELS)
    if not isinstance(answers, dict) or set(map(str, answers)) != set(_PANELS):
        message = (
            f"Expected a dict naming each panel, e.g. {{'A': 'hinge', 'B': 'logistic', ...}}, "
            f"with the keys {', '.join(_PANELS)}; got {answers!r}"
        )
        return report(False, n, message)
    lines = []
    for panel, right in _PANELS.items():
        given = str(answers[panel]).strip().lower().replace(" ", "_").replace("-", "_")
        if given == right:
            continue
        if given not in SLOPE_SHAPES:
            lines.append(f"  panel {panel}: {answers[panel]!r} is not one of the choices "
                         f"({', '.join(SLOPE_SHAPES)})")
            continue
        where = {
            "A": "left of m = -1 too",
            "B": "and is it a step or a ramp",
            "C": "and where does it reach 0",
            "D": "left of m = -1 too",
        }[panel]
        lines.append(f"  panel {panel}: the slope of {given} is {SLOPE_SHAPES[given]}. Does curve "
                     f"{panel} do that, {where}?")
    if lines:
        verb = "is" if len(lines) == 1 else "are"
        header = f"Check failed: {len(lines)} of {n} panels {verb} named wrong."
        return report(False, n, "\n".join([header, *lines]))
    message = (
        "All 4 panels are named right: modified Huber caps the squared hinge's slope at -4, the "
        "smoothed hinge ramps where the hinge jumps, and the perceptron's step sits at m = 0."
    )
    return report(True, n, message)
