"""Lesson 7 (training): the regularised SVM objective, and lambda from scikit-learn's C."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ..objectives import svm_objective
from ._engine import Case, CheckResult, Fresh, Mistake, randn, random_signs, run_checks

__all__ = [
    "check_lambda_for_margin",
    "check_lambda_from_C",
    "check_svm_objective",
    "lambda_for_margin",
]

_t = torch.tensor

_OBJECTIVE_CASES = (
    Case(
        "4 samples, 2 features",
        {
            "weight": _t([1.0, -2.0]),
            "bias": 0.5,
            "X": _t([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [-1.0, -1.0]]),
            "y": _t([1, -1, -1, 1]),
            "lam": 0.1,
        },
    ),
    Case(
        "lam = 0 (no penalty)",
        {
            "weight": _t([0.5, 0.5]),
            "bias": -1.0,
            "X": _t([[1.0, 2.0], [3.0, -1.0]]),
            "y": _t([1, -1]),
            "lam": 0.0,
        },
    ),
    Case(
        "a strong penalty, lam = 10",
        {
            "weight": _t([0.3, -0.1, 0.2]),
            "bias": 0.2,
            "X": randn(5, 3, seed=71),
            "y": random_signs(5, seed=72),
            "lam": 10.0,
        },
    ),
    Case(
        "float64 data, 8 samples, 3 features",
        {
            "weight": randn(3, seed=73, dtype=torch.float64),
            "bias": -0.3,
            "X": randn(8, 3, seed=74, dtype=torch.float64),
            "y": random_signs(8, seed=75),
            "lam": 0.05,
        },
    ),
)


def _fresh_objective(draw: Fresh) -> list[Case]:
    cases = []
    for what in ("fresh random model and data", "fresh random float64 model and data"):
        d, n = draw.size(1, 4), draw.size(1, 10)
        dtype = torch.float64 if "float64" in what else torch.float32
        inputs = {"weight": draw.values(d, dtype=dtype), "bias": draw.uniform(-1, 1),
                  "X": draw.values(n, d, dtype=dtype), "y": draw.signs(n),
                  "lam": draw.uniform(0, 2)}
        cases.append(Case(what, inputs))
    return cases


def _objective(
    weight: torch.Tensor, bias: torch.Tensor | float, X: torch.Tensor, y: torch.Tensor, lam: float
) -> torch.Tensor:
    return svm_objective(weight, bias, X, y, lam)


def _hinges(
    w: torch.Tensor, b: torch.Tensor | float, X: torch.Tensor, y: torch.Tensor
) -> torch.Tensor:
    return (1 - y.to(X.dtype) * (X @ w + b)).clamp(min=0)


_OBJECTIVE_MISTAKES = (
    Mistake(
        "did you penalise the bias too? Only w is regularised: + lam/2 * ||w||^2, with b left "
        "out (shifting the boundary costs nothing)",
        lambda w, b, X, y, lam: svm_objective(w, b, X, y, lam, regularize_bias=True),
    ),
    Mistake(
        "the penalty is lam/2 * ||w||^2: did you drop the 1/2?",
        lambda w, b, X, y, lam: _hinges(w, b, X, y).mean() + lam * (w @ w),
    ),
    Mistake(
        "did you sum the hinge losses? The objective uses their mean over the n samples",
        lambda w, b, X, y, lam: _hinges(w, b, X, y).sum() + lam / 2 * (w @ w),
    ),
    Mistake(
        "the penalty uses the squared norm ||w||^2 = w @ w, not ||w||",
        lambda w, b, X, y, lam: _hinges(w, b, X, y).mean() + lam / 2 * torch.linalg.norm(w),
    ),
    Mistake(
        "did you forget the penalty lam/2 * ||w||^2?",
        lambda w, b, X, y, lam: _hinges(w, b, X, y).mean(),
    ),
    Mistake(
        "did you leave the bias out of the scores? f(x) = X @ w + b",
        lambda w, b, X, y, lam: _hinges(w, 0.0, X, y).mean() + lam / 2 * (w @ w),
    ),
    Mistake(
        "you used the squared hinge; this objective uses the plain hinge max(0, 1 - y f(x))",
        lambda w, b, X, y, lam: _hinges(w, b, X, y).square().mean() + lam / 2 * (w @ w),
    ),
    Mistake(
        "you returned one value per sample: the objective is one number, the mean hinge loss "
        "plus the penalty",
        lambda w, b, X, y, lam: _hinges(w, b, X, y) + lam / 2 * (w @ w),
    ),
)


def check_svm_objective(
    fn: Callable[..., Any], *, fresh: int | None = None
) -> CheckResult:
    r"""Check ``fn(weight, bias, X, y, lam)``: the regularised SVM objective, one number.

    .. math::
        J(w, b) = \frac{1}{n} \sum_{i=1}^{n} \max\bigl(0,\; 1 - y_i (w^T x_i + b)\bigr)
                  + \frac{\lambda}{2} \|w\|^2

    The bias is not regularised. The reference is :func:`hinge_utils.objectives.svm_objective`.

    Shape:
        - weight: :math:`(D)`; bias: a float; X: :math:`(N, D)`; y: :math:`(N)` in {-1, +1};
          lam: a float; output: a single number.

    Example::

        >>> def objective(weight, bias, X, y, lam):
        ...     hinge = torch.clamp(1 - y * (X @ weight + bias), min=0)
        ...     return hinge.mean() + lam / 2 * weight @ weight
        >>> # first case: y f(x) = 1.5, 1.5, -0.5, 1.5  ->  hinge mean (0 + 0 + 1.5 + 0) / 4
        >>> # = 0.375, plus 0.1 / 2 * (1 + 4) = 0.25: J = 0.625
        >>> result = check_svm_objective(objective)
        All 4 checks passed: your svm_objective matches the reference, including lam = 0, lam = 10 and float64 data.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="svm_objective",
        student=fn,
        reference=_objective,
        cases=_OBJECTIVE_CASES,
        mistakes=_OBJECTIVE_MISTAKES,
        covered="lam = 0, lam = 10 and float64 data",
        signature="f(weight, bias, X, y, lam)",
        fresh=fresh,
        fresh_cases=_fresh_objective,
    )


