"""Lesson 2 (binary hinge): a vectorised hinge loss, and five losses computed by hand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from ..functional import hinge_loss
from ._engine import (
    Case,
    CheckResult,
    Fresh,
    Mistake,
    check_case,
    describe_inputs,
    fresh_binary_batches,
    randn,
    random_signs,
    report,
    run_checks,
)

__all__ = ["check_hinge_by_hand", "check_hinge_loss", "hinge_by_hand_problem"]

_t = torch.tensor

_HINGE_CASES = (
    Case(
        "a mixed batch, margin left at your default",
        {"scores": _t([2.0, 0.5, -0.5, -2.0, 0.3]), "targets": _t([1.0, 1.0, 1.0, -1.0, -1.0])},
    ),
    Case(
        "samples exactly on the hinge (y * s = 1)",
        {"scores": _t([1.0, -1.0, 1.0]), "targets": _t([1.0, -1.0, -1.0])},
    ),
    Case(
        "integer labels (int64)",
        {"scores": _t([0.25, -0.75, 1.5, -0.1]), "targets": _t([1, -1, -1, 1])},
    ),
    Case(
        "float64 scores",
        {"scores": randn(6, seed=11, dtype=torch.float64), "targets": random_signs(6, seed=12)},
    ),
    Case(
        "margin=2.0",
        {"scores": _t([1.5, 2.5, -0.5, 0.0]), "targets": _t([1, 1, -1, 1])},
        {"margin": 2.0},
    ),
    Case("an empty batch", {"scores": torch.zeros(0), "targets": torch.zeros(0)}),
)


def _fresh_hinge(draw: Fresh) -> list[Case]:
    return fresh_binary_batches(draw, with_margin=True)


def _ys(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return y.to(s.dtype) * s


def _per_sample(s: torch.Tensor, y: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    return hinge_loss(s, y, margin=margin, reduction="none")


_HINGE_MISTAKES = (
    Mistake(
        "a loss is never negative: did you forget the clamp at 0, torch.clamp(..., min=0)? "
        "Samples beyond the margin cost 0",
        lambda s, y, margin=1.0: margin - _ys(s, y),
    ),
    Mistake(
        "this is the loss for margin 1: did you write 1 where the margin argument belongs?",
        lambda s, y, margin=1.0: _per_sample(s, y),
    ),
    Mistake(
        "wrong sign: the loss is max(0, margin - y * s), largest for confident mistakes",
        lambda s, y, margin=1.0: (margin + _ys(s, y)).clamp(min=0),
    ),
    Mistake(
        "the terms are swapped: max(0, margin - y * s), not max(0, y * s - margin)",
        lambda s, y, margin=1.0: (_ys(s, y) - margin).clamp(min=0),
    ),
    Mistake(
        "did you forget the label? The loss uses y * s: a negative sample (y = -1) scored "
        "s = -2 is right, and costs 0",
        lambda s, y, margin=1.0: (margin - s).clamp(min=0),
    ),
    Mistake(
        "did you convert the labels with 2 * y - 1? They are already in {-1, +1}",
        lambda s, y, margin=1.0: (margin - (2 * y - 1).to(s.dtype) * s).clamp(min=0),
    ),
    Mistake(
        "you squared the hinge: that is the squared hinge loss of lesson 3",
        lambda s, y, margin=1.0: _per_sample(s, y, margin).square(),
    ),
    Mistake(
        "your losses are rounded down to whole numbers: did you start from the integer labels "
        "(e.g. torch.zeros_like(targets))? Build the result from the scores' dtype",
        lambda s, y, margin=1.0: _per_sample(s, y, margin).trunc(),
    ),
    Mistake(
        "you returned one number: the exercise asks for one loss per sample (no .mean())",
        lambda s, y, margin=1.0: _per_sample(s, y, margin).mean(),
    ),
    Mistake(
        "you returned one number: the exercise asks for one loss per sample (no .sum())",
        lambda s, y, margin=1.0: _per_sample(s, y, margin).sum(),
    ),
)


def check_hinge_loss(
    fn: Callable[..., Any], *, fresh: int | None = None
) -> CheckResult:
    r"""Check ``fn(scores, targets, margin=1.0)``: per-sample hinge losses :math:`[\Delta - y s]_+`.

    The function must be vectorised (no Python loop needed), keep the scores' dtype, accept
    integer or float labels in {-1, +1}, and use its ``margin`` argument.

    Shape:
        - scores: :math:`(N)`; targets: :math:`(N)`; output: :math:`(N)`.

    Example::

        >>> def hinge(scores, targets, margin=1.0):
        ...     return torch.clamp(margin - targets * scores, min=0)
        >>> # first case: y*s = 2, 0.5, -0.5, 2, -0.3  ->  0, 0.5, 1.5, 0, 1.3
        >>> result = check_hinge_loss(hinge)
        All 6 checks passed: your hinge_loss matches the reference, including the kink y * s = 1, integer labels, float64 scores, margin=2.0 and an empty batch.
        >>> result
        CheckResult(passed=True, 6 checks)
    """  # noqa: E501 - doctest output is one line as printed
    return run_checks(
        name="hinge_loss",
        student=fn,
        reference=_per_sample,
        cases=_HINGE_CASES,
        mistakes=_HINGE_MISTAKES,
        covered="the kink y * s = 1, integer labels, float64 scores, margin=2.0 and an empty batch",
        signature="f(scores, targets) and f(scores, targets, margin=2.0)",
        fresh=fresh,
        fresh_cases=_fresh_hinge,
    )


# --- by hand ----------------------------------------------------------------------------------

_BY_HAND_SCORES = (2.0, 0.4, -0.3, -1.5, 1.0)
_BY_HAND_TARGETS = (1, 1, 1, -1, -1)
_BY_HAND_CASE = Case(
    "the five samples of hinge_by_hand_problem()",
    {"scores": _t(_BY_HAND_SCORES), "targets": _t(_BY_HAND_TARGETS)},
)
_BY_HAND_MISTAKES = (
    Mistake(
        "a loss is never negative: when 1 - y * s < 0 the hinge gives 0",
        lambda s, y: 1 - _ys(s, y),
    ),
    Mistake(
        "did you forget the label? Use the margin y * s, not the score s",
        lambda s, y: (1 - s).clamp(min=0),
    ),
    Mistake(
        "wrong sign: the loss is max(0, 1 - y * s), not max(0, 1 + y * s)",
        lambda s, y: (1 + _ys(s, y)).clamp(min=0),
    ),
    Mistake(
        "did you use max(0, y * s - 1)? The loss is max(0, 1 - y * s)",
        lambda s, y: (_ys(s, y) - 1).clamp(min=0),
    ),
    Mistake(
        "that looks like the margin y * s itself; the loss is max(0, 1 - y * s)",
        _ys,
    ),
)


def hinge_by_hand_problem() -> tuple[torch.Tensor, torch.Tensor]:
    """Print the five samples of the by-hand exercise and return ``(scores, targets)``.

    Compute each loss :math:`\\max(0, 1 - y s)` with a pencil, then pass the five numbers, in
    order, to :func:`check_hinge_by_hand`.

    Example::

        >>> scores, targets = hinge_by_hand_problem()
        sample 0: score s =  2.0, label y = +1
        sample 1: score s =  0.4, label y = +1
        sample 2: score s = -0.3, label y = +1
        sample 3: score s = -1.5, label y = -1
        sample 4: score s =  1.0, label y = -1
        >>> scores.shape, targets.dtype
        (torch.Size([5]), torch.int64)
    """
    lines = [
        f"sample {i}: score s = {s:4.1f}, label y = {y:+d}"
        for i, (s, y) in enumerate(zip(_BY_HAND_SCORES, _BY_HAND_TARGETS, strict=True))
    ]
    print("\n".join(lines))  # noqa: T201 - the exercise is shown to the student
    return _t(_BY_HAND_SCORES), _t(_BY_HAND_TARGETS)


def check_hinge_by_hand(values: Sequence[float] | torch.Tensor) -> CheckResult:
    """Check the five hinge losses of :func:`hinge_by_hand_problem`, computed by hand.

    ``values`` is a list (or tensor) of five numbers in sample order; two decimals suffice
    (answers within 0.001 count as right).

    Example::

        >>> result = check_hinge_by_hand([0, 0.6, 1.3, 0, 2])  # 1 - 0.4 = 0.6, 1 - (-0.3) = 1.3, ...
        All 5 values are right: the hinge losses are 0, 0.6, 1.3, 0 and 2.
        >>> result = check_hinge_by_hand([0, 0.6, 1.3, -0.5, 2])
        Check failed: the five samples of hinge_by_hand_problem()
          input: scores=[2.0, 0.4, -0.3, -1.5, 1.0], targets=[1, 1, 1, -1, -1]
          sample 3: expected 0.0, got -0.5
          hint for this entry: a loss is never negative: when 1 - y * s < 0 the hinge gives 0
    """  # noqa: E501 - doctest output is one line as printed
    n = len(_BY_HAND_SCORES)
    try:
        typed = torch.as_tensor(values, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        typed = None
    if typed is None or typed.dim() != 1:
        message = (
            f"Expected a list of {n} numbers, one loss per sample in order, "
            f"e.g. [0.0, 0.1, 0.2, 0.3, 0.4]; got {values!r}"
        )
        return report(False, n, message)
    failure = check_case(
        lambda scores, targets: typed,
        lambda scores, targets: hinge_loss(scores, targets, reduction="none"),
        _BY_HAND_CASE,
        _BY_HAND_MISTAKES,
        signature="a list of five numbers",
        atol=1e-3,
        check_dtype=False,
    )
    if failure is None:
        message = f"All {n} values are right: the hinge losses are 0, 0.6, 1.3, 0 and 2."
        return report(True, n, message)
    input_line = f"  input: {describe_inputs(_BY_HAND_CASE)}"
    return report(False, n, f"Check failed: {_BY_HAND_CASE.what}\n{input_line}\n{failure}")
