"""Lesson 6 (hinge vs cross-entropy): the logistic loss's slope, and the bounded ramp loss."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from ..zoo import hinge, logistic_bits_derivative, logistic_derivative, ramp, zero_one
from ._engine import Case, CheckResult, Fresh, Mistake, margin_label, randn, run_checks

__all__ = [
    "check_fade_margin",
    "check_logistic_gradient",
    "check_ramp_loss",
    "fade_margin",
]

_t = torch.tensor


def _fresh_margins(draw: Fresh) -> list[Case]:
    n, k = draw.size(1, 12), draw.size(1, 12)
    return [
        Case("fresh random margins", {"m": draw.values(n, scale=4.0)}),
        Case("fresh random float64 margins", {"m": draw.values(k, scale=4.0, dtype=torch.float64)}),
    ]


def logistic_gradient(m: torch.Tensor) -> torch.Tensor:
    r"""The slope of the logistic loss in nats: :math:`\frac{d}{dm}\log(1 + e^{-m}) = -\sigma(-m)`.

    The natural log, as everywhere in the library: the cross-entropy that
    ``torch.nn.functional.binary_cross_entropy_with_logits`` computes (the reference is
    :func:`hinge_utils.zoo.logistic_derivative`).

    Example::

        >>> # -sigma(0) = -1/2;  -sigma(-2) = -1 / (1 + e^2) = -1 / 8.389 = -0.1192
        >>> logistic_gradient(torch.tensor([0.0, 2.0]))
        tensor([-0.5000, -0.1192])
    """
    return logistic_derivative(m)


_LOGISTIC_CASES = (
    Case("moderate margins", {"m": _t([-2.0, -0.5, 0.0, 0.5, 2.0])}),
    Case("large margins, |m| = 50", {"m": _t([-50.0, 50.0])}),
    Case("extreme margins, |m| = 1000", {"m": _t([-1000.0, 1000.0])}),
    Case("float64 margins", {"m": randn(6, seed=61, dtype=torch.float64) * 3}),
    Case("an empty tensor", {"m": torch.zeros(0)}),
)

_LOGISTIC_MISTAKES = (
    Mistake(
        "e^(-m) overflows to inf for m = -1000, and inf / inf is nan: use -torch.sigmoid(-m) "
        "(or -1 / (1 + torch.exp(m)), which only meets 1 / inf = 0)",
        lambda m: -torch.exp(-m) / (1 + torch.exp(-m)),
    ),
    Mistake(
        "wrong sign: the loss falls as m grows, so its slope -sigmoid(-m) is negative",
        lambda m: torch.sigmoid(-m),
    ),
    Mistake(
        "did you use sigmoid(m)? The slope is -sigmoid(-m) = -1 / (1 + e^m): about -1 for bad "
        "mistakes (m << 0), about 0 for confident right answers (m >> 0)",
        lambda m: -torch.sigmoid(m),
    ),
    Mistake(
        "that is the slope of log2(1 + e^-m), the loss in bits (zoo.logistic_bits); this "
        "exercise uses the natural log: -sigmoid(-m), without the 1 / ln 2",
        logistic_bits_derivative,
    ),
    Mistake(
        "you returned the loss log(1 + e^-m), not its derivative",
        lambda m: torch.nn.functional.softplus(-m),
    ),
    Mistake(
        "that is the hinge's slope (-1 for m < 1, else 0); the logistic slope is -sigmoid(-m), "
        "never exactly 0",
        lambda m: -(m < 1).to(m.dtype),
    ),
)


def check_logistic_gradient(
    fn: Callable[[torch.Tensor], Any], *, fresh: int | None = None
) -> CheckResult:
    r"""Check ``fn(m)``: the slope of the logistic loss :math:`\log(1 + e^{-m})` in the margin.

    .. math::
        \frac{d}{dm} \log(1 + e^{-m}) = -\frac{e^{-m}}{1 + e^{-m}} = -\sigma(-m)

    It must stay finite for :math:`|m| = 1000` (where :math:`e^{1000}` overflows).

    Shape:
        - m: :math:`(N)`; output: :math:`(N)`, same dtype.

    Example::

        >>> # m = 0: -sigma(0) = -1/2;  m = 2: -1 / (1 + e^2) = -0.1192
        >>> result = check_logistic_gradient(lambda m: -torch.sigmoid(-m))
        All 5 checks passed: your logistic_gradient matches the reference, including |m| = 50, |m| = 1000 without overflow, float64 margins and an empty tensor.
        >>> result = check_logistic_gradient(lambda m: -torch.exp(-m) / (1 + torch.exp(-m)))
        Check 3 of 5 failed: extreme margins, |m| = 1000
          input: m=[-1000.0, 1000.0]
          m = -1000.0: expected -1.0, got nan
          hint: e^(-m) overflows to inf for m = -1000, and inf / inf is nan: use -torch.sigmoid(-m) (or -1 / (1 + torch.exp(m)), which only meets 1 / inf = 0)
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="logistic_gradient",
        student=fn,
        reference=logistic_gradient,
        cases=_LOGISTIC_CASES,
        mistakes=_LOGISTIC_MISTAKES,
        covered="|m| = 50, |m| = 1000 without overflow, float64 margins and an empty tensor",
        signature="f(m)",
        entry=margin_label,
        fresh=fresh,
        fresh_cases=_fresh_margins,
    )