# --- lambda from C ----------------------------------------------------------------------------

_LAMBDA_CASES = (
    Case("C = 1, n = 100", {"C": 1.0, "n": 100}),
    Case("C = 0.5, n = 10", {"C": 0.5, "n": 10}),
    Case("C = 10, n = 1", {"C": 10.0, "n": 1}),
    Case("C = 0.01, n = 400", {"C": 0.01, "n": 400}),
)


def _fresh_lambda(draw: Fresh) -> list[Case]:
    C, n = draw.uniform(0.01, 10.0) + 0.01, draw.size(1, 500)
    return [Case(f"fresh C = {C:g}, n = {n}", {"C": C, "n": n})]


def lambda_from_C(C: float, n: int) -> float:
    r"""The :math:`\lambda` of :func:`~hinge_utils.objectives.svm_objective` for sklearn's ``C``.

    .. math::
        \lambda = \frac{1}{n C}

    (the conversion stated in :mod:`hinge_utils.objectives`).

    Example::

        >>> lambda_from_C(1.0, 100)  # 1 / (100 * 1.0)
        0.01
    """
    return 1.0 / (n * C)


_UPSIDE_DOWN = "upside down: lam = 1 / (n C), small when there are many samples or a large C"
_LAMBDA_MISTAKES = (
    Mistake(
        "did you forget n? scikit-learn sums the hinge over the n samples, this objective "
        "averages it, so lam = 1 / (n C)",
        lambda C, n: 1 / C,
    ),
    Mistake(
        "that is the lam of the objective lam * ||w||^2 (no 1/2); with lam/2 * ||w||^2, "
        "lam = 1 / (n C)",
        lambda C, n: 1 / (2 * n * C),
    ),
    Mistake(
        "a factor 2 too large: with the penalty lam/2 * ||w||^2, lam = 1 / (n C)",
        lambda C, n: 2 / (n * C),
    ),
    Mistake(_UPSIDE_DOWN, lambda C, n: n * C),
    Mistake(_UPSIDE_DOWN, lambda C, n: n / C),
    Mistake("lam = 1 / (n C): divide 1 by the product n C, not C by n", lambda C, n: C / n),
)


def check_lambda_from_C(
    fn: Callable[[float, int], Any], *, fresh: int | None = None
) -> CheckResult:
    r"""Check ``fn(C, n)``: the :math:`\lambda` that makes this objective scikit-learn's SVM.

    scikit-learn minimises :math:`\frac12 \|w\|^2 + C \sum_i h_i`; dividing by :math:`n C`
    gives :math:`\frac1n \sum_i h_i + \frac{1}{2 n C} \|w\|^2`, which is
    :math:`\frac1n \sum_i h_i + \frac{\lambda}{2} \|w\|^2` for :math:`\lambda = 1 / (n C)`.

    Example::

        >>> # C = 1, n = 100: lam = 1 / (100 * 1) = 0.01
        >>> result = check_lambda_from_C(lambda C, n: 1 / (n * C))
        All 4 checks passed: your lambda_from_C matches the reference, including n = 1 and a small C = 0.01.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="lambda_from_C",
        student=fn,
        reference=lambda_from_C,
        cases=_LAMBDA_CASES,
        mistakes=_LAMBDA_MISTAKES,
        covered="n = 1 and a small C = 0.01",
        signature="f(C, n)",
        fresh=fresh,
        fresh_cases=_fresh_lambda,
    )


# --- the margin Delta only rescales lam -------------------------------------------------------


def lambda_for_margin(lam: float, margin: float) -> float:
    r"""The :math:`\lambda'` for which margin 1 gives the boundary that margin :math:`\Delta` gives with :math:`\lambda`.

    With :math:`w = \Delta w'` and :math:`b = \Delta b'`,

    .. math::
        \frac1n \sum_i [\Delta - y_i f(x_i)]_+ + \frac{\lambda}{2}\lVert w\rVert^2
        = \Delta \Bigl(\frac1n \sum_i [1 - y_i f'(x_i)]_+ + \frac{\lambda \Delta}{2}\lVert w'\rVert^2\Bigr),

    the same boundary :math:`f = 0` as margin 1 with :math:`\lambda' = \lambda \Delta`.

    Example::

        >>> lambda_for_margin(0.01, 2.0)
        0.02
    """  # noqa: E501 - a formula reads best on one line
    return lam * margin


_MARGIN_CASES = (
    Case("lam = 0.01, margin = 2", {"lam": 0.01, "margin": 2.0}),
    Case("lam = 0.1, margin = 0.5", {"lam": 0.1, "margin": 0.5}),
    Case("lam = 0.05, margin = 3", {"lam": 0.05, "margin": 3.0}),
    Case("lam = 2, margin = 0.25", {"lam": 2.0, "margin": 0.25}),
    Case("margin = 1 changes nothing", {"lam": 0.3, "margin": 1.0}),
)


def _fresh_margin(draw: Fresh) -> list[Case]:
    cases = []
    for _ in range(3):
        lam, margin = draw.uniform(0.01, 2.0) + 0.01, draw.uniform(0.1, 4.0) + 0.1
        what = f"fresh lam = {lam:g}, margin = {margin:g}"
        cases.append(Case(what, {"lam": lam, "margin": margin}))
    return cases


_MARGIN_MISTAKES = (
    Mistake(
        "the other way round: write w = Delta w', b = Delta b' and factor Delta out of the "
        "hinge; what multiplies ||w'||^2 then?",
        lambda lam, margin: lam / margin,
    ),
    Mistake(
        "the penalty gives Delta^2 lam/2 ||w'||^2, but the hinge also gives a factor Delta, "
        "which divides out",
        lambda lam, margin: lam * margin**2,
    ),
    Mistake(
        "lam / Delta^2 would rescale the penalty alone: the hinge term changes by a factor "
        "too when w = Delta w'",
        lambda lam, margin: lam / margin**2,
    ),
    Mistake(
        "the same lam gives another boundary: with margin Delta the hinge asks for a wider "
        "band, which the penalty prices differently",
        lambda lam, margin: lam,
    ),
    Mistake("the answer depends on lam as well as on the margin", lambda lam, margin: margin),
)


def check_lambda_for_margin(
    fn: Callable[[float, float], Any], *, fresh: int | None = None
) -> CheckResult:
    r"""Check ``fn(lam, margin)``: the :math:`\lambda'` that makes margin 1 give margin :math:`\Delta`'s boundary.

    For a linear model the hinge's threshold :math:`\Delta` in
    :math:`\frac1n \sum_i [\Delta - y_i f(x_i)]_+ + \frac{\lambda}{2}\lVert w\rVert^2` only
    rescales :math:`(w, b)`: the trained boundary is the one of margin 1 with another
    :math:`\lambda'`.

    Example::

        >>> result = check_lambda_for_margin(lambda lam, margin: lam * margin)
        All 5 checks passed: your lambda_for_margin matches the reference, including margin = 1 and margins above and below 1.
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="lambda_for_margin",
        student=fn,
        reference=lambda_for_margin,
        cases=_MARGIN_CASES,
        mistakes=_MARGIN_MISTAKES,
        covered="margin = 1 and margins above and below 1",
        signature="f(lam, margin)",
        fresh=fresh,
        fresh_cases=_fresh_margin,
    )