# --- ramp -------------------------------------------------------------------------------------

_RAMP_CASES = (
    Case("one margin on each piece", {"m": _t([-3.0, -0.5, 0.25, 0.75, 2.0])}),
    Case("the corners m = 0 and m = 1", {"m": _t([0.0, 1.0])}),
    Case("a far-away mistake, m = -100", {"m": _t([-100.0, 0.5])}),
    Case("float64 margins", {"m": randn(6, seed=62, dtype=torch.float64) * 2}),
    Case("an empty tensor", {"m": torch.zeros(0)}),
)

_RAMP_MISTAKES = (
    Mistake(
        "your loss keeps growing for mistakes: that is the hinge. The ramp is capped at 1: "
        "min(1, max(0, 1 - m))",
        hinge,
    ),
    Mistake(
        "you capped at 2 (the ramp cut at m = -1); this collection's ramp, hinge_utils.zoo.ramp, "
        "is capped at 1: min(1, max(0, 1 - m))",
        lambda m: (1 - m).clamp(min=0, max=2),
    ),
    Mistake(
        "safe samples (m > 1) must cost 0, not 1 - m < 0: clamp at 0 as well as at 1",
        lambda m: (1 - m).clamp(max=1),
    ),
    Mistake(
        "min, not max: the cap keeps the loss at most 1, min(1, max(0, 1 - m))",
        lambda m: torch.maximum(torch.ones_like(m), hinge(m)),
    ),
    Mistake(
        "that is the zero-one loss; the ramp falls linearly from 1 to 0 between m = 0 and m = 1",
        zero_one,
    ),
)


def check_ramp_loss(
    fn: Callable[[torch.Tensor], Any], *, fresh: int | None = None
) -> CheckResult:
    r"""Check ``fn(m)``: the ramp loss, the hinge capped at 1 (as :func:`hinge_utils.zoo.ramp`).

    .. math::
        R(m) = \min\bigl(1,\; \max(0,\; 1 - m)\bigr)

    Shape:
        - m: :math:`(N)`; output: :math:`(N)`, same dtype.

    Example::

        >>> # first case: min(1, 4) = 1,  min(1, 1.5) = 1,  0.75,  0.25,  0
        >>> result = check_ramp_loss(lambda m: torch.clamp(1 - m, min=0, max=1))
        All 5 checks passed: your ramp_loss matches the reference, including the corners m = 0 and m = 1, m = -100, float64 margins and an empty tensor.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="ramp_loss",
        student=fn,
        reference=ramp,
        cases=_RAMP_CASES,
        mistakes=_RAMP_MISTAKES,
        covered="the corners m = 0 and m = 1, m = -100, float64 margins and an empty tensor",
        signature="f(m)",
        entry=margin_label,
        fresh=fresh,
        fresh_cases=_fresh_margins,
    )


# --- where cross-entropy's pull fades ---------------------------------------------------------


def fade_margin(eps: float) -> float:
    r"""The margin where the logistic loss's pull drops to ``eps``: :math:`\ln(1/\varepsilon - 1)`.

    The pull is :math:`-\frac{dL}{dm} = \sigma(-m) = 1 / (1 + e^m)`; it equals
    :math:`\varepsilon` where :math:`e^m = 1/\varepsilon - 1`.

    Example::

        >>> round(fade_margin(0.01), 4)  # ln 99
        4.5951
        >>> fade_margin(0.5)  # sigma(0) = 1/2
        0.0
    """
    return math.log(1.0 / eps - 1.0)


_FADE_CASES = (
    Case("eps = 0.01", {"eps": 0.01}),
    Case("eps = 0.1", {"eps": 0.1}),
    Case("eps = 0.5, where the pull is already 1/2", {"eps": 0.5}),
    Case("eps = 0.3", {"eps": 0.3}),
    Case("a tiny eps = 1e-6", {"eps": 1e-6}),
)


def _fresh_eps(draw: Fresh) -> list[Case]:
    cases = []
    for _ in range(3):
        eps = round(0.001 + 0.48 * draw.uniform(0, 1), 3)
        cases.append(Case(f"fresh eps = {eps:g}", {"eps": eps}))
    return cases


_FADE_MISTAKES = (
    Mistake(
        "close, but 1 / (1 + e^m) = eps gives e^m = 1/eps - 1, not 1/eps: that -1 matters "
        "most where eps is large",
        lambda eps: math.log(1.0 / eps),
    ),
    Mistake(
        "wrong sign: the pull fades for large positive margins (safe, right answers)",
        lambda eps: -math.log(1.0 / eps - 1.0),
    ),
    Mistake(
        "that is log base 2: the loss here is in nats, log(1 + e^-m) with the natural log",
        lambda eps: math.log2(1.0 / eps - 1.0),
    ),
    Mistake(
        "that is where the loss itself falls to eps, log(1 + e^-m) = eps; the exercise asks "
        "where its slope does",
        lambda eps: -math.log(math.expm1(eps)),
    ),
    Mistake(
        "1 / eps is not a margin: solve 1 / (1 + e^m) = eps for m",
        lambda eps: 1.0 / eps,
    ),
    Mistake(
        "did you solve with the hinge's slope in mind? The logistic slope is -1 / (1 + e^m), "
        "never exactly 0",
        lambda eps: 1.0,
    ),
)


def check_fade_margin(fn: Callable[[float], Any], *, fresh: int | None = None) -> CheckResult:
    r"""Check ``fn(eps)``: the margin :math:`m` at which cross-entropy's pull :math:`-dL/dm` is ``eps``.

    For :math:`L(m) = \log(1 + e^{-m})` the pull :math:`\sigma(-m)` falls from 1 to 0 as the
    margin grows and is never 0, unlike the hinge's; this margin is where it drops to ``eps``
    (``0 < eps < 1``). The answer may be a Python float or a 0-d tensor.

    Example::

        >>> result = check_fade_margin(lambda eps: math.log(1 / eps - 1))
        All 5 checks passed: your fade_margin matches the reference, including eps = 0.5 and a tiny eps = 1e-6.
        >>> result = check_fade_margin(lambda eps: math.log(1 / eps))
        Check 1 of 5 failed: eps = 0.01
          input: eps=0.01
          expected 4.5951, got 4.6052
          hint: close, but 1 / (1 + e^m) = eps gives e^m = 1/eps - 1, not 1/eps: that -1 matters most where eps is large
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="fade_margin",
        student=fn,
        reference=fade_margin,
        cases=_FADE_CASES,
        mistakes=_FADE_MISTAKES,
        covered="eps = 0.5 and a tiny eps = 1e-6",
        signature="f(eps)",
        fresh=fresh,
        fresh_cases=_fresh_eps,
    )
